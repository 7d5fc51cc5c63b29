from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from osteorehab.accounts.domain import CaregiverAction, Part, Role
from osteorehab.family import views
from osteorehab.family.models import Encouragement
from osteorehab.homesafety.services import home_safety_check_record
from osteorehab.patients.models import Caregiver, ConsentKind
from osteorehab.plans.models import CarePlan, PlanVersion
from osteorehab.plans.services import goal_create, goal_rate
from tests.factories import (
    client_for,
    login_of,
    make_caregiver,
    make_patient,
    make_user,
    member,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-9"
INVITATION = {
    "name": "Tom Lee",
    "relationship": "Son",
    "phone": "",
    "email": "tom@example.org",
    "shared_parts": ["plan"],
    "allowed_actions": ["receive_alerts"],
}


def url(name, *args):
    return reverse(f"family:{name}", args=args)


def invited(patient, **data):
    """The patient invites through the page; the page's context carries the code shown."""
    response = client_for(login_of(patient)).post(
        reverse("patients:caregiver-invite", args=[patient.pk]), {**INVITATION, **data}
    )
    assert response.status_code == 200, response.context["form"].errors
    return response


def join(client, code, username="tomlee", **extra):
    return client.post(
        url("join"),
        {"code": code, "username": username, "password": PASSWORD, "password_again": PASSWORD},
        **extra,
    )


def plan_version(patient, number, items, *, waiting=False):
    plan, _ = CarePlan.objects.get_or_create(patient=patient)
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        content={
            "items": [
                {"exercise": code, "days": days, "dose": dose, "reason": ["test", {}]}
                for code, days, dose in items
            ]
        },
        reason="test",
        author=member(patient.care_team, Role.THERAPIST),
        author_role="therapist",
        needs_approval=waiting,
    )


def test_the_invite_form_asks_what_they_see_and_do_and_says_inviting_is_consent(team):
    patient = make_patient(team, login=True)
    page = client_for(login_of(patient)).get(
        reverse("patients:caregiver-invite", args=[patient.pk])
    )
    body = page.content.decode()
    for value in ("program", "medical", "plan", "log", "progress"):
        assert f'name="shared_parts" value="{value}"' in body
    for value in ("log_on_behalf", "receive_alerts"):
        assert f'name="allowed_actions" value="{value}"' in body
    assert 'name="email"' in body
    assert "By inviting someone, you agree that they may see the parts" in body


def test_the_share_page_changes_what_they_see_and_do(team):
    patient = make_patient(team, login=True)
    make_caregiver(patient, parts=[Part.PLAN])
    caregiver = Caregiver.objects.get()
    share = reverse("patients:caregiver-share", args=[patient.pk, caregiver.pk])
    client = client_for(login_of(patient))
    body = client.get(share).content.decode()
    assert 'name="shared_parts" value="plan"' in body
    assert 'name="allowed_actions"' in body
    client.post(share, {"shared_parts": ["log"], "allowed_actions": ["log_on_behalf"]})
    caregiver.refresh_from_db()
    assert (caregiver.shared_parts, caregiver.allowed_actions) == (["log"], ["log_on_behalf"])


