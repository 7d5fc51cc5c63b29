"""Feedback that links the patient's effort to what it brings (issue #5 §4): the week in numbers,
a run of active days that forgives a missed day, the changes the measures show, and the
milestones reached. Pure Python, no Django; nothing here scores points for their own sake, and
nothing names what was missed.

Sources (clinical-reference): the balance guideline of daily practice, 15-20 minutes in all,
and strength work on at least 2 days a week (Too Fit To Fracture, 4.1); the minimal clinically
important change of each measure is its instrument's `mcid` with its own source; a measure's
risk line is its instrument's flag (e.g. the STEADI chair-stand norm for age and sex, 2.2).

LOCAL PROGRAM CHOICES, not from the reference: which categories count as balance work
(balance, tai chi, gait) and as strength work (resistance, functional); that one missed planned
day in a run is forgiven and two in a row end it; the milestone kinds.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from osteorehab.assessments.instruments.base import FLAG_LABELS, Better, Reason, change_for_better
from osteorehab.plans.exercises import Category

from .domain import Adherence, Completion, DayState, adherence

BALANCE_WORK = frozenset({Category.BALANCE, Category.TAI_CHI, Category.GAIT})
STRENGTH_WORK = frozenset({Category.RESISTANCE, Category.FUNCTIONAL})
GUIDELINE_STRENGTH_DAYS = 2  # strength on >= 2 days a week (Too Fit To Fracture) [4.1]
GUIDELINE_BALANCE_MINUTES_A_DAY = 15  # balance daily, >= 15-20 min (Too Fit To Fracture) [4.1]


# ---- A run of active days ----


@dataclass(frozen=True)
class Streak:
    days: int  # planned days exercised in the run
    forgiven: int  # single missed days inside it


def streak(states: Mapping[date, DayState], today: date) -> Streak:
    """The run of planned days exercised (in full or in part) up to today. Days with nothing
    planned neither count nor break it; a single missed planned day is forgiven; two missed
    planned days in a row end it. Today does not break it while it is still going on. Days
    absent from `states` count as days with nothing planned."""
    days = forgiven = 0
    pending_miss = False  # the later planned day was missed
    if not states:
        return Streak(0, 0)
    day, first = today, min(states)
    if states.get(today) == DayState.MISSED:
        day -= timedelta(days=1)  # today is not over
    while day >= first:
        state = states.get(day, DayState.REST)
        if state in (DayState.DONE, DayState.PARTLY):
            days += 1
            forgiven += pending_miss
            pending_miss = False
        elif state == DayState.MISSED:
            if pending_miss:
                break
            pending_miss = True
        day -= timedelta(days=1)
    return Streak(days, forgiven)


# ---- The week's work ----


@dataclass(frozen=True)
class Work:
    """One exercise of one day: its category, what the plan asked (minutes) and what was done
    (by its latest entry that day, if any)."""

    day: date
    category: Category
    planned: bool  # in that day's plan (else logged as an extra)
    planned_minutes: int  # the dose's minutes when planned, else 0
    completion: Completion | None  # None: nothing logged
    minutes: int | None  # as logged
    sets: int | None


@dataclass(frozen=True)
class Week:
    monday: date
    sessions: Adherence
    balance_minutes: int
    balance_minutes_planned: int
    strength_days: int
    strength_days_planned: int
    strength_sets: int


def _did(work: Work) -> bool:
    return work.completion in (Completion.DONE, Completion.PARTLY)


def week(monday: date, states: Iterable[DayState], work: Iterable[Work]) -> Week:
    """The week's sessions done against those planned, the minutes of balance work against the
    plan's, and the days and sets of strength work. Minutes count as the patient logged them;
    strength is dosed in days and sets, not minutes (4.1), so it is counted so."""
    rows = list(work)
    balance = [w for w in rows if w.category in BALANCE_WORK]
    strength = [w for w in rows if w.category in STRENGTH_WORK]
    return Week(
        monday=monday,
        sessions=adherence(states),
        balance_minutes=sum(w.minutes or 0 for w in balance if _did(w)),
        balance_minutes_planned=sum(w.planned_minutes for w in balance),
        strength_days=len({w.day for w in strength if _did(w)}),
        strength_days_planned=len({w.day for w in strength if w.planned}),
        strength_sets=sum(w.sets or 0 for w in strength if _did(w)),
    )


# ---- What the measures show ----


@dataclass(frozen=True)
class Measured:
    day: date
    total: float
    flags: frozenset[str]
    norm: float | None = None  # the line for the patient's age and sex, where there is one


@dataclass(frozen=True)
class Measure:
    """A measure's first and latest valid result, with what its instrument says of it."""

    instrument: str
    name: str  # the instrument's name, untranslated
    better: Better
    mcid: float | None
    mcid_source: str  # the citation of the MCID's source, "" when none
    first: Measured
    latest: Measured


