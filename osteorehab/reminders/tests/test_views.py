from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.reminders.models import Notification, ReminderPreference
from tests.factories import client_for, login_of, make_caregiver, make_patient, member

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("reminders:preferences")
NOTIFICATIONS = reverse("reminders:notifications")
READ = reverse("reminders:read")
CHOICE = {
    "channels": ["email", "in_app"],
    "quiet_start": "22:00",
    "quiet_end": "07:30",
    "max_per_day": "3",
    "phone": "",
}


def notify(user, text="You have a lesson to finish by 2026-11-22.", url="/me/lessons/", **kw):
    return Notification.objects.create(
        user=user, text_en=text, text_zh=f"中文 {text}", url=url, **kw
    )


def test_the_patient_sees_the_defaults_with_their_phone_filled_in(team):
    patient = make_patient(team, login=True, phone="+44 7700 900123")
    response = client_for(login_of(patient)).get(PREFERENCES)
    assert response.status_code == 200
    form = response.context["form"]
    values = {name: form[name].value() for name in form.fields}
    assert sorted(values.pop("channels")) == ["email", "in_app"]
    assert values == {
        "phone": "+44 7700 900123",
        "quiet_start": time(21, 0),
        "quiet_end": time(8, 0),
        "max_per_day": 2,
    }
    body = response.content.decode()
    assert 'type="time"' in body
    assert 'type="radio"' in body
    assert body.count('type="checkbox"') == 3


def test_the_patient_saves_their_choice_and_it_is_audited(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    client = client_for(user)
    response = client.post(
        PREFERENCES, {**CHOICE, "channels": ["email", "in_app", "sms"], "phone": "+44 7700 900123"}
    )
    assert response.status_code == 302
    assert response["Location"] == PREFERENCES
    saved = ReminderPreference.objects.get(user=user)
    assert (
        saved.by_email,
        saved.in_app,
        saved.by_sms,
        saved.phone,
        saved.quiet_start,
        saved.quiet_end,
        saved.max_per_day,
    ) == (True, True, True, "+44 7700 900123", time(22, 0), time(7, 30), 3)
    event = AuditEvent.objects.get(target="reminders.ReminderPreference")
    assert (event.user, event.action, event.changes["max_per_day"]) == (user, "create", [None, 3])
    client.post(PREFERENCES, {**CHOICE, "max_per_day": "1"})
    update = AuditEvent.objects.filter(target="reminders.ReminderPreference").first()
    assert update is not None
    assert update.action == "update"
    assert update.changes["max_per_day"] == [3, 1]
    assert update.changes["by_sms"] == [True, False]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"channels": ["sms"], "phone": ""},
            {"phone": ["Give a mobile phone number for text messages."]},
        ),
        (
            {"channels": ["sms"], "phone": "call me"},
            {"phone": ["Enter a phone number: digits, with + if needed."]},
        ),
        (
            {"max_per_day": "6"},
            {"max_per_day": ["Select a valid choice. 6 is not one of the available choices."]},
        ),
        (
            {"max_per_day": "0"},
            {"max_per_day": ["Select a valid choice. 0 is not one of the available choices."]},
        ),
        ({"quiet_start": ""}, {"quiet_start": ["This field is required."]}),
        ({"quiet_end": "25:00"}, {"quiet_end": ["Enter a valid time."]}),
        (
            {"channels": ["pigeon"]},
            {"channels": ["Select a valid choice. pigeon is not one of the available choices."]},
        ),
    ],
)
def test_a_wrong_choice_is_refused_on_its_field_and_nothing_saved(team, change, errors):
    patient = make_patient(team, login=True)
    response = client_for(login_of(patient)).post(PREFERENCES, {**CHOICE, **change})
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert not ReminderPreference.objects.exists()


