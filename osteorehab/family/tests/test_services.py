from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.family.models import Encouragement
from osteorehab.family.services import encouragement_send, encouragements_shown
from osteorehab.patients import services
from osteorehab.patients.models import Caregiver, Consent, ConsentKind
from osteorehab.patients.tasks import caregiver_invitation_send
from tests.factories import (
    login_of,
    make_caregiver,
    make_patient,
    make_team,
    make_user,
    member,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-9"


def invite(patient, **data):
    return services.caregiver_invite(
        patient=patient,
        by=login_of(patient),
        data={"name": "Tom Lee", "relationship": "Son", "shared_parts": ["plan"], **data},
    )


def family_consents(patient):
    return list(
        patient.consents.filter(kind=ConsentKind.FAMILY_SHARING).values_list("granted", "taken_by")
    )


def test_inviting_records_the_patients_consent_once_and_again_after_a_withdrawal(team):
    patient = make_patient(team, login=True)
    invite(patient)
    invite(patient, name="Amy Lee")
    assert family_consents(patient) == [(True, patient.user_id)]
    services.consent_record(
        patient=patient,
        by=login_of(patient),
        kind=ConsentKind.FAMILY_SHARING,
        granted=False,
        decided_on=date(2026, 11, 21),
    )
    invite(patient, name="Bo Lee")
    assert services.family_sharing_in_force(patient) is True
    assert Consent.objects.filter(patient=patient, kind=ConsentKind.FAMILY_SHARING).count() == 3


def test_the_invitation_email_has_the_link_and_the_given_name_only(
    team, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://rehab.example.org"
    patient = make_patient(team, login=True, family_name="Zhang", given_name="Wei")
    with django_capture_on_commit_callbacks(execute=True):
        caregiver = invite(patient, email="tom@example.org", shared_parts=["plan", "progress"])
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["tom@example.org"]
    assert mail.subject == "OsteoRehab: Wei invites you / Wei 邀请您"
    assert f"https://rehab.example.org/invitation/{caregiver.invite_token}/" in mail.body
    assert "https://rehab.example.org/family/join/" in mail.body
    assert "Wei has invited you" in mail.body
    assert "Wei 邀请您" in mail.body
    for private in ("Zhang", "1950", "plan", "progress", "osteoporosis", "fracture"):
        assert private.lower() not in mail.body.lower(), private


def test_no_email_without_an_address_nor_for_an_invitation_taken_up_meanwhile(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    patient = make_patient(team, login=True)
    with django_capture_on_commit_callbacks(execute=True):
        invite(patient)
    with django_capture_on_commit_callbacks(execute=False):
        caregiver = invite(patient, name="Amy", email="amy@example.org")
    user = services.caregiver_accept(
        token=caregiver.invite_token or "", username="amy", password=PASSWORD
    )
    caregiver_invitation_send.call_local(caregiver.pk)
    assert mailoutbox == []
    assert user.email == "amy@example.org"  # for their own password resets


def test_a_code_is_kept_only_as_a_keyed_hash_for_seven_days_and_never_audited(team):
    patient = make_patient(team, login=True)
    caregiver = invite(patient)
    code = services.caregiver_code_issue(caregiver=caregiver, by=login_of(patient))
    caregiver.refresh_from_db()
    assert len(code) == 8
    assert caregiver.join_code_hash
    assert code not in caregiver.join_code_hash
    assert len(caregiver.join_code_hash) == 64
    assert caregiver.join_code_expires_at == timezone.now() + timedelta(days=7)
    event = AuditEvent.objects.filter(target="patients.Caregiver").latest("id")
    assert set(event.changes) == {"join_code_expires_at"}
    assert code not in str(event.changes)
    assert caregiver.join_code_hash not in str(event.changes)


def test_the_right_code_works_once_and_ends_the_link_too(team):
    patient = make_patient(team, login=True)
    caregiver = invite(patient)
    code = services.caregiver_code_issue(caregiver=caregiver, by=login_of(patient))
    joined = services.caregiver_join(
        code=code.lower()[:4] + "-" + code[4:], username="tom", password=PASSWORD
    )
    assert joined.pk == caregiver.pk
    assert joined.user is not None
    assert (joined.user.username, joined.user.role, joined.user.full_name) == (
        "tom",
        Role.CAREGIVER,
        "Tom Lee",
    )
    assert (joined.invite_token, joined.join_code_hash, joined.join_code_expires_at) == (
        None,
        None,
        None,
    )
    with pytest.raises(ValidationError) as used:
        services.caregiver_join(code=code, username="tom2", password=PASSWORD)
    assert used.value.error_dict["code"][0].code == "bad_code"
    event = AuditEvent.objects.filter(target="patients.Caregiver").latest("id")
    assert (event.user, event.changes["how"]) == (joined.user, "code")


def test_wrong_expired_and_withdrawn_codes_are_refused_alike(team, time_machine):
    patient = make_patient(team, login=True)
    by = login_of(patient)
    expiring = invite(patient)
    expired_code = services.caregiver_code_issue(caregiver=expiring, by=by)
    withdrawn = invite(patient, name="Amy")
    withdrawn_code = services.caregiver_code_issue(caregiver=withdrawn, by=by)
    services.caregiver_revoke(caregiver=withdrawn, by=by)
    replaced = invite(patient, name="Bo")
    first_code = services.caregiver_code_issue(caregiver=replaced, by=by)
    services.caregiver_code_issue(caregiver=replaced, by=by)
    time_machine.shift(timedelta(days=7))
    refusals = []
    for code in (expired_code, withdrawn_code, first_code, "ZZZZ-ZZZZ", "not a code"):
        with pytest.raises(ValidationError) as refused:
            services.caregiver_join(code=code, username="x", password=PASSWORD)
        refusals.append(refused.value.message_dict)
    assert refusals == [{"code": [str(services.JOIN_CODE_REFUSED)]}] * 5
    assert not Caregiver.objects.filter(user__isnull=False).exists()


def test_a_code_is_still_good_just_before_its_seventh_day_ends(team, time_machine):
    patient = make_patient(team, login=True)
    code = services.caregiver_code_issue(caregiver=invite(patient), by=login_of(patient))
    time_machine.shift(timedelta(days=7) - timedelta(seconds=1))
    assert services.caregiver_join(code=code, username="tom", password=PASSWORD).user_id


def test_someone_supporting_another_patient_joins_with_the_login_they_have(team):
    first = make_patient(team, login=True)
    second = make_patient(team, login=True)
    helper = make_caregiver(first, parts=[Part.PLAN])
    code = services.caregiver_code_issue(caregiver=invite(second), by=login_of(second))
    joined = services.caregiver_join(code=code, user=helper)
    assert joined.user == helper
    assert services.family_sharing_in_force(second) is True
    with pytest.raises(ValidationError) as refused:
        services.caregiver_join(
            code=services.caregiver_code_issue(caregiver=invite(second), by=login_of(second)),
            user=helper,
        )
    assert refused.value.messages == ["You already support this person."]
    with pytest.raises(ValidationError):
        services.caregiver_join(
            code=services.caregiver_code_issue(caregiver=invite(first), by=login_of(first)),
            user=member(team, Role.NURSE),
        )


def test_who_may_encourage_a_patient(team):
    patient = make_patient(team, login=True)
    nurse = member(team, Role.NURSE)
    sharing = make_caregiver(patient, parts=[Part.PROGRESS])
    nothing_shared = make_caregiver(patient, parts=[])
    other_team_nurse = member(make_team(team.site.organisation), Role.NURSE)
    lead = make_user(Role.LEAD, team.site.organisation)
    assert encouragement_send(patient=patient, by=sharing, text=" Well done! ").kind == "family"
    assert encouragement_send(patient=patient, by=nurse, text="Great week.").kind == "team"
    for outsider in (nothing_shared, other_team_nurse, lead, login_of(patient)):
        with pytest.raises(ValidationError):
            encouragement_send(patient=patient, by=outsider, text="Hi")
    assert list(Encouragement.objects.values_list("text", flat=True)) == [
        "Great week.",
        "Well done!",
    ]


def test_a_caregiver_without_consent_cannot_encourage(team):
    patient = make_patient(team, login=True)
    helper = make_caregiver(patient, parts=list(Part), consent=False)
    with pytest.raises(ValidationError):
        encouragement_send(patient=patient, by=helper, text="Hi")


def test_the_audit_keeps_that_a_message_was_sent_not_its_words(team):
    patient = make_patient(team, login=True)
    helper = make_caregiver(patient, parts=[Part.PLAN])
    message = encouragement_send(patient=patient, by=helper, text="Zzprivate words")
    event = AuditEvent.objects.get(target="family.Encouragement")
    assert (event.user, event.patient_id, event.object_id) == (helper, patient.pk, str(message.pk))
    assert event.changes == {"kind": "family", "characters": 15}


@pytest.mark.parametrize(
    ("text", "error"),
    [("   ", "Write a few words."), ("x" * 281, "Keep it short: at most 280 characters.")],
)
def test_an_empty_or_long_message_is_refused(team, text, error):
    patient = make_patient(team, login=True)
    with pytest.raises(ValidationError) as refused:
        encouragement_send(patient=patient, by=member(team, Role.NURSE), text=text)
    assert refused.value.message_dict == {"text": [error]}
    assert not Encouragement.objects.exists()


def test_unseen_messages_are_shown_three_at_a_time_newest_first_then_never_again(
    team, time_machine
):
    patient = make_patient(team, login=True)
    nurse = member(team, Role.NURSE)
    for n in range(4):
        encouragement_send(patient=patient, by=nurse, text=f"Message {n}")
        time_machine.shift(timedelta(minutes=1))
    shown = encouragements_shown(patient=patient, by=login_of(patient))
    assert [m.text for m in shown] == ["Message 3", "Message 2", "Message 1"]
    assert [m.text for m in encouragements_shown(patient=patient, by=login_of(patient))] == [
        "Message 0"
    ]
    assert encouragements_shown(patient=patient, by=login_of(patient)) == []
    assert not Encouragement.objects.filter(seen_at__isnull=True).exists()
    seen = AuditEvent.objects.filter(target="family.Encouragement", action="update")
    assert [len(e.changes["messages"]) for e in seen.order_by("id")] == [3, 1]
