"""Plain makers of the things reminders are about, with deterministic defaults."""

from datetime import date, datetime
from typing import Any

from osteorehab.accounts.domain import Role
from osteorehab.assessments.models import Occasion
from osteorehab.assessments.services import assessment_record
from osteorehab.contact.models import FollowUp
from osteorehab.education.models import Assignment
from osteorehab.homesafety.models import HomeSafetyAction, HomeSafetyCheck
from osteorehab.patients.models import Patient
from osteorehab.plans.models import CarePlan, PlanVersion
from tests.factories import member

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


def make_action(patient: Patient, *, owner: str = "patient", due_on: date, **fields: Any):
    nurse = member(patient.care_team, Role.NURSE)
    check = HomeSafetyCheck.objects.create(
        patient=patient, checked_on=date(2026, 11, 1), checked_by=nurse, how="in_person"
    )
    return HomeSafetyAction.objects.create(
        patient=patient,
        found_by_check=check,
        item="bathroom_grab_toilet",
        text="Fit grab rails by the toilet and in the shower.",
        owner=owner,
        due_on=due_on,
        **fields,
    )


def make_assignment(patient: Patient, *, due_on: date | None, module: str = "fall_prevention"):
    return Assignment.objects.create(
        patient=patient,
        module=module,
        assigned_by=member(patient.care_team, Role.NURSE),
        assigned_on=date(2026, 11, 1),
        due_on=due_on,
    )


def record(patient: Patient, code: str, items: list[int], on: date):
    return assessment_record(
        patient=patient,
        by=member(patient.care_team, Role.COUNSELLOR),
        code=code,
        answers={"items": items},
        administered_on=on,
        occasion=Occasion.FOLLOW_UP,
    )


def make_plan(patient: Patient, exercises: list[str], *, days: list[int] | None = None):
    plan, _ = CarePlan.objects.get_or_create(patient=patient)
    number = plan.versions.count() + 1
    therapist = member(patient.care_team, Role.THERAPIST)
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        content={
            "items": [
                {
                    "exercise": code,
                    "days": days if days is not None else EVERY_DAY,
                    "dose": {"sets": 2, "reps": 10},
                    "reason": ["test", {}],
                }
                for code in exercises
            ]
        },
        reason="first plan",
        author=therapist,
        author_role=therapist.role,
    )


def make_follow_up(patient: Patient, at: datetime, *, mode: str = "phone") -> FollowUp:
    nurse = member(patient.care_team, Role.NURSE)
    return FollowUp.objects.create(
        patient=patient,
        scheduled_at=at,
        mode=mode,
        video_link="https://video.example.org/room" if mode == "video" else "",
        with_role=Role.NURSE.value,
        scheduled_by=nurse,
    )