@dataclass(frozen=True)
class Gain:
    """A measure that moved the better way since the first result: how far, whether by at
    least its minimal clinically important change, and the risk lines it left behind."""

    measure: Measure
    important: bool
    left: tuple[str, ...]  # flags the first result had and the latest has not

    @property
    def sentences(self) -> list[Reason]:
        m = self.measure
        values = {"name": m.name, "first": _plain(m.first.total), "latest": _plain(m.latest.total)}
        if m.better == Better.LOWER:
            found = [Reason("{name}: down from {first} to {latest}.", **values)]
        else:
            found = [Reason("{name}: up from {first} to {latest}.", **values)]
        if self.important:
            found.append(
                Reason(
                    "That is a change that matters: at least {mcid} ({source}).",
                    mcid=_plain(m.mcid or 0),
                    source=m.mcid_source,
                )
            )
        found += [
            Reason("At the start: {flag}. Not any more.", flag=FLAG_LABELS[flag])
            for flag in self.left
        ]
        if m.latest.norm is not None and self.left:
            found.append(Reason("The line for your age: {norm}.", norm=_plain(m.latest.norm)))
        return found


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def gains(measures: Iterable[Measure]) -> list[Gain]:
    """The measures that got better since their first result, in the order given. A measure
    that did not get better is not shown to the patient here (the care team sees every trend):
    no shaming."""
    found = []
    for m in measures:
        change = change_for_better(m.better, m.first.total, m.latest.total)
        if change <= 0 or m.latest.day <= m.first.day:
            continue
        important = m.mcid is not None and change >= m.mcid
        left = tuple(sorted(m.first.flags - m.latest.flags))
        found.append(Gain(m, important, left))
    return found


# ---- Milestones ----


class MilestoneKind(StrEnum):
    GOAL_REACHED = "goal_reached"
    IMPORTANT_CHANGE = "important_change"
    RISK_LINE_LEFT = "risk_line_left"
    FULL_WEEK = "full_week"


@dataclass(frozen=True)
class Milestone:
    day: date
    kind: MilestoneKind
    reason: Reason


@dataclass(frozen=True)
class GoalRated:
    statement: str  # the goal in the patient's words
    day: date
    level: int  # Goal Attainment Scaling level, -2..+2; 0 is the expected outcome (1.11)


def milestones(
    rated: Iterable[GoalRated], found: Iterable[Gain], weeks: Iterable[tuple[date, Adherence]]
) -> list[Milestone]:
    """Milestones tied to the clinical goals and the measures first, newest first: each goal
    the day it was first rated at its expected outcome or better (GAS level 0, 1.11); each
    measure that changed by at least its MCID, or left a risk line; each week in which every
    planned session was done."""
    reached: dict[str, GoalRated] = {}
    for rating in sorted(rated, key=lambda r: r.day):
        if rating.level >= 0:
            reached.setdefault(rating.statement, rating)
    found_list = list(found)
    items = [
        Milestone(
            r.day,
            MilestoneKind.GOAL_REACHED,
            Reason("You reached your goal: {goal}", goal=r.statement),
        )
        for r in reached.values()
    ]
    items += [
        Milestone(
            g.measure.latest.day,
            MilestoneKind.IMPORTANT_CHANGE,
            Reason("Your {name} changed by as much as matters.", name=g.measure.name),
        )
        for g in found_list
        if g.important
    ]
    items += [
        Milestone(
            g.measure.latest.day,
            MilestoneKind.RISK_LINE_LEFT,
            Reason(
                "Your {name} left the range: {flag}.", name=g.measure.name, flag=FLAG_LABELS[flag]
            ),
        )
        for g in found_list
        for flag in g.left
    ]
    items += [
        Milestone(
            monday + timedelta(days=6),
            MilestoneKind.FULL_WEEK,
            Reason(
                "Every planned session done in the week of {monday}.", monday=monday.isoformat()
            ),
        )
        for monday, sessions in weeks
        if sessions.planned and sessions.done == sessions.planned
    ]
    return sorted(items, key=lambda m: (m.day, m.kind), reverse=True)
