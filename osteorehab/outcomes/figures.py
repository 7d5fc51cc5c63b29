"""The progress charts, drawn once (`osteorehab.core.charts`) for the page and for the PDF reports:
a measure with its cut-off lines and its minimal important change shaded around the baseline,
and the sessions done by week. Words in the active language."""

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import plain
from osteorehab.core.charts import CutOff, Zone, trend_drawing

from .selectors import MeasureProgress, Week


def measure_label(measure: MeasureProgress) -> str:
    """The chart's name for assistive technology (as the meetings' charts name theirs)."""
    latest = measure.trend.latest
    if latest is None:
        return _(measure.trend.name)
    return _("%(measure)s over time: %(count)s reading(s), the latest %(value)s on %(day)s") % {
        "measure": _(measure.trend.name),
        "count": len(measure.trend.points),
        "value": plain(latest.value),
        "day": latest.day.isoformat(),
    }


def zone_words(measure: MeasureProgress) -> str:
    source = INSTRUMENTS[measure.code].mcid_source
    return _("baseline ± %(mcid)s (MCID, %(source)s)") % {
        "mcid": plain(measure.mcid),
        "source": source.citation if source else "",
    }


def measure_drawing(
    measure: MeasureProgress, *, font: str = "Helvetica", width: int = 340, height: int = 150
) -> Drawing:
    trend = measure.trend
    zones = []
    if measure.zone is not None:
        low, high = measure.zone
        zones.append(Zone(low, high, zone_words(measure)))
    return trend_drawing(
        [(point.day, point.value) for point in trend.points],
        cut_offs=[CutOff(line.value, line.label.translated(_)) for line in trend.lines],
        zones=zones,
        low=trend.low,
        high=trend.high,
        width=width,
        height=height,
        font=font,
    )


def weeks_label(weeks: list[Week]) -> str:
    return _("Sessions done by week, percent of planned: %(count)s week(s)") % {"count": len(weeks)}


def weeks_drawing(
    weeks: list[Week], *, font: str = "Helvetica", width: int = 340, height: int = 150
) -> Drawing:
    """The share of planned sessions done (in full or in part) each week; no line drawn, as
    the reference gives no cut-off for exercise adherence."""
    return trend_drawing(
        [(week.monday, round(100 * (week.sessions.share or 0))) for week in weeks],
        low=0,
        high=100,
        width=width,
        height=height,
        font=font,
    )
