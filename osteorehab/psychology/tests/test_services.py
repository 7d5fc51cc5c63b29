from datetime import date

import pytest
from django.core.exceptions import ValidationError

from osteorehab.accounts.domain import CLINICAL_ROLES, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.psychology.models import PsychSession
from osteorehab.psychology.services import psych_session_record
from tests.factories import login_of, make_caregiver, make_patient, make_user, member

pytestmark = pytest.mark.django_db


def record(patient, by, **fields):
    return psych_session_record(
        patient=patient,
        by=by,
        **{
            "held_on": date(2026, 11, 20),
            "modality": "phone",
            "module": "graded_exposure",
            "notes": "Walked to the corner shop with her daughter.",
            "homework": "Walk to the shop alone twice.",
            "next_session_on": date(2026, 11, 27),
            **fields,
        },
    )


def test_a_session_is_saved_with_one_audit_event_of_what_was_written(team):
    patient = make_patient(team)
    counsellor = member(team, Role.COUNSELLOR)
    session = record(patient, counsellor)
    assert (session.patient, session.recorded_by, session.module, session.modality) == (
        patient,
        counsellor,
        "graded_exposure",
        "phone",
    )
    event = AuditEvent.objects.get(target="psychology.PsychSession")
    assert (event.action, event.user, event.patient_id, event.object_id) == (
        "create",
        counsellor,
        patient.pk,
        str(session.pk),
    )
    assert event.changes == {
        "held_on": "2026-11-20",
        "modality": "phone",
        "module": "graded_exposure",
        "notes": "Walked to the corner shop with her daughter.",
        "homework": "Walk to the shop alone twice.",
        "next_session_on": "2026-11-27",
    }


def test_every_clinical_role_may_record_and_the_next_session_is_optional(team):
    patient = make_patient(team)
    for role in CLINICAL_ROLES:
        record(patient, member(team, role), next_session_on=None, module="emotional_support")
    assert PsychSession.objects.filter(next_session_on__isnull=True).count() == 4


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"held_on": date(2026, 11, 22)}, {"held_on": ["This date is in the future."]}),
        (
            {"held_on": date(1949, 12, 31)},
            {"held_on": ["This date is before the patient's date of birth."]},
        ),
        (
            {"next_session_on": date(2026, 11, 19)},
            {"next_session_on": ["The next session must be after this session's date."]},
        ),
        (
            {"next_session_on": date(2026, 11, 20)},
            {"next_session_on": ["The next session must be after this session's date."]},
        ),
        ({"module": "hypnosis"}, {"module": ["Choose one of the options."]}),
        ({"modality": "letter"}, {"modality": ["Choose one of the options."]}),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(team, fields, errors):
    patient = make_patient(team)
    with pytest.raises(ValidationError) as error:
        record(patient, member(team, Role.COUNSELLOR), **fields)
    assert error.value.message_dict == errors
    assert not PsychSession.objects.exists()
    assert not AuditEvent.objects.filter(target="psychology.PsychSession").exists()


def test_the_next_session_may_be_in_the_future(team):
    patient = make_patient(team)
    session = record(patient, member(team, Role.COUNSELLOR), next_session_on=date(2027, 1, 8))
    assert session.next_session_on == date(2027, 1, 8)


def test_roles_that_may_not_edit_the_record_are_refused(team):
    patient = make_patient(team, login=True)
    organisation = team.site.organisation
    for user in (
        make_user(Role.LEAD, organisation),
        make_user(Role.ADMIN, organisation),
        login_of(patient),
        make_caregiver(patient, parts=[]),
    ):
        with pytest.raises(ValidationError) as error:
            record(patient, user)
        assert error.value.messages == [
            "Only the care team's clinicians record psychological sessions."
        ], user.role
    assert not PsychSession.objects.exists()
