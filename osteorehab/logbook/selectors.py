"""Reads: today's session, the sessions the progression rules read, and the care team's view of
the last weeks."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from osteorehab.education.models import Assignment
from osteorehab.patients.models import Patient
from osteorehab.plans.domain import Item, Session, items_of
from osteorehab.plans.models import Exercise, PlanVersion

from . import domain
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


def day_rows(patient: Patient, since: date, until: date, logs: list[ExerciseLog]) -> list[DayRow]:
    """The days from `until` back to `since`, newest first: the exercises the plan in force
    that day asked for and what `logs` (that patient's entries of those days) say of them,
    each exercise counted once a day by its latest entry. One query (the plan's versions)."""
    versions = sorted(approved_versions(patient), key=lambda v: v.number, reverse=True)
    starts = [(in_force_from(v), items_of(v.content)) for v in versions]
    latest: dict[date, dict[str, str]] = defaultdict(dict)
    for entry in sorted(logs, key=lambda e: e.pk):
        latest[entry.day][entry.exercise] = entry.completion
    rows = []
    for offset in range((until - since).days + 1):
        day = until - timedelta(days=offset)
        items = next((items for start, items in starts if start <= day), [])
        planned = {item.exercise for item in domain.due_on(items, day)}
        done = latest.get(day, {})
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
