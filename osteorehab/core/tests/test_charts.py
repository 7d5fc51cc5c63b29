from datetime import date

import pytest
from reportlab.graphics import renderPDF

from osteorehab.core.charts import CutOff, Zone, inline_svg, trend_drawing

POINTS = [(date(2026, 1, 5), 6.0), (date(2026, 1, 19), 9.0), (date(2026, 2, 2), 12.0)]
LINES = [CutOff(5, "mild from 5"), CutOff(10, "moderate from 10"), CutOff(30, "out of range")]


def svg(**kwargs):
    drawing = trend_drawing(POINTS, cut_offs=LINES, low=0, high=21)
    return str(inline_svg(drawing, label=kwargs.get("label", "GAD-7 over time"), uid="c7"))


def test_the_svg_is_an_image_named_in_the_readers_words_without_inline_style():
    markup = svg(label='Anxiety <script>"x"</script> & more')
    assert markup.startswith("<svg ")
    assert 'role="img"' in markup
    assert 'aria-label="Anxiety &lt;script&gt;&quot;x&quot;&lt;/script&gt; &amp; more"' in markup
    assert "<title>Anxiety &lt;script&gt;" in markup
    assert "<script>" not in markup
    assert " style=" not in markup  # the page's Content-Security-Policy allows no inline style
    assert 'stroke-dasharray="4, 3"' in markup  # as a presentation attribute
    assert "<!DOCTYPE" not in markup
    assert "<?xml" not in markup


def test_ids_are_prefixed_so_that_charts_share_a_page():
    markup = svg()
    assert 'id="c7-clip"' in markup
    assert 'clip-path="url(#c7-clip)"' in markup
    assert 'id="clip"' not in markup


def test_cut_offs_inside_the_range_are_drawn_with_their_words():
    markup = svg()
    assert ">mild from 5</text>" in markup
    assert ">moderate from 10</text>" in markup
    assert "out of range" not in markup
    assert ">2026-01-05</text>" in markup
    assert ">2026-02-02</text>" in markup


def test_one_reading_draws_and_none_is_refused():
    assert ">2026-01-05</text>" in str(inline_svg(trend_drawing(POINTS[:1]), label="One", uid="a"))
    with pytest.raises(ValueError, match="at least one point"):
        trend_drawing([])


def test_the_same_drawing_goes_into_a_pdf():
    drawing = trend_drawing(POINTS, cut_offs=LINES, low=0, high=21)
    assert renderPDF.drawToString(drawing).startswith(b"%PDF")


def test_a_zone_is_shaded_behind_the_line_with_its_words_and_clipped_to_the_range():
    zone = Zone(3, 11, "baseline 6 ± 5 (Löwe 2004)")
    drawing = trend_drawing(POINTS, zones=[zone], low=0, high=21)
    markup = str(inline_svg(drawing, label="Z", uid="z"))
    assert ">baseline 6 ± 5 (Löwe 2004)</text>" in markup
    shade, trend = 'fill="rgb(83%,90%,96%)"', 'stroke="rgb(12%,30%,47%)"'  # ZONE, TREND
    assert shade in markup
    assert markup.index(shade) < markup.index(trend)  # drawn first: behind the trend
    outside = trend_drawing(POINTS, zones=[Zone(30, 40, "above the scale")], low=0, high=21)
    assert "above the scale" not in str(inline_svg(outside, label="Z", uid="y"))
