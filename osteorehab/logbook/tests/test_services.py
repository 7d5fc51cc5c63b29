import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from osteorehab.accounts.domain import CaregiverAction, Part, Role
from osteorehab.alerts.models import Alert
from osteorehab.audit.models import AuditEvent
from osteorehab.logbook import services
from osteorehab.logbook.models import CheckIn, ExerciseLog, FallReport
from osteorehab.logbook.selectors import sessions
from osteorehab.plans.domain import Completion, Session
from tests.factories import (
    login_of,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

from .factories import check_in, log_exercise, make_plan, report_fall

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(team):
    patient = make_patient(team, login=True)
    make_plan(patient)
    return patient


def test_an_exercise_log_is_saved_with_one_audit_event_of_what_was_written(patient):
    key = uuid.uuid4()
    entry = log_exercise(patient, login_of(patient), client_key=key, load="")
    assert (entry.entered_by, entry.entered_as, entry.completion, entry.effort, entry.pain) == (
        login_of(patient),
        "patient",
        "done",
        4,
        1,
    )
    event = AuditEvent.objects.get(target="logbook.ExerciseLog")
    assert (event.action, event.user, event.patient_id, event.object_id) == (
        "create",
        login_of(patient),
        patient.pk,
        str(entry.pk),
    )
    assert event.changes == {
        "day": "2026-11-21",
        "exercise": "chin_tucks",
        "plan_version": 1,
        "completion": "done",
        "sets": None,
        "reps": None,
        "load": "",
        "minutes": 5,
        "effort": 4,
        "pain": 1,
        "skip_reason": "",
        "skip_other": "",
        "entered_as": "patient",
        "client_key": str(key),
    }


@pytest.mark.parametrize(
    ("write", "model"),
    [(log_exercise, ExerciseLog), (check_in, CheckIn), (report_fall, FallReport)],
    ids=["exercise", "check-in", "fall"],
)
def test_the_same_key_sent_twice_is_stored_once(patient, write, model):
    key = uuid.uuid4()
    first = write(patient, login_of(patient), client_key=key)
    again = write(patient, login_of(patient), client_key=key)
    assert again.pk == first.pk
    assert model.objects.count() == 1
    assert AuditEvent.objects.filter(target=model._meta.label).count() == 1


def test_a_retried_fall_with_injury_raises_its_alert_once(patient):
    key = uuid.uuid4()
    for _attempt in range(3):
        report_fall(patient, login_of(patient), client_key=key, injury=True)
    assert FallReport.objects.count() == 1
    assert list(Alert.objects.values_list("kind", flat=True)) == ["fall_injury"]


def test_the_same_key_from_another_patient_is_another_entry(team, patient):
    other = make_patient(team, login=True)
    key = uuid.uuid4()
    check_in(patient, login_of(patient), client_key=key)
    check_in(other, login_of(other), client_key=key)
    assert CheckIn.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"day": date(2026, 11, 22)}, {"day": ["This date is in the future."]}),
        ({"day": date(1949, 1, 1)}, {"day": ["This date is before the patient's date of birth."]}),
        (
            {"plan_version": 7},
            {"plan_version": ["This is not an approved version of the patient's plan."]},
        ),
        (
            {"exercise": "jumping_jacks"},
            {"exercise": ["This exercise is not in that version of the plan."]},
        ),
        ({"completion": "half"}, {"completion": ["Choose one of the options."]}),
        ({"effort": 11}, {"effort": ["Choose a number from 0 to 10."]}),
        ({"pain": -1}, {"pain": ["Choose a number from 0 to 10."]}),
        ({"minutes": -5}, {"minutes": ["Enter a whole number from 0 to 240."]}),
        ({"reps": 40_000}, {"reps": ["Enter a whole number from 0 to 200."]}),
        (
            {"skip_reason": "pain"},
            {"skip_reason": ["A reason is given only when the exercise was skipped."]},
        ),
        (
            {"completion": "skipped", "minutes": None, "effort": None, "pain": None},
            {"skip_reason": ["Choose one of the options."]},
        ),
        (
            {"completion": "skipped", "skip_reason": "fatigue", "effort": None, "pain": None},
            {"minutes": ["Leave this empty: the exercise was skipped."]},
        ),
        (
            {
                "completion": "skipped",
                "skip_reason": "fear",
                "skip_other": "dizzy",
                "minutes": None,
                "effort": None,
                "pain": None,
            },
            {"skip_other": ["Words are given only for another reason."]},
        ),
    ],
)
def test_a_bad_exercise_log_is_refused_naming_the_field(patient, fields, errors):
    with pytest.raises(ValidationError) as error:
        log_exercise(patient, login_of(patient), **fields)
    assert error.value.message_dict == errors
    assert not ExerciseLog.objects.exists()
    assert not AuditEvent.objects.filter(target="logbook.ExerciseLog").exists()


