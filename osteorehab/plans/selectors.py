"""Reads for the plan: the exercise library as the prescription reads it, and a patient's
plan with the facts it is checked against."""

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import Result
from osteorehab.patients.models import Patient
from osteorehab.plans import exercises as ex

from .models import Exercise, Goal, GoalRating


def library(*, include_retired: bool = False) -> dict[str, ex.Exercise]:
    """The exercise library (two queries), code -> exercise; retired exercises are left out of
    new prescriptions but kept for reading old plan versions."""
    rows = Exercise.objects.prefetch_related("alternatives")
    if not include_retired:
        rows = rows.filter(retired=False)
    found = list(rows)
    codes = {row.pk: row.code for row in found}
    return {row.code: row.to_domain(codes) for row in found}


def names(language: str) -> dict[str, str]:
    """Every exercise's name in the language, by code (for plans and their changes)."""
    field = "name_zh" if language.startswith("zh") else "name_en"
    return dict(Exercise.objects.values_list("code", field))


def goal_attainment(patient: Patient) -> tuple[list[tuple[Goal, GoalRating | None]], Result | None]:
    """Each goal with its latest rating, and the GAS T-score over them (1.11): a goal not yet
    rated counts at its starting level; None when no goal carries weight."""
    goals = list(patient.goals.prefetch_related("ratings__rated_by"))
    rows = [(goal, next(iter(goal.ratings.all()), None)) for goal in goals]
    scored = [
        {"attained": rating.level if rating else goal.baseline_level, "weight": goal.weight}
        for goal, rating in rows
    ]
    if not any(goal["weight"] for goal in scored):
        return rows, None
    return rows, INSTRUMENTS["gas"].score({"goals": scored})
