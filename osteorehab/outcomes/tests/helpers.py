"""A patient's year in the program, written with the services where there is one: enrolled
5 January 2026, assessed 8 January, started 12 January; PHQ-9 14 at baseline, then lower; gait
speed 0.80 m/s, then faster; a plan in force from the start with sessions logged; falls, a
fracture, a medicine with its refills."""

import uuid
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from django.utils import timezone

from osteorehab.accounts.domain import Role
from osteorehab.assessments.models import Occasion
from osteorehab.assessments.services import assessment_record
from osteorehab.logbook.models import EnteredAs, ExerciseLog
from osteorehab.logbook.tests.factories import make_plan, report_fall
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import EpisodeStatusChange, MedicationFill, Patient
from osteorehab.plans.models import PlanVersion
from tests.factories import member

T = TypeVar("T")


def known(value: T | None) -> T:
    assert value is not None
    return value


ENROLLED, ASSESSED, STARTED = date(2026, 1, 5), date(2026, 1, 8), date(2026, 1, 12)
PHQ9 = {14: [2, 2, 2, 2, 2, 2, 1, 1, 0], 9: [2, 1, 1, 1, 1, 1, 1, 1, 0], 8: [1] * 8 + [0]}


def phq9(patient: Patient, total: int, day: date, occasion: Occasion = Occasion.FOLLOW_UP) -> None:
    assessment_record(
        patient=patient,
        by=member(patient.care_team, Role.COUNSELLOR),
        code="phq9",
        answers={"items": PHQ9[total]},
        administered_on=day,
        occasion=occasion,
    )


def gait(
    patient: Patient, m_per_s: float, day: date, occasion: Occasion = Occasion.FOLLOW_UP
) -> None:
    assessment_record(
        patient=patient,
        by=member(patient.care_team, Role.THERAPIST),
        code="gait_speed",
        answers={"m_per_s": m_per_s},
        administered_on=day,
        occasion=occasion,
    )


def start(patient: Patient) -> None:
    episode = patient.episodes.get()
    nurse = member(patient.care_team, Role.NURSE)
    steps = [
        (EpisodeStatus.REFERRED, ENROLLED),
        (EpisodeStatus.ASSESSMENT, ASSESSED),
        (EpisodeStatus.ACTIVE, STARTED),
    ]
    for n, (status, on) in enumerate(steps):
        EpisodeStatusChange.objects.create(
            episode=episode,
            from_status=steps[n - 1][0] if n else "",
            to_status=status,
            on=on,
            by=nurse,
        )
    episode.status, episode.status_since = EpisodeStatus.ACTIVE, STARTED
    episode.save()


def history(patient: Patient, *, extra: int = 0) -> None:
    """The year; `extra` adds as many more check-ups, falls and weeks of sessions (for the query
    count)."""
    start(patient)
    phq9(patient, 14, ASSESSED, Occasion.BASELINE)
    gait(patient, 0.80, ASSESSED, Occasion.BASELINE)
    phq9(patient, 9, date(2026, 4, 14))  # 3 months (due 12 April)
    gait(patient, 0.85, date(2026, 4, 14))  # exactly the MCID of 0.05 m/s
    phq9(patient, 8, date(2027, 1, 12))  # 12 months
    gait(patient, 0.95, date(2027, 1, 12))
    for n in range(extra):
        phq9(patient, 9, date(2026, 5, 1) + timedelta(days=7 * n))
    version = make_plan(patient)
    moment = timezone.make_aware(datetime.combine(STARTED, time(9)))
    PlanVersion.objects.filter(pk=version.pk).update(
        created_at=moment, approved_at=moment if version.needs_approval else None
    )
    login = known(patient.user)
    for n in range(2 + extra):  # Mondays: wall push-ups and seated marching are due
        monday = STARTED + timedelta(weeks=n)
        for exercise, completion in (("wall_push_up", "done"), ("seated_marching", "partly")):
            ExerciseLog.objects.create(
                patient=patient,
                day=monday,
                exercise=exercise,
                plan_version=version.number,
                completion=completion,
                entered_by=login,
                entered_as=EnteredAs.PATIENT,
                client_key=uuid.uuid4(),
            )
    for n in range(1 + extra):
        report_fall(patient, login, happened_on=date(2026, 6, 1) + timedelta(days=n))
    patient.fractures.create(site="wrist", occurred_on=date(2026, 8, 3))
    medicine = patient.medications.create(drug="alendronate", started_on=date(2026, 1, 20))
    for n in range(13):
        MedicationFill.objects.create(
            medication=medicine,
            dispensed_on=date(2026, 1, 20) + timedelta(days=28 * n),
            days_supply=28,
            recorded_by=member(patient.care_team, Role.NURSE),
        )