def test_a_skipped_exercise_keeps_its_reason_and_is_a_skip_for_pain_to_the_proposals(patient):
    log_exercise(patient, login_of(patient), effort=2, pain=1)
    log_exercise(
        patient,
        login_of(patient),
        completion="skipped",
        skip_reason="pain",
        minutes=None,
        effort=None,
        pain=None,
    )
    log_exercise(
        patient,
        login_of(patient),
        completion="skipped",
        skip_reason="other",
        skip_other=" visitors ",
        minutes=None,
        effort=None,
        pain=None,
    )
    assert ExerciseLog.objects.filter(skip_reason="other").get().skip_other == "visitors"
    assert sessions(patient, "chin_tucks") == [
        Session(Completion.DONE, 2, 1, False),
        Session(Completion.SKIPPED, None, None, True),
        Session(Completion.SKIPPED, None, None, False),
    ]


def test_a_version_waiting_for_approval_cannot_be_logged_against(patient):
    make_plan(patient, approved=False)  # version 2
    with pytest.raises(ValidationError) as error:
        log_exercise(patient, login_of(patient), plan_version=2)
    assert error.value.message_dict == {
        "plan_version": ["This is not an approved version of the patient's plan."]
    }
    assert log_exercise(patient, login_of(patient), plan_version=1).plan_version == 1


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"day": date(2026, 11, 22)}, {"day": ["This date is in the future."]}),
        ({"mood": 0}, {"mood": ["Choose a number from 1 to 5."]}),
        ({"mood": 6}, {"mood": ["Choose a number from 1 to 5."]}),
        ({"confidence": 11}, {"confidence": ["Choose a number from 0 to 10."]}),
        ({"fatigue": None}, {"fatigue": ["Choose a number from 0 to 10."]}),
        ({"pain": True}, {"pain": ["Choose a number from 0 to 10."]}),
        ({"sleep": "lovely"}, {"sleep": ["Choose one of the options."]}),
        ({"back_pain_new": "yes"}, {"back_pain_new": ["Answer yes or no."]}),
        ({"falls": 3}, {"falls": ["Choose a number from 0 to 2."]}),
        ({"near_falls": -1}, {"near_falls": ["Choose a number from 0 to 2."]}),
        (
            {"mood": 9, "pain": 12},
            {"mood": ["Choose a number from 1 to 5."], "pain": ["Choose a number from 0 to 10."]},
        ),
    ],
)
def test_a_bad_check_in_is_refused_naming_the_field(patient, fields, errors):
    with pytest.raises(ValidationError) as error:
        check_in(patient, login_of(patient), **fields)
    assert error.value.message_dict == errors
    assert not CheckIn.objects.exists()
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"happened_on": date(2026, 11, 22)}, {"happened_on": ["This date is in the future."]}),
        (
            {"happened_on": date(1950, 3, 13)},
            {"happened_on": ["This date is before the patient's date of birth."]},
        ),
        ({"place": "moon"}, {"place": ["Choose one of the options."]}),
        ({"injury": None}, {"injury": ["Answer yes or no."]}),
        ({"could_get_up": "no"}, {"could_get_up": ["Answer yes or no."]}),
        (
            {"injury_what": "wrist"},
            {"injury_what": ["Say what was hurt only when the fall caused an injury."]},
        ),
        (
            {"place_other": "the bus"},
            {"place_other": ["Words are given only for somewhere else."]},
        ),
    ],
)
def test_a_bad_fall_report_is_refused_naming_the_field_and_raises_nothing(patient, fields, errors):
    with pytest.raises(ValidationError) as error:
        report_fall(patient, login_of(patient), **fields)
    assert error.value.message_dict == errors
    assert not FallReport.objects.exists()
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("injury", "could_get_up", "kinds"),
    [
        (False, True, []),
        (True, True, ["fall_injury"]),
        (False, False, ["fall_cannot_get_up"]),
        (True, False, ["fall_cannot_get_up", "fall_injury"]),
    ],
)
def test_a_fall_raises_an_urgent_alert_for_the_nurse_and_physician_per_signal(
    patient, injury, could_get_up, kinds
):
    fall = report_fall(
        patient,
        login_of(patient),
        injury=injury,
        injury_what="left wrist" if injury else "",
        could_get_up=could_get_up,
    )
    alerts = Alert.objects.order_by("kind")
    assert [a.kind for a in alerts] == kinds
    for alert in alerts:
        assert (alert.patient, alert.urgent, alert.roles, alert.source) == (
            patient,
            True,
            ["nurse", "physician"],
            f"logbook.FallReport #{fall.pk}",
        )
    event = AuditEvent.objects.get(target="logbook.FallReport")
    assert [s["kind"] for s in event.changes["signals"]] == sorted(
        kinds, key=["fall_injury", "fall_cannot_get_up"].index
    )
    assert AuditEvent.objects.filter(target="alerts.Alert").count() == len(kinds)


