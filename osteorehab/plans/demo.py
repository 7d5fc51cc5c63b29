"""Demo plans: each patient in the program has the plan the prescription drafts from their
profile, saved by the therapist and approved by the physician where needed; the demo patient
also has goals in their own words, rated once."""

from collections.abc import Sequence
from datetime import date, datetime, time

from django.utils import timezone

from osteorehab.accounts.models import User
from osteorehab.assessments.selectors import patient_baseline
from osteorehab.patients.models import Patient

from . import domain, services
from .builtin import load_builtin
from .models import Exercise, PlanVersion
from .selectors import library

GOALS = (
    # (statement, phase, measure, importance, difficulty, levels -2..+2, rated level)
    (
        "Walk to the market without fear",
        "medium",
        "short_fes_i",
        3,
        2,
        (
            "Does not go out alone",
            "Walks to the end of the street with someone",
            "Walks to the market with a stick",
            "Walks to the market and back without resting",
            "Walks there and back carrying the shopping",
        ),
        0,
    ),
    (
        "Carry my grandson up the stairs",
        "long",
        "chair_stand_30s",
        2,
        3,
        (
            "Cannot lift him",
            "Lifts him onto the sofa while sitting",
            "Carries him across the room, back straight",
            "Carries him up three steps with the rail",
            "Carries him up one flight with the rail",
        ),
        -1,
    ),
)


def demo_plan(patient: Patient, start: date, therapist: User, physician: User) -> PlanVersion:
    """The plan the prescription drafts from the patient's baseline profile, saved by the
    therapist, approved by the physician where needed, in force from `start`."""
    if not Exercise.objects.exists():  # the tables were flushed (a test), not migrated
        load_builtin(Exercise)
    facts = domain.Facts(patient_baseline(patient).profile, False, False, False)
    version = services.plan_version_save(
        patient=patient,
        by=therapist,
        items=domain.prescribe(facts, library()).items,
        facts=facts,
        reason="Baseline plan, drafted from the profile",
        based_on=0,
    )
    if not version.approved:
        services.plan_version_approve(version=version, by=physician)
    moment = timezone.make_aware(datetime.combine(start, time(9)))
    PlanVersion.objects.filter(pk=version.pk).update(
        created_at=moment, approved_at=moment if version.needs_approval else None
    )
    version.refresh_from_db()
    return version


def demo_plans(
    started: Sequence[tuple[Patient, date]], therapist: User, physician: User, person: Patient
) -> None:
    """Each patient's baseline plan, in force from the day they started the program; the demo
    person's goals."""
    for patient, start in started:
        demo_plan(patient, start, therapist, physician)
    for statement, phase, measure, importance, difficulty, levels, rated in GOALS:
        goal = services.goal_create(
            patient=person,
            by=therapist,
            statement=statement,
            phase=phase,
            measure=measure,
            importance=importance,
            difficulty=difficulty,
            level_minus_2=levels[0],
            level_minus_1=levels[1],
            level_0=levels[2],
            level_plus_1=levels[3],
            level_plus_2=levels[4],
            baseline_level=-1,
        )
        # rated at the first review, today (a goal is never rated before it was set)
        services.goal_rate(goal=goal, by=therapist, level=rated, rated_on=timezone.localdate())
