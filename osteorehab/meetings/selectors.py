"""Reads for the meetings: the one-screen summary of a patient on the agenda (each measure's
trend with its cut-offs, adherence by week, the next team review, the open tasks) and a user's
tasks."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from osteorehab.accounts.access import visible_patients
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import Band, Reason, cited, gettext_noop
from osteorehab.followup.models import Kind as ScheduleKind
from osteorehab.followup.models import ScheduleItem
from osteorehab.logbook import domain as logbook
from osteorehab.logbook.selectors import day_rows, logs_between
from osteorehab.patients.models import Patient

from .domain import LOW_ADHERENCE_BELOW, MEASURES
from .models import Task

ADHERENCE_WEEKS = 8  # how far back the summary's adherence chart looks: a display setting
# Shown even without a reading: the summary names what is missing. The FES-I (16 items) only
# where it was given, the Short FES-I being the one the check-ups use.
ALWAYS_SHOWN = ("confidence", "gad7", "phq9", "short_fes_i", "chair_stand_30s")


@dataclass(frozen=True)
class Point:
    day: date
    value: float
    words: str = ""  # the band (or other result) in words, untranslated


@dataclass(frozen=True)
class Line:
    value: float
    label: Reason


@dataclass(frozen=True)
class Trend:
    """One measure over time, oldest first, with its cut-off lines and where they come from."""

    code: str
    name: str  # untranslated
    points: list[Point]
    lines: list[Line] = field(default_factory=list)
    low: float | None = None
    high: float | None = None
    source: Reason | None = None  # None: the measure has no cut-off

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def _band_line(band: Band) -> Line | None:
    """A band's lower limit as a line: ">= 10" or "> 8"."""
    if band.min is not None:
        return Line(band.min, Reason("{band} from {value:g}", band=band.label, value=band.min))
    if band.above is not None:
        return Line(band.above, Reason("{band} above {value:g}", band=band.label, value=band.above))
    return None


def trend_of(code: str, assessments: list[Any]) -> Trend:
    instrument = INSTRUMENTS[code]
    points = [
        Point(a.administered_on, a.total, instrument.words(a.band) or "") for a in assessments
    ]
    low, high = instrument.range or (None, None)
    if instrument.bandings:
        banding = instrument.bandings[0]
        lines = [line for band in banding.bands[1:] if (line := _band_line(band)) is not None]
        return Trend(code, instrument.name, points, lines, low, high, cited(banding.source))
    norm = assessments[-1].result.get("norm") if assessments else None
    if norm is not None:  # a measurement's norm for age and sex, as of the latest reading
        line = Line(norm, Reason("below average under {norm:g}", norm=norm))
        return Trend(code, instrument.name, points, [line], 0, None, cited(instrument.source))
    return Trend(code, instrument.name, points, [], low, high)


def trends(patient: Patient) -> list[Trend]:
    """Each summary measure's valid readings (one query), in MEASURES' order."""
    found: dict[str, list[Any]] = defaultdict(list)
    rows = patient.assessments.valid().filter(valid=True, total__isnull=False)
    for assessment in rows.filter(instrument__in=MEASURES).order_by("administered_on", "id"):
        found[assessment.instrument].append(assessment)
    return [trend_of(code, found[code]) for code in MEASURES if code in ALWAYS_SHOWN or found[code]]


def adherence_trend(patient: Patient, today: date) -> Trend:
    """The share of planned sessions exercised in (in full or in part), week by week, over the
    last ADHERENCE_WEEKS weeks to yesterday; a week with nothing planned has no point. The line
    is the agenda's low-adherence limit (a local program choice)."""
    until = today - timedelta(days=1)
    since = until - timedelta(days=until.weekday()) - timedelta(weeks=ADHERENCE_WEEKS - 1)
    weeks: dict[date, list[logbook.DayState]] = defaultdict(list)
    for row in day_rows(patient, since, until, logs_between(patient, since, until)):
        weeks[row.day - timedelta(days=row.day.weekday())].append(row.state)
    points = []
    for monday in sorted(weeks):
        sessions = logbook.adherence(weeks[monday])
        if sessions.share is not None:
            points.append(Point(monday, round(sessions.share * 100)))
    limit = float(LOW_ADHERENCE_BELOW * 100)
    line = Line(limit, Reason("low under {limit:g}% (a local program choice)", limit=limit))
    return Trend(
        "adherence",
        gettext_noop("Sessions done by week, percent of planned"),
        points,
        [line],
        0,
        100,
        Reason("a local program choice"),
    )


def next_review(patient: Patient) -> ScheduleItem | None:
    """The patient's next team review on the follow-up schedule not yet held."""
    return (
        ScheduleItem.objects.in_open_episodes()
        .not_cancelled()
        .filter(patient=patient, kind=ScheduleKind.TEAM_REVIEW, held_on__isnull=True)
        .order_by("due_on", "id")
        .first()
    )


def open_tasks(user: Any) -> QuerySet[Task]:
    """The open tasks this user owns, and those of their role for the patients they can reach."""
    mine = Q(owner_user=user) | Q(owner_role=user.role, patient__in=visible_patients(user))
    return (
        Task.objects.open()
        .filter(mine)
        .select_related("patient", "owner_user", "decision__item__meeting")
        .order_by("due_on", "id")
    )
