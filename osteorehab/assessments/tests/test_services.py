from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from osteorehab.accounts.domain import Role
from osteorehab.alerts.models import Alert
from osteorehab.alerts.services import alert_acknowledge
from osteorehab.assessments.models import Assessment
from osteorehab.assessments.services import assessment_record
from osteorehab.audit.models import AuditEvent
from tests.factories import make_patient, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)


def record(patient, by, code="phq9", answers=None, **extra):
    return assessment_record(
        patient=patient,
        by=by,
        code=code,
        answers=answers or {"items": [1, 1, 1, 1, 1, 0, 0, 0, 0]},
        administered_on=date(2026, 11, 20),
        **extra,
    )


def test_an_assessment_keeps_the_raw_answers_versions_and_the_result(team):
    patient = make_patient(team)
    counsellor = member(team, Role.COUNSELLOR)
    assessment = record(patient, counsellor, answers={"items": [2, 2, 2, 2, 2, 1, 1, 1, 0]})
    assert (assessment.total, assessment.band, assessment.valid) == (13, "moderate", True)
    assert assessment.answers == {"items": [2, 2, 2, 2, 2, 1, 1, 1, 0]}
    assert assessment.instrument_version.startswith("PHQ-9")
    assert assessment.scorer_version == "1"
    assert assessment.result["bands"] == {"severity": "moderate", "screen": "positive"}
    event = AuditEvent.objects.get(target="assessments.Assessment")
    assert (event.action, event.patient, event.changes["total"]) == ("create", patient, 13.0)


def test_item9_above_zero_alerts_the_counsellor_and_physician_at_once(
    team, django_capture_on_commit_callbacks
):
    patient = make_patient(team, login=True)
    with django_capture_on_commit_callbacks(execute=True):
        assessment = record(
            patient,
            patient.user,
            answers={"items": [0, 0, 0, 0, 0, 0, 0, 0, 1]},
            self_reported=True,
        )
    alert = Alert.objects.get()
    assert (alert.kind, alert.urgent, alert.roles) == (
        "self_harm_thoughts",
        True,
        ["counsellor", "physician"],
    )
    assert alert.source == f"assessments.Assessment #{assessment.pk}"
    [email] = mail.outbox
    assert sorted(email.to) == sorted(
        [member(team, Role.COUNSELLOR).email, member(team, Role.PHYSICIAN).email]
    )
    assert patient.family_name not in email.body  # no patient data in e-mail


def test_an_unanswered_item9_alerts_too_and_a_zero_does_not(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    record(patient, nurse, answers={"items": [0, 0, 0, 0, 0, 0, 0, 0, 0]})
    assert not Alert.objects.exists()
    record(patient, nurse, answers={"items": [1, 0, 0, 0, 0, 0, 0, 0, None]})
    assert Alert.objects.get().kind == "self_harm_unknown"


def test_an_alert_is_acknowledged_once_with_what_was_done(team):
    patient = make_patient(team)
    record(patient, member(team, Role.NURSE), answers={"items": [0] * 8 + [2]})
    alert = Alert.objects.get()
    physician = member(team, Role.PHYSICIAN)
    with pytest.raises(ValidationError):
        alert_acknowledge(alert=alert, by=physician, action_taken=" ")
    alert_acknowledge(alert=alert, by=physician, action_taken="Phoned; safety plan agreed")
    assert Alert.objects.open().count() == 0
    with pytest.raises(ValidationError):
        alert_acknowledge(alert=alert, by=member(team, Role.COUNSELLOR), action_taken="also")


def test_bad_answers_are_refused_in_the_users_words_and_nothing_is_saved(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    with pytest.raises(ValidationError) as error:
        record(patient, nurse, code="tug", answers={"seconds": 900})
    assert error.value.message_dict == {"seconds": ["Enter a value from 1 to 600."]}
    with pytest.raises(ValidationError) as error:
        record(patient, nurse, code="grip_strength", answers={"sex": "female"})
    assert error.value.message_dict == {"kg": ["This value is required."]}
    with pytest.raises(ValidationError) as error:
        assessment_record(
            patient=patient,
            by=nurse,
            code="tug",
            answers={"seconds": 12},
            administered_on=date(2026, 11, 22),
        )
    assert error.value.message_dict == {"administered_on": ["This date is in the future."]}
    assert not Assessment.objects.exists()