def test_choosing_no_channel_turns_reminders_off(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    response = client_for(user).post(PREFERENCES, {**CHOICE, "channels": []})
    assert response.status_code == 302
    saved = ReminderPreference.objects.get(user=user)
    assert (saved.by_email, saved.in_app, saved.by_sms) == (False, False, False)
    assert saved.to_domain().channels == frozenset()


def test_a_caregiver_chooses_their_own_reminders(team):
    patient = make_patient(team, login=True)
    caregiver = make_caregiver(patient, parts=[Part.PLAN])
    client = client_for(caregiver)
    assert client.get(PREFERENCES).status_code == 200
    assert client.post(PREFERENCES, CHOICE).status_code == 302
    assert ReminderPreference.objects.get().user == caregiver


def test_the_care_team_has_no_reminder_pages_and_strangers_must_log_in(team):
    nurse = client_for(member(team, Role.NURSE))
    assert nurse.get(PREFERENCES).status_code == 403
    assert nurse.get(NOTIFICATIONS).status_code == 403
    response = client_for(None).get(PREFERENCES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_notifications_are_listed_newest_first_in_the_readers_language(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    older = notify(user, "Older one.", created_at=timezone.now() - timedelta(days=1))
    newer = notify(user, "Newer one.")
    notify(member(team, Role.NURSE), "Not theirs.")
    client = client_for(user)
    response = client.get(NOTIFICATIONS)
    assert list(response.context["notifications"]) == [newer, older]
    body = response.content.decode()
    assert body.index("Newer one.") < body.index("Older one.")
    assert "Not theirs." not in body
    chinese = client.get(NOTIFICATIONS, headers={"accept-language": "zh-hans"}).content.decode()
    assert "中文 Newer one." in chinese


def test_marking_one_read_and_opening_one(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    first, second = notify(user), notify(user, url="/me/questionnaires/")
    client = client_for(user)
    response = client.post(READ, {"notification": first.pk})
    assert response["Location"] == NOTIFICATIONS
    first.refresh_from_db()
    assert first.read_at == timezone.now()
    response = client.post(READ, {"notification": second.pk, "open": "1"})
    assert response["Location"] == "/me/questionnaires/"
    assert Notification.objects.unread().count() == 0


def test_opening_never_leaves_the_site(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    elsewhere = notify(user, url="https://evil.example.org/")
    response = client_for(user).post(READ, {"notification": elsewhere.pk, "open": "1"})
    assert response["Location"] == NOTIFICATIONS


def test_marking_all_read_and_the_wrong_method_and_someone_elses(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    notify(user)
    notify(user)
    other = notify(login_of(make_patient(team, login=True)))
    client = client_for(user)
    assert client.get(READ).status_code == 405
    assert client.post(READ, {"notification": other.pk}).status_code == 404
    assert client.post(READ, {"notification": "x"}).status_code == 404
    assert Notification.objects.unread().count() == 3
    assert client.post(READ).status_code == 302  # none named: all of their own
    assert list(Notification.objects.unread()) == [other]


def test_the_unread_count_shows_in_the_nav_and_on_the_home_page_in_one_query(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    for _ in range(3):
        notify(user)
    notify(user, read_at=timezone.now())
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("patients:me"))
    body = response.content.decode()
    assert "Notifications (3" in body  # the nav
    assert "Notifications (3 new)" in body  # the home page's card
    counted = [q for q in queries.captured_queries if "reminders_notification" in q["sql"]]
    assert len(counted) == 1


def test_no_badge_and_no_query_for_the_care_team(team):
    client = client_for(member(team, Role.NURSE))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("patients:caseload"))
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "reminders_notification" in q["sql"]]
    assert "Notifications" not in response.content.decode()


def test_the_list_takes_the_same_queries_however_many_notifications(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    notify(user)
    client = client_for(user)
    with CaptureQueriesContext(connection) as one:
        client.get(NOTIFICATIONS)
    for _ in range(10):
        notify(user)
    with CaptureQueriesContext(connection) as eleven:
        client.get(NOTIFICATIONS)
    assert len(eleven.captured_queries) == len(one.captured_queries)