def test_a_patient_invites_by_email_and_the_caregiver_joins_with_the_code_once(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    patient = make_patient(team, login=True, family_name="Lee", given_name="Ann")
    with django_capture_on_commit_callbacks(execute=True):
        page = invited(patient)
    code = page.context["code"]
    assert len(code) == 9
    assert code[4] == "-"
    body = page.content.decode()
    assert code in body
    assert "http://testserver/family/join/" in body
    assert "We are sending the invitation link to tom@example.org." in body
    assert "The code works once, until 2026-11-28." in body
    caregiver = Caregiver.objects.get()
    assert (caregiver.shared_parts, caregiver.allowed_actions) == (["plan"], ["receive_alerts"])
    assert list(
        patient.consents.filter(kind=ConsentKind.FAMILY_SHARING).values_list("granted", "taken_by")
    ) == [(True, patient.user_id)]
    (mail,) = mailoutbox
    assert page.context["link"].removeprefix("http://testserver") in mail.body
    assert "Ann has invited you" in mail.body
    assert "Lee" not in mail.body.replace("Tom Lee", "")  # the family name is not in it
    assert "plan" not in mail.body.lower()

    anonymous = Client()
    assert anonymous.get(url("join")).status_code == 200
    response = join(anonymous, code.lower())
    assert response["Location"] == reverse("accounts:login")
    caregiver.refresh_from_db()
    assert caregiver.user is not None
    assert (caregiver.user.username, caregiver.user.email) == ("tomlee", "tom@example.org")
    again = join(Client(), code, username="someoneelse")
    assert again.status_code == 400
    assert again.context["form"].errors["code"] == [
        "This code does not work. Check it and try again: it works once only, for 7 days. "
        "If it still does not work, ask for a new one."
    ]
    assert Client().get(page.context["link"]).status_code == 404  # the link is used up too


def test_an_expired_code_is_refused(team, time_machine):
    patient = make_patient(team, login=True)
    code = invited(patient).context["code"]
    time_machine.shift(timedelta(days=7, seconds=1))
    assert join(Client(), code).status_code == 400
    assert not Caregiver.objects.filter(user__isnull=False).exists()


def test_wrong_codes_are_limited_to_five_per_address_for_a_quarter_of_an_hour(team, time_machine):
    patient = make_patient(team, login=True)
    code = invited(patient).context["code"]
    client = Client()
    for _ in range(5):
        assert join(client, "ZZZZ-ZZZZ").status_code == 400
    blocked = join(client, code)  # even the right code, while blocked
    assert blocked.status_code == 429
    assert "Too many wrong codes. Wait 15 minutes" in blocked.content.decode()
    assert not Caregiver.objects.filter(user__isnull=False).exists()
    # another address is not blocked by this one
    assert join(Client(), "ZZZZ-ZZZZ", REMOTE_ADDR="10.0.0.9").status_code == 400
    time_machine.shift(timedelta(minutes=15, seconds=1))
    assert join(client, code).status_code == 302


def test_wrong_codes_from_many_addresses_are_limited_site_wide(team, monkeypatch):
    monkeypatch.setattr(views, "JOIN_TRIES_SITE_WIDE", 3)
    patient = make_patient(team, login=True)
    code = invited(patient).context["code"]
    for n in range(3):
        assert join(Client(), "ZZZZ-ZZZZ", REMOTE_ADDR=f"10.0.0.{n}").status_code == 400
    assert join(Client(), code, REMOTE_ADDR="10.0.1.1").status_code == 429


def test_a_mistyped_password_does_not_count_as_a_wrong_code(team):
    patient = make_patient(team, login=True)
    code = invited(patient).context["code"]
    client = Client()
    for _ in range(6):
        response = client.post(
            url("join"),
            {"code": code, "username": "t", "password": PASSWORD, "password_again": "x"},
        )
        assert response.status_code == 400
    assert join(client, code).status_code == 302


def test_a_caregiver_with_a_login_joins_a_second_person_with_just_the_code(team):
    first = make_patient(team, login=True)
    second = make_patient(team, login=True, family_name="Second")
    helper = make_caregiver(first, parts=[Part.PLAN])
    code = invited(second).context["code"]
    client = client_for(helper)
    assert 'name="username"' not in client.get(url("join")).content.decode()
    response = client.post(url("join"), {"code": code})
    assert response["Location"] == url("person", second.pk)
    assert client.get(url("person", second.pk)).status_code == 200
    home = client.get(reverse("patients:family")).content.decode()
    assert "Second" in home
    assert url("person", second.pk) in home


def test_the_caregiver_sees_this_weeks_plan_and_family_tasks_but_not_the_goals(team):
    patient = make_patient(team, login=True)
    plan_version(patient, 1, [("brisk_walking", [0, 2, 4], {"minutes": 10})])
    plan_version(patient, 2, [("sit_to_stand", [1], {"sets": 1, "reps": 8})], waiting=True)
    home_safety_check_record(
        patient=patient,
        by=member(team, Role.NURSE),
        checked_on=date(2026, 11, 10),
        how="in_person",
        answers={"entrance_rail": "hazard", "bathroom_seat": "hazard"},
    )
    goal_create(
        patient=patient,
        by=member(team, Role.THERAPIST),
        statement="Zzgoal walk to the market",
        phase="medium",
        importance=2,
        difficulty=2,
        level_minus_2="a",
        level_minus_1="b",
        level_0="c",
        level_plus_1="d",
        level_plus_2="e",
    )
    client = client_for(make_caregiver(patient, parts=[Part.PLAN]))
    page = client.get(url("person", patient.pk))
    week = page.context["week"]
    assert [day.on for day in week] == [date(2026, 11, 16) + timedelta(days=n) for n in range(7)]
    assert [[s.exercise for s in day.sessions] for day in week] == [
        ["Brisk walking"],
        [],
        ["Brisk walking"],
        [],
        ["Brisk walking"],
        [],
        [],
    ]
    assert [day.is_today for day in week] == [False] * 5 + [True, False]
    body = page.content.decode()
    assert "Monday" in body
    assert "10 minutes" in body
    assert "Sit to stand" not in body  # version 2 waits for the physician's approval
    assert [a.item for a in page.context["tasks"]] == ["entrance_rail"]  # not the nurse's
    assert "Fit a firm handrail beside the outside steps." in body
    assert "Zzgoal" not in body
    assert url("goals", patient.pk) not in body
    assert client.get(url("goals", patient.pk)).status_code == 403


def test_with_progress_shared_the_goals_show_in_the_patients_words(team):
    patient = make_patient(team, login=True)
    therapist = member(team, Role.THERAPIST)
    goal = goal_create(
        patient=patient,
        by=therapist,
        statement="Walk to the market",
        phase="medium",
        importance=2,
        difficulty=2,
        level_minus_2="Stays home",
        level_minus_1="Walks to the door",
        level_0="Walks to the market with a stick",
        level_plus_1="Walks there and back",
        level_plus_2="Carries the shopping home",
    )
    goal_rate(goal=goal, by=therapist, level=0, rated_on=date(2026, 11, 21))
    plan_version(patient, 1, [("brisk_walking", [0], {"minutes": 10})])
    client = client_for(make_caregiver(patient, parts=[Part.PROGRESS]))
    person = client.get(url("person", patient.pk)).content.decode()
    assert url("goals", patient.pk) in person
    assert "Brisk walking" not in person  # the plan is not shared
    body = client.get(url("goals", patient.pk)).content.decode()
    assert "Walk to the market" in body
    assert "Walks to the market with a stick" in body


def test_withdrawing_consent_on_the_page_ends_every_caregivers_access_at_once(team):
    patient = make_patient(team, login=True)
    first = client_for(make_caregiver(patient, parts=list(Part)))
    second = client_for(make_caregiver(patient, parts=[Part.PLAN]))
    assert first.get(url("person", patient.pk)).status_code == 200
    me = client_for(login_of(patient))
    record = me.get(reverse("patients:record", args=[patient.pk])).content.decode()
    assert url("sharing", patient.pk) in record
    assert "Family sharing is on." in record
    assert "Stop all family sharing?" in me.get(url("sharing", patient.pk)).content.decode()
    stopped = me.post(url("sharing", patient.pk), {"granted": "0"})
    assert stopped["Location"] == reverse("patients:record", args=[patient.pk]) + "#family"
    for client in (first, second):
        assert client.get(url("person", patient.pk)).status_code == 404
        assert client.get(reverse("patients:record", args=[patient.pk])).status_code == 404
        assert client.get(url("goals", patient.pk)).status_code == 404
        assert client.get(url("encourage", patient.pk)).status_code == 404
    latest = patient.consents.filter(kind=ConsentKind.FAMILY_SHARING).latest("id")
    assert (latest.granted, latest.taken_by, latest.decided_on) == (
        False,
        patient.user,
        date(2026, 11, 21),
    )
    me.post(url("sharing", patient.pk), {"granted": "0"})  # pressed twice: nothing more
    assert patient.consents.filter(kind=ConsentKind.FAMILY_SHARING).count() == 3
    me.post(url("sharing", patient.pk), {"granted": "1"})
    assert first.get(url("person", patient.pk)).status_code == 200


def test_revoking_one_caregiver_ends_their_access_at_once(team):
    patient = make_patient(team, login=True)
    helper = make_caregiver(patient, parts=list(Part))
    client = client_for(helper)
    assert client.get(url("person", patient.pk)).status_code == 200
    caregiver = Caregiver.objects.get(user=helper)
    revoke = reverse("patients:caregiver-revoke", args=[patient.pk, caregiver.pk])
    assert client_for(login_of(patient)).post(revoke).status_code == 302
    assert client.get(url("person", patient.pk)).status_code == 404


def test_outsiders_and_caregivers_without_consent_are_not_found(team):
    patient = make_patient(team, login=True)
    other = make_patient(team, login=True)
    outsider = client_for(make_caregiver(other, parts=list(Part)))
    unconsented = client_for(make_caregiver(make_patient(team), parts=list(Part), consent=False))
    for client in (outsider, unconsented):
        for name in ("person", "goals", "encourage", "sharing"):
            assert client.get(url(name, patient.pk)).status_code == 404, name


def test_encouragement_reaches_the_patient_once_and_is_marked_seen(team):
    patient = make_patient(team, login=True)
    helper = make_caregiver(patient, parts=[Part.LOG])
    client = client_for(helper)
    assert client.get(url("encourage", patient.pk)).status_code == 200
    sent = client.post(url("encourage", patient.pk), {"text": "Zzkind words for your walk"})
    assert sent["Location"] == url("person", patient.pk)
    message = Encouragement.objects.get()
    assert (message.author, message.kind, message.seen_at) == (helper, "family", None)
    me = client_for(login_of(patient))
    first = me.get(reverse("patients:me")).content.decode()
    assert "Zzkind words for your walk" in first
    assert helper.full_name in first
    message.refresh_from_db()
    assert message.seen_at is not None
    second = me.get(reverse("patients:me")).content.decode()
    assert "Zzkind words" not in second
    assert "No new messages." in second
    assert "Zzkind words" in me.get(url("messages")).content.decode()


def test_the_care_team_encourages_from_the_record_and_others_may_not(team):
    patient = make_patient(team, login=True)
    nurse = client_for(member(team, Role.NURSE))
    record = nurse.get(reverse("patients:record", args=[patient.pk])).content.decode()
    assert url("encourage", patient.pk) in record
    sent = nurse.post(url("encourage", patient.pk), {"text": "Great progress this week."})
    assert sent["Location"] == reverse("patients:record", args=[patient.pk])
    assert Encouragement.objects.get().kind == "team"
    lead = client_for(make_user(Role.LEAD, team.site.organisation))
    assert lead.get(url("encourage", patient.pk)).status_code == 403
    nothing = client_for(make_caregiver(patient, parts=[]))
    assert nothing.get(url("encourage", patient.pk)).status_code == 403
    assert client_for(login_of(patient)).get(url("encourage", patient.pk)).status_code == 403
    long = nurse.post(url("encourage", patient.pk), {"text": "x" * 281})
    assert long.status_code == 400
    assert Encouragement.objects.count() == 1


def test_the_guide_renders_in_chinese(team):
    client = client_for(make_caregiver(make_patient(team, login=True), parts=[]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(url("guide")).content.decode()
    for words in (
        "支持锻炼",
        "居家安全巡查",
        "跌倒后怎么办",
        "照顾好自己",
        "髋关节铰链",
        "入口与室外台阶",
    ):
        assert words in body, words
    assert "What to do after a fall" not in body
    english = client_for(member(team, Role.NURSE)).get(url("guide")).content.decode()
    assert "What to do after a fall" in english
    assert "跌倒后怎么办" not in english


def test_a_new_code_replaces_the_old_one_for_a_pending_invitation_only(team):
    patient = make_patient(team, login=True)
    old = invited(patient).context["code"]
    caregiver = Caregiver.objects.get()
    me = client_for(login_of(patient))
    record = me.get(reverse("patients:record", args=[patient.pk])).content.decode()
    assert url("code-new", patient.pk, caregiver.pk) in record
    assert (
        "A new joining code for Tom Lee"
        in me.get(url("code-new", patient.pk, caregiver.pk)).content.decode()
    )
    new = me.post(url("code-new", patient.pk, caregiver.pk)).context["code"]
    assert new != old
    assert join(Client(), old).status_code == 400
    assert join(Client(), new).status_code == 302
    assert me.post(url("code-new", patient.pk, caregiver.pk)).status_code == 404  # taken up


def test_the_caregiver_home_leads_to_each_persons_page_the_guide_and_the_join_page(team):
    patient = make_patient(team, login=True)
    helper = make_caregiver(patient, parts=[Part.PLAN], actions=[CaregiverAction.RECEIVE_ALERTS])
    client = client_for(helper)
    home = client.get(reverse("patients:family")).content.decode()
    for link in (url("person", patient.pk), url("guide"), url("join")):
        assert link in home
    person = client.get(url("person", patient.pk)).content.decode()
    assert "Exercise and support plan" in person
    assert "be told at once of an urgent alert about them" in person
    assert url("guide") in person
    assert url("encourage", patient.pk) in person
