"""Reads for the plan: the exercise library as the prescription reads it, the goals and their
attainment, and the plan's other parts as a version gathers them."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import get_language, gettext

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import Result
from osteorehab.education.models import Assignment, NutritionCheck
from osteorehab.homesafety.domain import ITEMS_BY_CODE
from osteorehab.homesafety.models import HomeSafetyAction
from osteorehab.patients.models import Medication, Patient
from osteorehab.plans import exercises as ex
from osteorehab.plans.education import MODULES_BY_CODE
from osteorehab.psychology.domain import FREQUENCY_WORDS, Frequency, Module
from osteorehab.psychology.selectors import psych_plan

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
    # the raters with their ratings: one query for both, rated or not, however many ratings
    ratings = Prefetch("ratings", queryset=GoalRating.objects.select_related("rated_by"))
    goals = list(patient.goals.prefetch_related(ratings))
    rows = [(goal, next(iter(goal.ratings.all()), None)) for goal in goals]
    scored = [
        {"attained": rating.level if rating else goal.baseline_level, "weight": goal.weight}
        for goal, rating in rows
    ]
    if not any(goal["weight"] for goal in scored):
        return rows, None
    return rows, INSTRUMENTS["gas"].score({"goals": scored})


def _entry(key: str, words: Callable[[], str]) -> dict[str, str]:
    """A section's entry with its words in English and in Chinese."""
    entry = {"key": key}
    for language, field in (("en", "en"), ("zh-hans", "zh")):
        with translation.override(language):
            entry[field] = words()
    return entry


def _goal_words(goal: Goal) -> str:
    return gettext("%(goal)s (by %(date)s, weight %(weight)s)") % {
        "goal": goal.statement,
        "date": goal.target_on,
        "weight": goal.weight,
    }


def _module_words(module: Module, frequency: Frequency) -> str:
    return f"{gettext(module.name)}: {gettext(FREQUENCY_WORDS[frequency])}"


def _medicine_words(medication: Medication) -> str:
    return gettext("%(medicine)s since %(date)s") % {
        "medicine": medication.drug_other or medication.get_drug_display(),
        "date": medication.started_on,
    }


def _lesson_words(assignment: Assignment) -> str:
    lesson = MODULES_BY_CODE[assignment.module]
    title = lesson.title_zh if (get_language() or "").startswith("zh") else lesson.title_en
    if assignment.due_on is None:
        return title
    return gettext("%(lesson)s, by %(date)s") % {"lesson": title, "date": assignment.due_on}


def _nutrition_words(check: NutritionCheck) -> str:
    return gettext(
        "calcium %(target)s mg a day (about %(food)s mg from food); vitamin D %(vitamin_d)s IU "
        "a day; protein %(low)s-%(high)s g a day"
    ) % {
        "target": check.target_mg,
        "food": check.estimate_mg,
        "vitamin_d": check.vitamin_d_target_iu,
        "low": check.protein_low_g,
        "high": check.protein_high_g,
    }


def _home_safety_words(action: HomeSafetyAction) -> str:
    return gettext("%(action)s (%(owner)s, by %(date)s)") % {
        "action": gettext(ITEMS_BY_CODE[action.item].action)
        if action.item in ITEMS_BY_CODE
        else action.text,
        "owner": action.get_owner_display(),
        "date": action.due_on,
    }


def plan_sections(patient: Patient) -> dict[str, list[dict[str, str]]]:
    """The parts of the care plan besides the exercise, as they stand now, for a plan version
    to keep: goals, the psychological modules and how often, the lessons given, the latest
    nutrition targets, the medicines taken, the open home-safety actions."""
    nutrition = patient.nutrition_checks.order_by("-checked_on", "-id").first()
    return {
        "education": [
            _entry(f"lesson-{a.pk}", partial(_lesson_words, a))
            for a in patient.education_assignments.order_by("assigned_on", "id")
        ],
        "nutrition": [_entry("nutrition", partial(_nutrition_words, nutrition))]
        if nutrition
        else [],
        "goals": [_entry(f"goal-{g.pk}", partial(_goal_words, g)) for g in patient.goals.all()],
        "psychology": [
            _entry(r.code, partial(_module_words, r.module, r.frequency))
            for r in psych_plan(patient)
            if r.module is not None and r.frequency is not None
        ],
        "medication": [
            _entry(f"medication-{m.pk}", partial(_medicine_words, m))
            for m in patient.medications.valid().filter(stopped_on__isnull=True)
        ],
        "home_safety": [
            _entry(f"home-safety-{a.pk}", partial(_home_safety_words, a))
            for a in patient.home_safety_actions.open().order_by("due_on", "id")
        ],
    }


def measure_values(patient: Patient, codes: set[str]) -> dict[str, tuple[Any, Any]]:
    """For each instrument code, its first and latest valid assessment (one query): what a
    goal's measure showed at the start and shows now."""
    found: dict[str, tuple[Any, Any]] = {}
    rows = patient.assessments.valid().filter(instrument__in=codes, valid=True)
    for assessment in rows.order_by("administered_on", "id"):
        first, _latest = found.get(assessment.instrument, (assessment, assessment))
        found[assessment.instrument] = (first, assessment)
    return found
