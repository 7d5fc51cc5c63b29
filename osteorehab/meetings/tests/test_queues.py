from datetime import UTC, date, datetime

import pytest

from osteorehab.accounts.domain import Role
from osteorehab.contact.models import FollowUp
from osteorehab.followup.services import schedule_item_add
from osteorehab.logbook.tests.factories import make_plan
from osteorehab.meetings.queues import waiting_for
from osteorehab.patients.models import Episode
from osteorehab.psychology.services import psych_session_record
from tests.factories import make_patient, member

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)


def whats(user):
    return [(w.patient.family_name, w.what) for w in waiting_for(user, TODAY)]


def active(patient):
    Episode.objects.filter(patient=patient).update(status="active")
    return patient


def test_each_role_finds_its_own_work(team, nurse):
    counsellor, therapist, physician = (
        member(team, role) for role in (Role.COUNSELLOR, Role.THERAPIST, Role.PHYSICIAN)
    )
    no_plan = active(make_patient(team, family_name="Noplan"))
    waiting = active(make_patient(team, family_name="Waiting"))
    make_plan(waiting, approved=False)
    psych_session_record(
        patient=waiting,
        by=counsellor,
        held_on=date(2026, 11, 7),
        modality="phone",
        module="psychoeducation",
        next_session_on=date(2026, 11, 21),
    )
    FollowUp.objects.create(  # a call whose time has passed, not recorded
        patient=no_plan,
        scheduled_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        mode="phone",
        with_role="nurse",
        scheduled_by=nurse,
    )
    schedule_item_add(
        patient=no_plan, by=nurse, kind="motor_endurance_test", due_on=date(2026, 11, 17)
    )
    assert whats(counsellor) == [
        ("Waiting", "Psychological session due (Osteoporosis education and health beliefs)")
    ]
    assert whats(therapist) == [("Noplan", "Draft the first exercise plan")]
    assert whats(physician) == [
        ("Waiting", "Approve version 1 of the plan"),
        ("Noplan", "Decide how much impact exercise is safe"),
        ("Waiting", "Decide how much impact exercise is safe"),
    ]
    assert whats(nurse) == [
        ("Noplan", "Motor endurance test: Overdue"),
        ("Noplan", "Record the phone call follow-up"),
    ]
