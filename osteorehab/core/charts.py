"""Trend charts: a measure over time with its cut-off lines, drawn once with ReportLab's graphics
so that the same drawing is shown inline on a page (as SVG) and placed in a PDF report.

The page's Content-Security-Policy allows no inline style, and ReportLab's SVG writes every
colour and font as a `style` attribute: `inline_svg` turns each into the equivalent SVG
presentation attribute, which the policy does not govern. It also makes the drawing an image to
assistive technology (role="img", its name in the reader's language) and gives its ids a prefix,
so that several charts can share a page. The numbers themselves belong in a table beside the
chart: a chart is never the only place they are given.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.dom import minidom  # nosec B408  # it reads only the SVG of our own drawings

from django.utils.safestring import SafeString, mark_safe
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

INK = colors.HexColor("#1a1a1a")
TREND = colors.HexColor("#1f4e79")
CUT_OFF = colors.HexColor("#5c5c5c")
ZONE = colors.HexColor("#d6e6f5")
LABEL_PT = 8
# How many dates the time axis names (the table beside the chart gives every reading's).
DATE_LABELS = 4


@dataclass(frozen=True)
class CutOff:
    """A horizontal line across the chart at `value`, with its words (in the reader's language)."""

    value: float
    label: str


@dataclass(frozen=True)
class Zone:
    """A shaded range from `low` to `high` behind the line (e.g. the change that matters around
    a baseline), with its words (in the reader's language)."""

    low: float
    high: float
    label: str


def _date_ticks(first: int, last: int) -> list[int]:
    """DATE_LABELS days evenly spread from the first to the last (fewer over a short span)."""
    steps = min(DATE_LABELS - 1, last - first)
    if not steps:
        return [first]
    return sorted({first + round(i * (last - first) / steps) for i in range(steps + 1)})


def _iso(ordinal: float) -> str:
    return date.fromordinal(round(ordinal)).isoformat()


def trend_drawing(
    points: Sequence[tuple[date, float]],
    *,
    cut_offs: Sequence[CutOff] = (),
    zones: Sequence[Zone] = (),
    low: float | None = None,
    high: float | None = None,
    width: int = 340,
    height: int = 150,
    font: str = "Helvetica",
) -> Drawing:
    """A line through the points (oldest first) with a dashed line at each cut-off inside the
    value range, over a shaded band for each zone (clipped to the range). The range is
    `low`..`high` where given (a scale's possible range), else the values' own, widened to take
    in the cut-offs and the zones. At least one point: no chart stands for no data."""
    if not points:
        raise ValueError("a trend needs at least one point")
    days = [day.toordinal() for day, _value in points]
    values = [float(value) for _day, value in points]
    marks = [c.value for c in cut_offs] + [edge for z in zones for edge in (z.low, z.high)]
    lowest = low if low is not None else min(values + marks)
    highest = high if high is not None else max(values + marks)
    margin = (highest - lowest) / 10 or 1  # room above a line for its words
    bottom = low if low is not None else lowest - margin
    top = high if high is not None else highest + margin
    first, last = min(days), max(days)
    ticks = _date_ticks(first, last)
    if last == first:  # one measurement: a week either side, so that the point shows
        first, last = first - 7, last + 7

    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y = 34, 22
    plot.width, plot.height = width - 60, height - 32  # room for the last date's label
    plot.data = [list(zip(days, values, strict=True))]
    plot.lines[0].strokeColor = TREND
    plot.lines[0].strokeWidth = 2
    plot.lines[0].symbol = makeMarker("FilledCircle", size=5, fillColor=TREND)
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = LABEL_PT
        axis.labels.fillColor = INK
        axis.strokeColor = INK
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = first - 1, last + 1
    plot.xValueAxis.valueSteps = ticks
    plot.xValueAxis.labelTextFormat = _iso
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = bottom, top

    def height_of(value: float) -> float:
        return plot.y + (value - bottom) / (top - bottom) * plot.height

    for zone in zones:  # behind the line
        floor, ceiling = max(zone.low, bottom), min(zone.high, top)
        if floor >= ceiling:
            continue
        drawing.add(
            Rect(
                plot.x,
                height_of(floor),
                plot.width,
                height_of(ceiling) - height_of(floor),
                fillColor=ZONE,
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                plot.x + 2,
                height_of(ceiling) - LABEL_PT,
                zone.label,
                fontName=font,
                fontSize=LABEL_PT,
                fillColor=INK,
            )
        )
    drawing.add(plot)
    for cut_off in cut_offs:
        if not bottom <= cut_off.value <= top:
            continue
        y = height_of(cut_off.value)
        drawing.add(
            Line(
                plot.x,
                y,
                plot.x + plot.width,
                y,
                strokeColor=CUT_OFF,
                strokeWidth=1,
                strokeDashArray=[4, 3],
            )
        )
        drawing.add(
            String(
                plot.x + plot.width - 2,
                y + 2,
                cut_off.label,
                fontName=font,
                fontSize=LABEL_PT,
                fillColor=INK,
                textAnchor="end",
            )
        )
    return drawing


def _presentation_attributes(element: minidom.Element, prefix: str) -> None:
    """`style="a: b; c: d"` -> a="b" c="d", and ids (and references to them) prefixed."""
    style = element.getAttribute("style")
    if style:
        element.removeAttribute("style")
        for declaration in style.split(";"):
            name, _colon, value = declaration.partition(":")
            name, value = name.strip(), value.strip()
            if name and value:
                value = value.replace("url(#", f"url(#{prefix}-")
                element.setAttribute(name, "none" if value == "None" else value)
    if element.getAttribute("id"):
        element.setAttribute("id", f"{prefix}-{element.getAttribute('id')}")
    for child in element.childNodes:
        if isinstance(child, minidom.Element):
            _presentation_attributes(child, prefix)


def _set_text(document: minidom.Document, element: minidom.Element, text: str) -> None:
    for child in list(element.childNodes):
        element.removeChild(child)
    element.appendChild(document.createTextNode(text))


def inline_svg(drawing: Drawing, *, label: str, uid: str) -> SafeString:
    """The drawing as an <svg> element to put in a page: role="img" named by `label` (in the
    reader's language), no style attributes, its ids prefixed with `uid` (unique on the page)."""
    # Parsed back from ReportLab's own output, never from user input: the label is added as a
    # text node afterwards, so minidom escapes it.
    # the SVG our own drawing just made: no outside XML
    document = minidom.parseString(renderSVG.drawToString(drawing))  # noqa: S318  # nosec B318
    svg = document.documentElement
    if svg is None:  # never: ReportLab writes an <svg> document
        raise ValueError("ReportLab wrote no SVG element")
    _presentation_attributes(svg, uid)
    for name in ("width", "height"):  # sized by the page's stylesheet, scaled by its viewBox
        svg.removeAttribute(name)
    svg.setAttribute("role", "img")
    svg.setAttribute("aria-label", label)
    svg.setAttribute("focusable", "false")
    svg.setAttribute("class", "chart")
    for title in svg.getElementsByTagName("title"):
        _set_text(document, title, label)
    for description in svg.getElementsByTagName("desc"):
        svg.removeChild(description)
    markup = svg.toxml()
    # built from the DOM, which escapes every text node
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703
