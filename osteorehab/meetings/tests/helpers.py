"""Facts for the meetings' tests, written through the services that own them."""

from datetime import UTC, date, datetime

from osteorehab.accounts.domain import Role
from osteorehab.assessments.models import Occasion
from osteorehab.assessments.services import assessment_record
from osteorehab.meetings.models import Meeting
from osteorehab.meetings.services import meeting_schedule
from osteorehab.patients.models import Patient
from tests.factories import member

GAD7_6 = [1, 1, 1, 1, 1, 1, 0]
GAD7_10 = [2, 2, 2, 1, 1, 1, 1]


def gad7(patient: Patient, answers: list[int], day: date, occasion: Occasion = Occasion.FOLLOW_UP):
    return assessment_record(
        patient=patient,
        by=member(patient.care_team, Role.COUNSELLOR),
        code="gad7",
        answers={"items": answers},
        administered_on=day,
        occasion=occasion,
    )


def anxiety_up(patient: Patient) -> None:
    """GAD-7 from 6 at baseline to 10 at the latest check-up: up by the MCID of 4."""
    gad7(patient, GAD7_6, date(2026, 10, 30), Occasion.BASELINE)
    gad7(patient, GAD7_10, date(2026, 11, 13))


def schedule(team, by, at=datetime(2026, 11, 24, 14, 0, tzinfo=UTC)) -> Meeting:
    return meeting_schedule(care_team=team, by=by, scheduled_at=at, chair=by)
