"""Plain factories for the log's tests: a plan, and entries written through the services."""

import uuid
from datetime import date
from typing import Any

from osteorehab.accounts.domain import Role
from osteorehab.assessments.instruments.base import Reason
from osteorehab.assessments.selectors import patient_baseline
from osteorehab.logbook.models import CheckIn, ExerciseLog, FallReport
from osteorehab.logbook.services import check_in_record, exercise_log_record, fall_report_record
from osteorehab.patients.models import Patient
from osteorehab.plans.domain import Facts, Item
from osteorehab.plans.exercises import Dose
from osteorehab.plans.models import PlanVersion
from osteorehab.plans.services import plan_version_save
from tests.factories import member

TODAY = date(2026, 11, 21)  # a Saturday: day 5
# Saturday's items are chin tucks (a timed hold) and seated marching (timed minutes); wall
# push-ups are for Monday and Thursday only.
ITEMS = (
    Item("chin_tucks", (5, 6), Dose(hold_seconds=3, minutes=5), Reason.joined(())),
    Item("wall_push_up", (0, 3), Dose(sets=1, reps=8, reps_max=12), Reason.joined(())),
    Item("seated_marching", (0, 1, 2, 4, 5), Dose(minutes=10), Reason.joined(())),
)


def check_in_form(day: date) -> dict[str, str]:
    """The check-in form as a patient posts it (a client key added by the caller)."""
    return {
        "day": day.isoformat(),
        "mood": "4",
        "confidence": "7",
        "fatigue": "3",
        "sleep": "good",
        "pain": "2",
        "back_pain_new": "no",
        "falls": "0",
        "near_falls": "0",
    }


def make_plan(
    patient: Patient, items: tuple[Item, ...] = ITEMS, *, approved: bool = True
) -> PlanVersion:
    """A new version of the patient's plan, saved by the physician (so in force at once), or
    one left waiting for the physician's approval."""
    latest = PlanVersion.objects.filter(plan__patient=patient).order_by("-number").first()
    facts = Facts(patient_baseline(patient).profile, False, False, False)
    version = plan_version_save(
        patient=patient,
        by=member(patient.care_team, Role.PHYSICIAN),
        items=items,
        facts=facts,
        reason="Test plan",
        based_on=latest.number if latest else 0,
    )
    if not approved:
        PlanVersion.objects.filter(pk=version.pk).update(needs_approval=True, approved_at=None)
        version.refresh_from_db()
    return version


def log_exercise(patient: Patient, by: Any, **fields: Any) -> ExerciseLog:
    values: dict[str, Any] = {
        "client_key": uuid.uuid4(),
        "day": TODAY,
        "exercise": "chin_tucks",
        "plan_version": 1,
        "completion": "done",
        "minutes": 5,
        "effort": 4,
        "pain": 1,
    }
    return exercise_log_record(patient=patient, by=by, **{**values, **fields})


def check_in(patient: Patient, by: Any, **fields: Any) -> CheckIn:
    values: dict[str, Any] = {
        "client_key": uuid.uuid4(),
        "day": TODAY,
        "mood": 4,
        "confidence": 7,
        "fatigue": 3,
        "sleep": "good",
        "pain": 2,
        "back_pain_new": False,
        "falls": 0,
        "near_falls": 0,
    }
    return check_in_record(patient=patient, by=by, **{**values, **fields})


def report_fall(patient: Patient, by: Any, **fields: Any) -> FallReport:
    values: dict[str, Any] = {
        "client_key": uuid.uuid4(),
        "happened_on": date(2026, 11, 20),
        "place": "home_inside",
        "injury": False,
        "could_get_up": True,
        "saw_doctor": False,
    }
    return fall_report_record(patient=patient, by=by, **{**values, **fields})
