"""Reads for one patient's progress: every repeated measure with its cut-off lines and its minimal
important change around the baseline, adherence by week, goals and GAS, falls, fractures and
program status on a timeline. A fixed number of queries whatever the length of the history.

A measure's trend with its cut-off lines is the meetings' own (`trend_of`): reused, not written
twice. The cohort's reads are in `cohort`."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django.utils.translation import gettext

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import Better, Reason, cited, gettext_noop
from osteorehab.assessments.models import Assessment
from osteorehab.logbook import domain as logbook
from osteorehab.logbook.incentives import BALANCE_WORK, STRENGTH_WORK
from osteorehab.logbook.models import FallReport
from osteorehab.logbook.selectors import day_rows, logs_between
from osteorehab.meetings.selectors import Point, Trend, trend_of
from osteorehab.patients.domain import CLOSED, EpisodeStatus
from osteorehab.patients.models import (
    EpisodeStatusChange,
    Fracture,
    Patient,
)
from osteorehab.plans.models import Goal, GoalRating
from osteorehab.plans.selectors import goal_attainment

from . import domain

# The repeated measures of issue #7, in the order the pages show them: confidence,
# self-efficacy, fear of falling, anxiety, depression, pain, chair stands, TUG, gait speed,
# SPPB, bone density; then any other measure with a better direction that was taken (goal
# attainment has its own section).
MEASURES = (
    "confidence",
    "gse",
    "see",
    "fes_i",
    "short_fes_i",
    "gad7",
    "phq9",
    "pain_nrs",
    "chair_stand_30s",
    "tug",
    "gait_speed",
    "sppb",
    "bone_density",
)
REPEATED = (
    *MEASURES,
    *(
        code
        for code, instrument in INSTRUMENTS.items()
        if instrument.better is not None and code not in (*MEASURES, "gas")
    ),
)
FALLS_ASSESSMENTS = ("falls_risk_wfg", "stay_independent", "steadi_key_questions")
# The measures in the patient's own words (their page and report); the others by their names.
PLAIN_NAMES = {
    "confidence": gettext_noop("Confidence in your rehabilitation"),
    "gse": gettext_noop("Confidence in handling what life brings"),
    "see": gettext_noop("Confidence to keep exercising"),
    "fes_i": gettext_noop("Worry about falling"),
    "short_fes_i": gettext_noop("Worry about falling"),
    "gad7": gettext_noop("Worry and nerves"),
    "phq9": gettext_noop("Low mood"),
    "pain_nrs": gettext_noop("Pain"),
    "chair_stand_30s": gettext_noop("Standing up from a chair in 30 seconds"),
    "tug": gettext_noop("Seconds to get up, walk 3 metres, turn and sit down"),
    "gait_speed": gettext_noop("Walking speed (metres a second)"),
    "sppb": gettext_noop("Balance, walking and standing up (SPPB)"),
    "bone_density": gettext_noop("Bone density (T-score)"),
    "two_minute_walk": gettext_noop("Metres walked in 2 minutes"),
    "grip_strength": gettext_noop("Grip strength (kg)"),
}


def plain_name(code: str) -> str:
    """A measure in the patient's words, in the active language."""
    return gettext(PLAIN_NAMES.get(code, INSTRUMENTS[code].name))


EXERCISE_WORK = BALANCE_WORK | STRENGTH_WORK


# ---- One patient's progress ----


@dataclass(frozen=True)
class EpisodeDays:
    """The days that frame a patient's latest program episode."""

    enrolled_on: date
    started_on: date | None  # the day it became active
    ended_on: date | None  # discharged or withdrawn


@dataclass(frozen=True)
class MeasureProgress:
    """A measure's readings (with their cut-off lines) and its minimal important change shown
    around the baseline of the latest episode."""

    trend: Trend
    baseline: Point | None

    @property
    def code(self) -> str:
        return self.trend.code

    @property
    def better(self) -> Better:
        return cast(Better, INSTRUMENTS[self.code].better)

    @property
    def plain_name(self) -> str:
        return plain_name(self.code)

    @property
    def mcid(self) -> float | None:
        return INSTRUMENTS[self.code].mcid

    @property
    def mcid_source(self) -> Reason | None:
        source = INSTRUMENTS[self.code].mcid_source
        return cited(source) if source else None

    @property
    def zone(self) -> tuple[float, float] | None:
        """Baseline ± MCID: a change inside it is smaller than the one that matters."""
        if self.baseline is None or self.mcid is None:
            return None
        return self.baseline.value - self.mcid, self.baseline.value + self.mcid

    @property
    def change(self) -> float | None:
        latest = self.trend.latest
        if self.baseline is None or latest is None or latest.day <= self.baseline.day:
            return None
        return latest.value - self.baseline.value

    @property
    def improved(self) -> bool:
        return self.change is not None and domain.improvement(0, self.change, self.better) > 0

    @property
    def important(self) -> bool:
        """Moved the better way by at least the MCID since the baseline."""
        if self.change is None or self.mcid is None or self.baseline is None:
            return False
        after = self.baseline.value + self.change
        return domain.reached_mcid(self.baseline.value, after, self.better, self.mcid)

    @property
    def rows(self) -> list[tuple[Point, float | None]]:
        """Each reading with its change from the baseline (None before or at it)."""
        base = self.baseline
        return [
            (p, p.value - base.value if base and p.day > base.day else None)
            for p in self.trend.points
        ]


