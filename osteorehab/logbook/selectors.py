"""Reads: today's session, the sessions the progression rules read, and the care team's view of
the last weeks."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from django.db.models import Q, QuerySet
from django.utils import timezone

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import Better, Kind
from osteorehab.assessments.models import Assessment
from osteorehab.education.models import Assignment
from osteorehab.patients.models import Patient
from osteorehab.plans.domain import Completion, Item, Session, items_of
from osteorehab.plans.exercises import Category
from osteorehab.plans.models import Exercise, GoalRating, PlanVersion
from osteorehab.plans.selectors import measure_values

from . import domain, incentives
from .models import CheckIn, ExerciseLog, FallReport

# How far back the care team's overview looks: a local display setting, not a clinical one.
OVERVIEW_WEEKS = 4


def approved_versions(patient: Patient) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan__patient=patient).filter(
        Q(needs_approval=False) | Q(approved_at__isnull=False)
    )


def approved_version(patient: Patient) -> PlanVersion | None:
    """The latest approved version of the patient's plan: the one the patient follows (a newer
    version waiting for the physician's approval is not yet in force)."""
    return approved_versions(patient).order_by("-number").first()


@dataclass(frozen=True)
class Step:
    """One exercise of today's session."""

    item: Item
    name: str
    instructions: str
    logged: ExerciseLog | None  # today's latest entry for it

    @property
    def code(self) -> str:
        return self.item.exercise

    @property
    def timer_seconds(self) -> int | None:
        """A hold is timed; else a timed bout (a walk, a balance practice) is."""
        dose = self.item.dose
        if dose.hold_seconds:
            return dose.hold_seconds
        return dose.minutes * 60 if dose.minutes else None


@dataclass(frozen=True)
class TodaySession:
    day: date
    version: PlanVersion | None
    steps: list[Step]
    practice: domain.Practice
    lessons: list[Assignment]
    checked_in: bool

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if step.logged is None), None)

    @property
    def logged_count(self) -> int:
        return sum(1 for step in self.steps if step.logged is not None)

    def step(self, code: str) -> Step | None:
        return next((step for step in self.steps if step.code == code), None)

    def number_of(self, step: Step) -> int:
        return self.steps.index(step) + 1


def exercise_rows(codes: list[str]) -> dict[str, Exercise]:
    """The library's exercises by code, retired ones too (a plan may still name them)."""
    return {row.code: row for row in Exercise.objects.filter(code__in=codes)}


def today_session(patient: Patient, day: date, language: str) -> TodaySession:
    """The items of the approved plan due on `day`, each with what was logged for it that day;
    the practice of the day; the lessons still open; whether the patient checked in that day."""
    version = approved_version(patient)
    items = domain.due_on(items_of(version.content), day) if version else []
    rows = exercise_rows([item.exercise for item in items])
    logged: dict[str, ExerciseLog] = {}
    for entry in ExerciseLog.objects.filter(patient=patient, day=day).order_by("id"):
        logged[entry.exercise] = entry  # the latest wins
    steps = [
        Step(
            item=item,
            name=rows[item.exercise].name(language) if item.exercise in rows else item.exercise,
            instructions=rows[item.exercise].instructions(language)
            if item.exercise in rows
            else "",
            logged=logged.get(item.exercise),
        )
        for item in items
    ]
    lessons = sorted(
        patient.education_assignments.open(),
        key=lambda a: (a.due_on is None, a.due_on or a.assigned_on, a.pk),
    )
    return TodaySession(
        day=day,
        version=version,
        steps=steps,
        practice=domain.practice_of(day),
        lessons=lessons,
        checked_in=CheckIn.objects.filter(patient=patient, day=day).exists(),
    )


def sessions(patient: Patient, exercise: str) -> list[Session]:
    """The logged sessions of one exercise, oldest first, as `plans.domain.propose` reads them."""
    rows = ExerciseLog.objects.filter(patient=patient, exercise=exercise).order_by("day", "id")
    return [
        domain.session_of(row.completion, row.effort, row.pain, row.skip_reason) for row in rows
    ]


# ---- The care team's overview ----


