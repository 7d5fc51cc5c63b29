from datetime import date

import pytest
from django.core.exceptions import ValidationError

from osteorehab.accounts.domain import CLINICAL_ROLES, Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.homesafety.models import HomeSafetyAction, HomeSafetyCheck
from osteorehab.homesafety.services import home_safety_action_done, home_safety_check_record
from tests.factories import login_of, make_caregiver, make_patient, make_user, member

pytestmark = pytest.mark.django_db

FIRST = {
    "living_rugs": "hazard",  # patient, 7 days
    "bathroom_grab_bath": "hazard",  # caregiver, 30 days
    "general_phone": "hazard",  # nurse, 14 days
    "stairs_rails": "ok",
    "bathroom_door": "not_applicable",
}


def record(patient, by, **fields):
    return home_safety_check_record(
        patient=patient,
        by=by,
        **{
            "checked_on": date(2026, 11, 10),
            "how": "in_person",
            "answers": FIRST,
            "note": "Zznote: lives alone, daughter visits weekly.",
            **fields,
        },
    )


def actions(patient):
    return {a.item: a for a in HomeSafetyAction.objects.filter(patient=patient)}


def test_each_hazard_becomes_an_action_with_its_owner_and_due_date(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    check = record(patient, nurse)
    assert (check.checked_by, check.checked_on, check.how) == (
        nurse,
        date(2026, 11, 10),
        "in_person",
    )
    assert check.answers == FIRST
    found = {
        code: (a.owner, a.due_on, a.found_by_check, a.is_open)
        for code, a in actions(patient).items()
    }
    assert found == {
        "living_rugs": ("patient", date(2026, 11, 17), check, True),
        "bathroom_grab_bath": ("caregiver", date(2026, 12, 10), check, True),
        "general_phone": ("nurse", date(2026, 11, 24), check, True),
    }
    assert actions(patient)["living_rugs"].text == (
        "Remove loose rugs and mats, or fix them flat with a non-slip backing or double-sided tape."
    )


def test_the_check_is_audited_once_with_the_actions_it_created(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    check = record(patient, nurse)
    [event] = AuditEvent.objects.filter(target__startswith="homesafety.")
    assert (event.target, event.action, event.user, event.patient_id, event.object_id) == (
        "homesafety.HomeSafetyCheck",
        "create",
        nurse,
        patient.pk,
        str(check.pk),
    )
    created = actions(patient)
    assert event.changes == {
        "checked_on": "2026-11-10",
        "how": "in_person",
        "answers": FIRST,
        "note": "Zznote: lives alone, daughter visits weekly.",
        "actions_created": [
            {"id": created[code].pk, "item": code, "owner": owner, "due_on": due}
            for code, owner, due in (
                ("living_rugs", "patient", "2026-11-17"),
                ("bathroom_grab_bath", "caregiver", "2026-12-10"),
                ("general_phone", "nurse", "2026-11-24"),
            )
        ],
        "actions_resolved": [],
        "still_present": [],
        "not_rechecked": [],
    }


def test_a_recheck_resolves_what_is_now_safe_and_keeps_what_is_not(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    first = record(patient, nurse)
    before = actions(patient)
    second = record(
        patient,
        member(team, Role.THERAPIST),
        checked_on=date(2026, 11, 20),
        how="video",
        # rugs fixed; grab bar still missing; phone not re-checked; a new hazard in the bedroom
        answers={"living_rugs": "ok", "bathroom_grab_bath": "hazard", "bedroom_lamp": "hazard"},
    )
    after = {a.pk: a for a in HomeSafetyAction.objects.filter(patient=patient)}
    rugs = after[before["living_rugs"].pk]
    assert (rugs.resolved_by_check, rugs.is_open, rugs.done_on) == (second, False, None)
    grab = after[before["bathroom_grab_bath"].pk]
    assert (grab.is_open, grab.found_by_check, grab.due_on) == (True, first, date(2026, 12, 10))
    assert after[before["general_phone"].pk].is_open
    # the grab bar keeps its one open action; only the bedroom lamp is new
    assert HomeSafetyAction.objects.filter(item="bathroom_grab_bath").count() == 1
    [lamp] = HomeSafetyAction.objects.filter(found_by_check=second)
    assert (lamp.item, lamp.owner, lamp.due_on) == ("bedroom_lamp", "patient", date(2026, 11, 27))
    event = AuditEvent.objects.get(object_id=str(second.pk), target="homesafety.HomeSafetyCheck")
    assert event.changes["actions_resolved"] == [rugs.pk]
    assert event.changes["still_present"] == ["bathroom_grab_bath"]
    assert event.changes["not_rechecked"] == ["general_phone"]
    assert [a["item"] for a in event.changes["actions_created"]] == ["bedroom_lamp"]


def test_a_hazard_found_again_after_its_action_was_done_gets_a_new_action(team):
    patient = make_patient(team, login=True)
    record(patient, member(team, Role.NURSE))
    rugs = actions(patient)["living_rugs"]
    home_safety_action_done(action=rugs, by=login_of(patient), done_on=date(2026, 11, 12))
    third = record(patient, member(team, Role.NURSE), checked_on=date(2026, 11, 21))
    rugs.refresh_from_db()
    # the done action stays done (not resolved by the check); the rug is back: a new action
    assert (rugs.done_on, rugs.resolved_by_check) == (date(2026, 11, 12), None)
    assert HomeSafetyAction.objects.filter(item="living_rugs", found_by_check=third).count() == 1


def test_every_clinical_role_may_record_a_check(team):
    patient = make_patient(team)
    for n, role in enumerate(CLINICAL_ROLES):
        record(patient, member(team, role), checked_on=date(2026, 11, 10 + n))
    assert HomeSafetyCheck.objects.count() == 4


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"checked_on": date(2026, 11, 22)}, {"checked_on": ["This date is in the future."]}),
        (
            {"checked_on": date(1949, 12, 31)},
            {"checked_on": ["This date is before the patient's date of birth."]},
        ),
        ({"how": "by_letter"}, {"how": ["Choose one of the options."]}),
        ({"answers": {}}, {"answers": ["Answer at least one item of the checklist."]}),
        (
            {"answers": {"living_rugs": "hazard", "garden_pond": "hazard"}},
            {"answers": ["Not on the checklist: unknown checklist items: garden_pond"]},
        ),
        (
            {"answers": {"living_rugs": "hazard", "stairs_rails": "maybe"}},
            {"answers": ["Not on the checklist: unknown answers: stairs_rails='maybe'"]},
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(team, fields, errors):
    patient = make_patient(team)
    with pytest.raises(ValidationError) as error:
        record(patient, member(team, Role.NURSE), **fields)
    assert error.value.message_dict == errors
    assert not HomeSafetyCheck.objects.exists()
    assert not HomeSafetyAction.objects.exists()
    assert not AuditEvent.objects.filter(target__startswith="homesafety.").exists()


def test_an_invalid_recheck_leaves_the_earlier_actions_open_and_nothing_half_saved(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    record(patient, nurse)
    with pytest.raises(ValidationError):
        # the rug would be resolved and the lamp added, but one answer is invalid
        record(
            patient,
            nurse,
            checked_on=date(2026, 11, 20),
            answers={"living_rugs": "ok", "bedroom_lamp": "hazard", "stairs_rails": "yes"},
        )
    assert HomeSafetyCheck.objects.count() == 1
    assert sorted(actions(patient)) == ["bathroom_grab_bath", "general_phone", "living_rugs"]
    assert all(a.is_open for a in actions(patient).values())
    assert AuditEvent.objects.filter(target="homesafety.HomeSafetyCheck").count() == 1


def test_a_check_cannot_be_dated_before_the_latest_check(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    record(patient, nurse, checked_on=date(2026, 11, 10))
    with pytest.raises(ValidationError) as error:
        record(patient, nurse, checked_on=date(2026, 11, 9))
    assert error.value.message_dict == {
        "checked_on": ["The latest check is dated 2026-11-10; this one cannot be earlier."]
    }
    record(patient, nurse, checked_on=date(2026, 11, 10))  # the same day is fine
    assert HomeSafetyCheck.objects.count() == 2


def test_roles_that_may_not_edit_the_record_do_not_record_checks(team):
    patient = make_patient(team, login=True)
    organisation = team.site.organisation
    for user in (
        make_user(Role.LEAD, organisation),
        make_user(Role.ADMIN, organisation),
        login_of(patient),
        make_caregiver(patient, parts=[Part.PLAN]),
    ):
        with pytest.raises(ValidationError) as error:
            record(patient, user)
        assert error.value.messages == [
            "Only the care team's clinicians record home safety checks."
        ], user.role
    assert not HomeSafetyCheck.objects.exists()


def test_the_patient_marks_their_own_action_done_and_it_is_audited(team):
    patient = make_patient(team, login=True)
    record(patient, member(team, Role.NURSE))
    rugs = actions(patient)["living_rugs"]
    done = home_safety_action_done(action=rugs, by=login_of(patient), done_on=date(2026, 11, 21))
    rugs.refresh_from_db()
    assert (rugs.done_on, rugs.done_by, rugs.is_open, done.pk) == (
        date(2026, 11, 21),
        login_of(patient),
        False,
        rugs.pk,
    )
    event = AuditEvent.objects.get(target="homesafety.HomeSafetyAction")
    assert (event.action, event.user, event.patient_id, event.object_id) == (
        "update",
        login_of(patient),
        patient.pk,
        str(rugs.pk),
    )
    assert event.changes == {
        "done_on": [None, "2026-11-21"],
        "done_by_id": [None, login_of(patient).pk],
    }


def test_who_may_mark_which_actions_done(team):
    patient = make_patient(team, login=True)
    record(patient, member(team, Role.NURSE))
    found = actions(patient)
    with_plan = make_caregiver(patient, parts=[Part.PLAN])
    # a caregiver with the plan shared closes a caregiver's action
    home_safety_action_done(
        action=found["bathroom_grab_bath"], by=with_plan, done_on=date(2026, 11, 20)
    )
    # the nurse's own action: not the patient's nor the caregiver's to close
    for user in (login_of(patient), with_plan):
        with pytest.raises(ValidationError) as error:
            home_safety_action_done(
                action=found["general_phone"], by=user, done_on=date(2026, 11, 20)
            )
        assert error.value.messages == ["The care team marks the nurse's actions done."]
    other = make_patient(team, login=True)
    without_plan = make_caregiver(patient, parts=[Part.PROGRESS])
    organisation = team.site.organisation
    for user in (login_of(other), without_plan, make_user(Role.LEAD, organisation)):
        with pytest.raises(ValidationError) as error:
            home_safety_action_done(
                action=found["living_rugs"], by=user, done_on=date(2026, 11, 20)
            )
        assert error.value.messages == ["You may not mark this action done."], user.role
    # the care team closes any action
    home_safety_action_done(
        action=found["general_phone"], by=member(team, Role.NURSE), done_on=date(2026, 11, 21)
    )
    assert sorted(a.item for a in HomeSafetyAction.objects.filter(done_on__isnull=False)) == [
        "bathroom_grab_bath",
        "general_phone",
    ]


def test_a_caregiver_without_family_sharing_consent_may_not_mark_done(team):
    patient = make_patient(team, login=True)
    record(patient, member(team, Role.NURSE))
    no_consent = make_caregiver(patient, parts=list(Part), consent=False)
    with pytest.raises(ValidationError):
        home_safety_action_done(
            action=actions(patient)["living_rugs"], by=no_consent, done_on=date(2026, 11, 20)
        )
    assert actions(patient)["living_rugs"].is_open


@pytest.mark.parametrize(
    ("done_on", "errors"),
    [
        (date(2026, 11, 22), {"done_on": ["This date is in the future."]}),
        (
            date(2026, 11, 9),
            {"done_on": ["An action cannot be done before the check that found the hazard."]},
        ),
    ],
)
def test_a_bad_done_date_is_refused_naming_the_field(team, done_on, errors):
    patient = make_patient(team)
    record(patient, member(team, Role.NURSE))
    rugs = actions(patient)["living_rugs"]
    with pytest.raises(ValidationError) as error:
        home_safety_action_done(action=rugs, by=member(team, Role.NURSE), done_on=done_on)
    assert error.value.message_dict == errors
    rugs.refresh_from_db()
    assert rugs.is_open
    assert not AuditEvent.objects.filter(target="homesafety.HomeSafetyAction").exists()


def test_a_closed_action_is_not_marked_done_again(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    record(patient, nurse)
    found = actions(patient)
    home_safety_action_done(action=found["general_phone"], by=nurse, done_on=date(2026, 11, 20))
    with pytest.raises(ValidationError) as error:
        home_safety_action_done(action=found["general_phone"], by=nurse, done_on=date(2026, 11, 21))
    assert error.value.messages == ["This action is already done."]
    record(patient, nurse, checked_on=date(2026, 11, 20), answers={"living_rugs": "ok"})
    with pytest.raises(ValidationError) as error:
        home_safety_action_done(action=found["living_rugs"], by=nurse, done_on=date(2026, 11, 21))
    assert error.value.messages == ["A later check already found this hazard resolved."]