@dataclass(frozen=True)
class Week:
    monday: date
    sessions: logbook.Adherence


@dataclass(frozen=True)
class Event:
    """One thing on the timeline: a fall, a fracture, a change of program status."""

    day: date
    kind: str  # "fall", "fracture", "status"
    fall: FallReport | None = None
    fracture: Fracture | None = None
    status: str = ""


@dataclass(frozen=True)
class Progress:
    episode: EpisodeDays | None
    measures: list[MeasureProgress]
    missing: list[str]  # the measures never taken
    weeks: list[Week]
    goals: list[tuple[Goal, GoalRating | None]]
    gas: Any  # the GAS T-score Result, or None
    timeline: list[Event]

    @property
    def taken(self) -> list[MeasureProgress]:
        return [m for m in self.measures if m.trend.points]

    @property
    def gains(self) -> list[MeasureProgress]:
        return [m for m in self.taken if m.improved]

    @property
    def sessions(self) -> logbook.Adherence:
        return logbook.Adherence(
            planned=sum(w.sessions.planned for w in self.weeks),
            done=sum(w.sessions.done for w in self.weeks),
            partly=sum(w.sessions.partly for w in self.weeks),
        )


def latest_episode(patient: Patient) -> EpisodeDays | None:
    """The frame of the patient's latest episode (two queries)."""
    episode = patient.episodes.order_by("-referred_on", "-id").first()
    if episode is None:
        return None
    started = (
        EpisodeStatusChange.objects.filter(episode=episode, to_status=EpisodeStatus.ACTIVE)
        .order_by("on")
        .values_list("on", flat=True)
        .first()
    )
    ended = episode.status_since if episode.status in CLOSED else None
    return EpisodeDays(episode.referred_on, started, ended)


def _baseline(points: Sequence[Point], episode: EpisodeDays | None) -> Point | None:
    if episode is None:
        return points[0] if points else None
    since = [p for p in points if p.day >= episode.enrolled_on]
    if episode.started_on is None:  # not started yet: the first reading of the episode
        return since[0] if since else None
    found = domain.baseline_of(
        [domain.Reading(p.day, p.value) for p in since],
        enrolled_on=episode.enrolled_on,
        started_on=episode.started_on,
    )
    return next((p for p in since if found and p.day == found.day), None)


def weeks_of(patient: Patient, since: date, until: date) -> list[Week]:
    """Sessions done against planned, Monday to Sunday, for the weeks with anything planned
    (two queries)."""
    if until < since:
        return []
    states: dict[date, list[logbook.DayState]] = defaultdict(list)
    for row in day_rows(patient, since, until, logs_between(patient, since, until)):
        states[row.day - timedelta(days=row.day.weekday())].append(row.state)
    weeks = [Week(monday, logbook.adherence(states[monday])) for monday in sorted(states)]
    return [week for week in weeks if week.sessions.planned]


def progress(patient: Patient, today: date) -> Progress:
    """Every repeated measure taken (and the issue's measures not yet taken), adherence by week
    over the latest episode to yesterday, goals with GAS, and falls, fractures and program
    status changes on a timeline. A fixed number of queries, whatever the history."""
    episode = latest_episode(patient)
    found: dict[str, list[Assessment]] = defaultdict(list)
    rows = patient.assessments.valid().filter(
        valid=True, total__isnull=False, instrument__in=REPEATED
    )
    for assessment in rows.order_by("administered_on", "id"):
        found[assessment.instrument].append(assessment)
    measures = []
    for code in REPEATED:
        if found[code]:
            trend = trend_of(code, found[code])
            measures.append(MeasureProgress(trend, _baseline(trend.points, episode)))
    weeks: list[Week] = []
    if episode is not None:
        until = min(episode.ended_on or today, today - timedelta(days=1))
        weeks = weeks_of(patient, episode.started_on or episode.enrolled_on, until)
    goals, gas = goal_attainment(patient)
    timeline = [Event(f.occurred_on, "fracture", fracture=f) for f in patient.fractures.valid()] + [
        Event(f.happened_on, "fall", fall=f) for f in patient.fall_reports.all()
    ]
    changes = EpisodeStatusChange.objects.filter(episode__patient=patient)
    timeline += [Event(c.on, "status", status=c.to_status) for c in changes]
    return Progress(
        episode=episode,
        measures=measures,
        missing=[code for code in MEASURES if not found[code]],
        weeks=weeks,
        goals=goals,
        gas=gas,
        timeline=sorted(timeline, key=lambda e: (e.day, e.kind)),
    )
