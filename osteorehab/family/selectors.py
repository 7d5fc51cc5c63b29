"""Reads for the caregiver's pages: the week of the plan in force, the goals as the patient put
them, and the home-safety tasks given to family."""

from dataclasses import dataclass
from datetime import date, timedelta

from osteorehab.homesafety.domain import Owner
from osteorehab.homesafety.models import HomeSafetyAction
from osteorehab.patients.models import Patient
from osteorehab.plans.domain import items_of
from osteorehab.plans.exercises import Dose
from osteorehab.plans.models import Exercise, Goal, PlanVersion


@dataclass(frozen=True)
class Session:
    exercise: str  # its name in the reader's language
    dose: Dose


@dataclass(frozen=True)
class Day:
    on: date
    is_today: bool
    sessions: list[Session]


def plan_week(version: PlanVersion, *, today: date, language: str) -> list[Day]:
    """The week from Monday to Sunday around today, each day with its exercises."""
    items = items_of(version.content)
    exercises = {e.code: e for e in Exercise.objects.filter(code__in=[i.exercise for i in items])}
    monday = today - timedelta(days=today.weekday())
    week = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        week.append(
            Day(
                on=day,
                is_today=day == today,
                sessions=[
                    Session(
                        exercises[item.exercise].name(language)
                        if item.exercise in exercises
                        else item.exercise,
                        item.dose,
                    )
                    for item in items
                    if day.weekday() in item.days
                ],
            )
        )
    return week


def family_tasks(patient: Patient) -> list[HomeSafetyAction]:
    """The open home-safety actions the care team gave to a family caregiver."""
    return list(
        HomeSafetyAction.objects.filter(patient=patient, owner=Owner.CAREGIVER.value).open()
    )


def goals_in_own_words(patient: Patient) -> list[tuple[Goal, str | None]]:
    """Each goal, with the words of the level reached at its latest review (None before one)."""
    goals = patient.goals.prefetch_related("ratings")
    rows = []
    for goal in goals:
        latest = next(iter(goal.ratings.all()), None)
        rows.append((goal, dict(goal.levels())[latest.level] if latest else None))
    return rows