@pytest.mark.parametrize(
    ("back_pain_new", "pain", "alerted"),
    [(True, 7, True), (True, 10, True), (True, 6, False), (False, 9, False), (False, 0, False)],
)
def test_new_back_pain_in_the_severe_band_raises_an_urgent_alert(
    patient, back_pain_new, pain, alerted
):
    entry = check_in(patient, login_of(patient), back_pain_new=back_pain_new, pain=pain)
    found = list(Alert.objects.values_list("kind", "roles", "source"))
    expected = [("severe_back_pain", ["nurse", "physician"], f"logbook.CheckIn #{entry.pk}")]
    assert found == (expected if alerted else [])


def test_an_alert_that_cannot_be_raised_leaves_no_fall_report(patient, monkeypatch):
    """The alert is in the report's transaction: never a report whose alert was lost."""

    def broken(**kwargs):
        raise RuntimeError("alert table unavailable")

    monkeypatch.setattr(services, "alert_raise", broken)
    with pytest.raises(RuntimeError):
        report_fall(patient, login_of(patient), injury=True)
    assert not FallReport.objects.exists()
    assert not AuditEvent.objects.filter(target="logbook.FallReport").exists()


# ---- On the patient's behalf ----


@pytest.mark.parametrize(
    ("via", "entered_as"), [("phone", "nurse_phone"), ("paper", "nurse_paper")]
)
def test_the_nurse_enters_on_the_patients_behalf_saying_how_she_heard(
    team, patient, via, entered_as
):
    nurse = member(team, Role.NURSE)
    entry = check_in(patient, nurse, via=via)
    assert (entry.entered_by, entry.entered_as, entry.on_behalf) == (nurse, entered_as, True)
    event = AuditEvent.objects.get(target="logbook.CheckIn")
    assert (event.user, event.changes["entered_as"]) == (nurse, entered_as)


def test_every_clinician_of_the_team_may_enter_but_must_say_how(team, patient):
    for role in (Role.COUNSELLOR, Role.THERAPIST, Role.PHYSICIAN, Role.NURSE):
        with pytest.raises(ValidationError) as error:
            report_fall(patient, member(team, role))
        assert error.value.message_dict == {
            "via": ["Say how you heard it: a phone call or the paper diary."]
        }
        report_fall(patient, member(team, role), via="paper")
    assert FallReport.objects.filter(entered_as="nurse_paper").count() == 4


def test_a_caregiver_allowed_to_log_enters_as_a_caregiver(patient):
    daughter = make_caregiver(patient, parts=[Part.LOG], actions=[CaregiverAction.LOG_ON_BEHALF])
    entry = log_exercise(patient, daughter, via="phone")  # "via" is the care team's: ignored
    assert (entry.entered_by, entry.entered_as) == (daughter, "caregiver")
    assert services.may_enter_for(daughter, patient)


@pytest.mark.parametrize(
    ("parts", "actions"),
    [
        ([Part.LOG], []),  # sees the log, not allowed to write it
        ([Part.PLAN], [CaregiverAction.LOG_ON_BEHALF]),  # allowed, but the log is not shared
        ([Part.LOG], [CaregiverAction.RECEIVE_ALERTS]),
    ],
)
def test_a_caregiver_without_both_the_log_and_the_leave_is_refused(patient, parts, actions):
    caregiver = make_caregiver(patient, parts=parts, actions=actions)
    for write in (log_exercise, check_in, report_fall):
        with pytest.raises(ValidationError) as error:
            write(patient, caregiver)
        assert error.value.messages == ["You may not enter this patient's log."]
    assert not services.may_enter_for(caregiver, patient)
    for model in (ExerciseLog, CheckIn, FallReport, Alert):
        assert not model.objects.exists(), model


def test_a_caregiver_whose_family_sharing_was_withdrawn_is_refused(patient):
    caregiver = make_caregiver(
        patient, parts=[Part.LOG], actions=[CaregiverAction.LOG_ON_BEHALF], consent=False
    )
    with pytest.raises(ValidationError):
        check_in(patient, caregiver)


def test_users_outside_the_patients_care_are_refused(team, patient):
    organisation = team.site.organisation
    other_team = make_team(organisation)
    other_patient = make_patient(team, login=True)
    for user in (
        make_user(Role.LEAD, organisation),
        make_user(Role.ADMIN, organisation),
        member(other_team, Role.NURSE),
        member(make_team(make_org()), Role.NURSE),
        login_of(other_patient),
    ):
        with pytest.raises(ValidationError) as error:
            check_in(patient, user, via="phone")
        assert error.value.messages == ["You may not enter this patient's log."], user.role
    assert not CheckIn.objects.exists()