def in_force_from(version: PlanVersion) -> date:
    """The day a version came into force: its approval, or its writing where none was needed."""
    moment = version.approved_at if version.needs_approval else version.created_at
    return timezone.localdate(moment) if moment else date.max


@dataclass
class DayRow:
    day: date
    planned: int = 0
    done: int = 0
    partly: int = 0
    skipped: int = 0
    not_logged: int = 0
    extra: int = 0  # logged, but not in that day's plan
    state: domain.DayState = domain.DayState.REST
    check_ins: list[CheckIn] = field(default_factory=list)


def plan_by_day(patient: Patient) -> Callable[[date], list[Item]]:
    """The items due on a day from the plan in force that day (one query)."""
    versions = sorted(approved_versions(patient), key=lambda v: v.number, reverse=True)
    starts = [(in_force_from(v), items_of(v.content)) for v in versions]

    def planned_on(day: date) -> list[Item]:
        items = next((items for start, items in starts if start <= day), [])
        return domain.due_on(items, day)

    return planned_on


def latest_entries(logs: list[ExerciseLog]) -> dict[date, dict[str, ExerciseLog]]:
    """Each day's entries by exercise, the latest entry of an exercise winning."""
    latest: dict[date, dict[str, ExerciseLog]] = defaultdict(dict)
    for entry in sorted(logs, key=lambda e: e.pk):
        latest[entry.day][entry.exercise] = entry
    return latest


def day_rows(patient: Patient, since: date, until: date, logs: list[ExerciseLog]) -> list[DayRow]:
    """The days from `until` back to `since`, newest first: the exercises the plan in force
    that day asked for and what `logs` (that patient's entries of those days) say of them,
    each exercise counted once a day by its latest entry. One query (the plan's versions)."""
    planned_on = plan_by_day(patient)
    latest = latest_entries(logs)
    rows = []
    for offset in range((until - since).days + 1):
        day = until - timedelta(days=offset)
        planned = {item.exercise for item in planned_on(day)}
        done = {code: entry.completion for code, entry in latest.get(day, {}).items()}
        rows.append(
            DayRow(
                day=day,
                planned=len(planned),
                done=sum(1 for c in done.values() if c == domain.Completion.DONE),
                partly=sum(1 for c in done.values() if c == domain.Completion.PARTLY),
                skipped=sum(1 for c in done.values() if c == domain.Completion.SKIPPED),
                not_logged=len(planned - done.keys()),
                extra=len(done.keys() - planned),
                state=domain.day_state(planned, done),
            )
        )
    return rows


def logs_between(patient: Patient, since: date, until: date) -> list[ExerciseLog]:
    return list(
        ExerciseLog.objects.filter(patient=patient, day__gte=since, day__lte=until).select_related(
            "entered_by"
        )
    )


def adherence(patient: Patient, since: date, until: date) -> domain.Adherence:
    """The planned sessions from `since` to `until` and how many the patient exercised in (two
    queries)."""
    rows = day_rows(patient, since, until, logs_between(patient, since, until))
    return domain.adherence(row.state for row in rows)


@dataclass(frozen=True)
class Overview:
    since: date
    days: list[DayRow]  # newest first
    logs: list[ExerciseLog]
    check_ins: list[CheckIn]
    falls: list[FallReport]
    names: dict[str, str]


def log_overview(patient: Patient, today: date, language: str) -> Overview:
    """The last weeks, day by day (`day_rows`); the check-ins of those weeks; every fall
    reported. A handful of queries, whatever the number of days."""
    since = today - timedelta(days=OVERVIEW_WEEKS * 7 - 1)
    logs = logs_between(patient, since, today)
    check_ins = list(
        CheckIn.objects.filter(patient=patient, day__gte=since, day__lte=today).select_related(
            "entered_by"
        )
    )
    falls = list(FallReport.objects.filter(patient=patient).select_related("entered_by"))
    rows = day_rows(patient, since, today, logs)
    by_day: dict[date, list[CheckIn]] = defaultdict(list)
    for check_in in check_ins:
        by_day[check_in.day].append(check_in)
    for row in rows:
        row.check_ins = by_day.get(row.day, [])
    codes = {entry.exercise for entry in logs}
    names = {code: row.name(language) for code, row in exercise_rows(sorted(codes)).items()}
    return Overview(since, rows, logs, check_ins, falls, names)


