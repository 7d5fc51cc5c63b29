from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import QuerySet

from osteorehab.accounts.domain import Part, Role
from osteorehab.accounts.models import CareTeamMember
from osteorehab.audit.models import AuditEvent
from osteorehab.patients import services
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import ConsentKind, Episode, EpisodeStatusChange, Patient
from tests.factories import login_of, make_patient, make_user, member

pytestmark = pytest.mark.django_db

IDENTITY = {
    "family_name": " Smith ",
    "given_name": "Margaret  Ann",
    "date_of_birth": date(1948, 6, 2),
    "sex": "female",
    "phone": "+44 20 7946 0000",
    "preferred_language": "en",
    "record_number": "H123",
    "diagnosis_on": date(2024, 2, 1),
    "relevant_conditions": "Type 2 diabetes",
}


def register(team, **overrides):
    args = {
        "by": member(team, Role.NURSE),
        "care_team": team,
        "data": dict(IDENTITY),
        "program_consent": True,
        "consent_on": date(2026, 11, 20),
        "referred_on": date(2026, 11, 20),
    }
    return services.patient_register(**{**args, **overrides})


def test_registering_saves_the_patient_consent_and_a_referred_episode_with_one_audit_row_each(team):
    patient = register(team)
    assert (patient.family_name, patient.given_name) == ("Smith", "Margaret Ann")
    episode = patient.episodes.get()
    assert (episode.status, episode.referred_on) == ("referred", date(2026, 11, 20))
    consent = patient.consents.get()
    assert (consent.kind, consent.granted, consent.taken_by.role) == ("program", True, "nurse")
    events = AuditEvent.objects.filter(patient=patient).order_by("id")
    assert [(e.action, e.target) for e in events] == [
        ("create", "patients.Patient"),
        ("create", "patients.Consent"),
        ("create", "patients.Episode"),
    ]
    assert events[0].changes["date_of_birth"] == "1948-06-02"
    assert events[0].username == member(team, Role.NURSE).username


def test_a_duplicate_is_refused_unless_confirmed(team):
    register(team)
    with pytest.raises(ValidationError) as error:
        register(
            team,
            data={
                **IDENTITY,
                "family_name": "SMITH",
                "given_name": "margaret ann",
                "record_number": "",
            },
        )
    assert error.value.code == "duplicate"
    register(team, data={**IDENTITY, "record_number": "H124"}, allow_duplicate=True)
    assert Patient.objects.filter(family_name="Smith").count() == 2


def test_impossible_dates_are_refused_and_nothing_is_saved(team):
    with pytest.raises(ValidationError) as error:
        register(team, data={**IDENTITY, "date_of_birth": date(2027, 1, 1)})
    assert error.value.message_dict == {"date_of_birth": ["This date is in the future."]}
    with pytest.raises(ValidationError) as error:
        register(team, data={**IDENTITY, "diagnosis_on": date(1940, 1, 1)})
    assert error.value.message_dict == {
        "diagnosis_on": ["This date is before the patient's date of birth."]
    }
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_care_team_without_every_clinical_role_is_refused(team):
    CareTeamMember.objects.filter(care_team=team, user__role="counsellor").delete()
    with pytest.raises(ValidationError) as error:
        register(team)
    assert error.value.message_dict == {
        "care_team": ["This care team has no member with the role: Psychological counsellor."]
    }


