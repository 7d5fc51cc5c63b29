"""A patient's record written through the services, and API tokens, for the FHIR tests."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from osteorehab.accounts.domain import Part, Role
from osteorehab.accounts.models import User
from osteorehab.accounts.services import api_token_create
from osteorehab.assessments.models import Occasion
from osteorehab.assessments.services import assessment_record
from osteorehab.contact.services import message_send, thread_start
from osteorehab.logbook.tests.factories import make_plan
from osteorehab.patients.models import Patient
from osteorehab.plans.services import goal_create, goal_rate
from tests.factories import login_of, make_caregiver, make_patient, make_user, member

TODAY = date(2026, 11, 21)
PHQ9 = [1, 2, 0, 1, 1, 0, 2, 1, 0]  # total 8, item 9 at 0 (no alert)
TUG_SECONDS = 13.5


def token_for(user: User, name: str = "Test feed") -> str:
    """A key acting as `user`, created by an administrator of their organisation."""
    admin = User.objects.filter(role=Role.ADMIN, organisation=user.organisation).first()
    admin = admin or make_user(Role.ADMIN, user.organisation)
    _token, key = api_token_create(by=admin, user=user, name=name)
    return key


def bearer(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


@dataclass
class Record:
    patient: Patient
    caregiver: User
    assessments: dict[str, Any]
    goal: Any
    plan: Any


def write_record(team: Any, **fields: Any) -> Record:
    """A patient with a login and a caregiver (sharing every part), a self-reported PHQ-9, a
    TUG, a DXA result, a HADS from the licensed form, a rated goal, a plan in force and a
    conversation with the care team."""
    patient = make_patient(team, login=True, **fields)
    caregiver = make_caregiver(patient, parts=list(Part))
    assessments = {
        "phq9": assessment_record(
            patient=patient,
            by=login_of(patient),
            code="phq9",
            answers={"items": PHQ9},
            administered_on=date(2026, 2, 1),
            occasion=Occasion.BASELINE,
            self_reported=True,
        ),
        "tug": assessment_record(
            patient=patient,
            by=member(team, Role.THERAPIST),
            code="tug",
            answers={"seconds": TUG_SECONDS},
            administered_on=date(2026, 2, 3),
            occasion=Occasion.BASELINE,
        ),
        "bone_density": assessment_record(
            patient=patient,
            by=member(team, Role.PHYSICIAN),
            code="bone_density",
            answers={
                "site": "femoral_neck",
                "sex": "female",
                "age": 75,
                "t_score": -2.7,
                "fragility_fracture": False,
                "postmenopausal": True,
            },
            administered_on=date(2026, 3, 2),
            note="Hologic Horizon",
        ),
        "hads": assessment_record(
            patient=patient,
            by=member(team, Role.COUNSELLOR),
            code="hads",
            answers={"anxiety": 9, "depression": 6},
            administered_on=date(2026, 3, 5),
        ),
    }
    therapist = member(team, Role.THERAPIST)
    goal = goal_create(
        patient=patient,
        by=therapist,
        statement="Walk to the market",
        phase="medium",
        measure="tug",
        importance=2,
        difficulty=3,
        level_minus_2="Stays home",
        level_minus_1="Walks to the door",
        level_0="Walks to the market with a stick",
        level_plus_1="Walks there and back",
        level_plus_2="Walks there and back carrying shopping",
    )
    goal_rate(goal=goal, by=therapist, level=1, rated_on=TODAY)
    plan = make_plan(patient)
    thread = thread_start(
        patient=patient, by=login_of(patient), topic="medical", body="Can I carry shopping?"
    )
    message_send(thread=thread, by=member(team, Role.PHYSICIAN), body="Yes, in two bags.")
    return Record(patient, caregiver, assessments, goal, plan)


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Every FHIR test runs on the same day (the goals' dates count from it)."""
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)


@pytest.fixture
def record(team):
    return write_record(team, family_name="Recordholder")