# ---- The patient's feedback: the week, the run of days, the gains, the milestones ----

# How far back the run of days and the weeks' milestones look: a local display setting.
FEEDBACK_DAYS = 16 * 7


@dataclass(frozen=True)
class Feedback:
    week: incentives.Week
    streak: incentives.Streak
    gains: list[incentives.Gain]
    milestones: list[incentives.Milestone]


def _work(
    planned_on: Callable[[date], list[Item]],
    latest: dict[date, dict[str, ExerciseLog]],
    days: list[date],
) -> list[incentives.Work]:
    """Each exercise of each day, planned or logged, as the week's summary reads it."""
    pairs: list[tuple[date, str, Item | None, ExerciseLog | None]] = []
    for day in days:
        items = {item.exercise: item for item in planned_on(day)}
        logged = latest.get(day, {})
        pairs += [(day, code, item, logged.get(code)) for code, item in items.items()]
        pairs += [(day, code, None, entry) for code, entry in logged.items() if code not in items]
    rows = exercise_rows(sorted({code for _day, code, _item, _entry in pairs}))
    found = []
    for day, code, item, entry in pairs:
        if code not in rows:
            continue  # an exercise the library no longer knows: no category to count it in
        found.append(
            incentives.Work(
                day=day,
                category=Category(rows[code].category),
                planned=item is not None,
                planned_minutes=(item.dose.minutes or 0) if item else 0,
                completion=Completion(entry.completion) if entry else None,
                minutes=entry.minutes if entry else None,
                sets=entry.sets if entry else None,
            )
        )
    return found


def _measures(patient: Patient) -> list[incentives.Measure]:
    """Each physical measure's first and latest valid result (one query)."""
    codes = {
        code
        for code, instrument in INSTRUMENTS.items()
        if instrument.kind == Kind.MEASUREMENT and instrument.better is not None
    }
    found = []
    for code, (first, latest) in sorted(measure_values(patient, codes).items()):
        instrument = INSTRUMENTS[code]
        if first.total is None or latest.total is None:
            continue
        found.append(
            incentives.Measure(
                instrument=code,
                name=instrument.name,
                better=cast(Better, instrument.better),
                mcid=instrument.mcid,
                mcid_source=instrument.mcid_source.citation if instrument.mcid_source else "",
                first=_measured(first),
                latest=_measured(latest),
            )
        )
    return found


def _measured(assessment: Assessment) -> incentives.Measured:
    return incentives.Measured(
        day=assessment.administered_on,
        total=cast(float, assessment.total),
        flags=frozenset(assessment.result.get("flags", ())),
        norm=assessment.result.get("norm"),
    )


def feedback(patient: Patient, today: date) -> Feedback:
    """The patient's week so far (Monday to today), the run of days exercised, the measures that
    got better and the milestones reached. A handful of queries, whatever the history."""
    since = today - timedelta(days=FEEDBACK_DAYS - 1)
    logs = logs_between(patient, since, today)
    planned_on = plan_by_day(patient)
    rows = day_rows(patient, since, today, logs)
    states = {row.day: row.state for row in rows}
    monday = today - timedelta(days=today.weekday())
    this_week = [row.day for row in rows if row.day >= monday]
    found_gains = incentives.gains(_measures(patient))
    weeks = [
        (
            day,
            domain.adherence(
                states.get(day + timedelta(days=n), domain.DayState.REST) for n in range(7)
            ),
        )
        for day in sorted({row.day - timedelta(days=row.day.weekday()) for row in rows})
        if since <= day and day + timedelta(days=6) < monday
    ]
    rated = [
        incentives.GoalRated(rating.goal.statement, rating.rated_on, rating.level)
        for rating in GoalRating.objects.filter(goal__patient=patient).select_related("goal")
    ]
    return Feedback(
        week=incentives.week(
            monday,
            (states[day] for day in this_week),
            _work(planned_on, latest_entries(logs), this_week),
        ),
        streak=incentives.streak(states, today),
        gains=found_gains,
        milestones=incentives.milestones(rated, found_gains, weeks),
    )