def test_a_failure_late_in_registration_leaves_nothing_half_saved(team, monkeypatch):
    def broken(**kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(services, "episode_open", broken)
    with pytest.raises(IntegrityError):
        register(team)
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.exists()


def test_update_records_what_changed_and_refuses_a_stale_form(team):
    patient = make_patient(
        team, family_name="Lee", given_name="Ann", date_of_birth=date(1950, 1, 1)
    )
    nurse = member(team, Role.NURSE)
    data = {k: getattr(patient, k) for k in services.PATIENT_FIELDS}
    updated = services.patient_update(
        patient=patient, by=nurse, data={**data, "phone": "0123"}, version=1
    )
    assert updated.version == 2
    event = AuditEvent.objects.get(patient=patient, action="update")
    assert event.changes == {"phone": ["", "0123"]}
    with pytest.raises(ValidationError) as error:
        services.patient_update(patient=patient, by=nurse, data={**data, "phone": "999"}, version=1)
    assert error.value.code == "stale"
    assert Patient.objects.get(pk=patient.pk).phone == "0123"


def test_a_fracture_before_birth_or_in_the_future_is_refused(team):
    patient = make_patient(team, date_of_birth=date(1950, 1, 1))
    nurse = member(team, Role.NURSE)
    for day, message in [
        (date(1949, 12, 31), "This date is before the patient's date of birth."),
        (date(2026, 11, 22), "This date is in the future."),
    ]:
        with pytest.raises(ValidationError) as error:
            services.fracture_add(
                patient=patient, by=nurse, data={"site": "hip", "occurred_on": day}
            )
        assert error.value.message_dict == {"occurred_on": [message]}
    fracture = services.fracture_add(
        patient=patient,
        by=nurse,
        data={"site": "vertebra", "occurred_on": date(2025, 4, 1), "note": "T12"},
    )
    assert AuditEvent.objects.get(action="create", target="patients.Fracture").object_id == str(
        fracture.pk
    )


def test_an_other_site_or_medicine_must_be_named(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    with pytest.raises(ValidationError) as error:
        services.fracture_add(
            patient=patient, by=nurse, data={"site": "other", "occurred_on": date(2025, 4, 1)}
        )
    assert error.value.message_dict == {"site_other": ["Name the site of the fracture."]}
    with pytest.raises(ValidationError) as error:
        services.medication_add(
            patient=patient,
            by=nurse,
            data={
                "drug": "alendronate",
                "started_on": date(2025, 4, 1),
                "stopped_on": date(2025, 3, 1),
            },
        )
    assert error.value.message_dict == {
        "stopped_on": ["The medicine cannot stop before it started."]
    }


def test_episode_moves_along_the_program_and_keeps_its_history(team):
    patient = make_patient(team)
    episode = patient.episodes.get()
    nurse = member(team, Role.NURSE)
    episode = services.episode_move(
        episode=episode,
        by=nurse,
        to_status=EpisodeStatus.ASSESSMENT,
        on=date(2026, 11, 1),
        reason="",
        version=1,
    )
    episode = services.episode_move(
        episode=episode,
        by=nurse,
        to_status=EpisodeStatus.WITHDRAWN,
        on=date(2026, 11, 2),
        reason="Moved away",
        version=2,
    )
    assert (episode.status, episode.end_reason, episode.version) == ("withdrawn", "Moved away", 3)
    assert list(episode.changes.values_list("to_status", flat=True)) == ["assessment", "withdrawn"]
    assert (
        AuditEvent.objects.filter(
            patient=patient, target="patients.Episode", action="update"
        ).count()
        == 2
    )
    # a new episode can open once the last one is closed, and only one can be open
    services.episode_open(patient=patient, by=nurse, referred_on=date(2026, 11, 3))
    with pytest.raises(ValidationError):
        services.episode_open(patient=patient, by=nurse, referred_on=date(2026, 11, 3))


def test_the_database_allows_one_open_episode_per_patient(team):
    patient = make_patient(team)
    with pytest.raises(IntegrityError):
        Episode.objects.create(
            patient=patient, referred_on=date(2026, 1, 1), status_since=date(2026, 1, 1)
        )


def test_an_episode_opened_meanwhile_by_someone_else_is_a_refusal_not_an_error(team, monkeypatch):
    """Two users open an episode at once: both checks find none open, the database's
    constraint lets one in, and the other is told, with nothing of theirs saved."""
    patient = make_patient(team)  # with an open episode
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)  # the check raced past
    with pytest.raises(ValidationError) as refused:
        services.episode_open(
            patient=patient, by=member(team, Role.NURSE), referred_on=date(2026, 11, 3)
        )
    assert refused.value.messages == ["The patient already has an open program episode."]
    assert patient.episodes.count() == 1
    assert EpisodeStatusChange.objects.filter(on=date(2026, 11, 3)).count() == 0


def test_moving_past_referral_needs_program_consent(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    services.consent_record(
        patient=patient,
        by=nurse,
        kind=ConsentKind.PROGRAM,
        granted=False,
        decided_on=date(2026, 11, 2),
    )
    with pytest.raises(ValidationError) as error:
        services.episode_move(
            episode=patient.episodes.get(),
            by=nurse,
            to_status=EpisodeStatus.ASSESSMENT,
            on=date(2026, 11, 3),
            reason="",
            version=1,
        )
    assert error.value.message_dict == {
        "status": ["The patient has not consented to the program; record their consent first."]
    }


def test_an_invited_caregiver_accepts_once_and_sees_only_shared_parts(team):
    patient = make_patient(team, login=True)
    caregiver = services.caregiver_invite(
        patient=patient,
        by=login_of(patient),
        data={"name": "Tom", "relationship": "Son", "shared_parts": ["plan", "program"]},
    )
    assert caregiver.shared_parts == ["program", "plan"]  # kept in the record's order
    user = services.caregiver_accept(
        token=caregiver.invite_token or "", username="tom", password="a-long-passphrase-9"
    )
    assert (user.role, user.full_name) == (Role.CAREGIVER, "Tom")
    with pytest.raises(ValidationError):
        services.caregiver_accept(
            token=caregiver.invite_token or "used", username="tom2", password="a-long-passphrase-9"
        )
    with pytest.raises(ValidationError) as error:
        services.caregiver_share(caregiver=caregiver, by=login_of(patient), parts=["everything"])
    assert error.value.message_dict == {"shared_parts": ["Unknown part of the record: everything"]}


def test_a_weak_caregiver_password_is_refused_on_its_field(team):
    patient = make_patient(team, login=True)
    caregiver = services.caregiver_invite(
        patient=patient,
        by=login_of(patient),
        data={"name": "Tom", "relationship": "Son", "shared_parts": []},
    )
    with pytest.raises(ValidationError) as error:
        services.caregiver_accept(
            token=caregiver.invite_token or "", username="tom", password="123"
        )
    assert "password" in error.value.message_dict
    caregiver.refresh_from_db()
    assert caregiver.user is None


def test_a_patient_login_is_created_then_its_password_reset(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    user = services.patient_login_set(
        patient=patient, by=nurse, username="annlee", password="a-long-passphrase-9"
    )
    assert (user.role, patient.user) == (Role.PATIENT, user)
    again = services.patient_login_set(
        patient=patient, by=nurse, username="annlee", password="another-passphrase-7"
    )
    assert again.pk == user.pk
    assert again.check_password("another-passphrase-7")
    make_user(Role.NURSE, patient.organisation, username="taken")
    with pytest.raises(ValidationError) as error:
        services.patient_login_set(
            patient=patient, by=nurse, username="TAKEN", password="a-long-passphrase-9"
        )
    assert error.value.message_dict == {"username": ["This user name is taken; choose another."]}


def test_parts_are_checked_against_the_known_parts():
    assert [part.value for part in Part] == ["program", "medical", "plan", "log", "progress"]


def test_a_medicine_is_stopped_once_and_not_before_it_started(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    medication = services.medication_add(
        patient=patient, by=nurse, data={"drug": "denosumab", "started_on": date(2025, 1, 10)}
    )
    with pytest.raises(ValidationError) as error:
        services.medication_stop(medication=medication, by=nurse, stopped_on=date(2025, 1, 9))
    assert error.value.message_dict == {
        "stopped_on": ["The medicine cannot stop before it started."]
    }
    services.medication_stop(medication=medication, by=nurse, stopped_on=date(2026, 7, 1))
    assert medication.stopped_on == date(2026, 7, 1)
    with pytest.raises(ValidationError):
        services.medication_stop(medication=medication, by=nurse, stopped_on=date(2026, 8, 1))
    event = AuditEvent.objects.filter(target="patients.Medication", action="update").get()
    assert event.changes == {"stopped_on": [None, "2026-07-01"]}


def test_an_entry_in_error_is_kept_marked_with_why_and_left_out_of_the_record(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    wrong = services.fracture_add(
        patient=patient, by=nurse, data={"site": "wrist", "occurred_on": date(2025, 4, 1)}
    )
    with pytest.raises(ValidationError) as error:
        services.entry_retract(entry=wrong, by=nurse, reason=" ")
    assert error.value.message_dict == {"reason": ["Say why this entry is wrong."]}
    services.entry_retract(entry=wrong, by=nurse, reason="Wrong patient's X-ray")
    assert list(patient.fractures.valid()) == []
    assert patient.fractures.get().error_reason == "Wrong patient's X-ray"
    with pytest.raises(ValidationError):
        services.entry_retract(entry=wrong, by=nurse, reason="again")
