import re
from datetime import UTC, date, datetime, time

import pytest
from django.core import mail
from django.utils import timezone, translation

from osteorehab.accounts.domain import Part
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.followup.tests.makers import start_program
from osteorehab.reminders import services
from osteorehab.reminders.domain import Channel
from osteorehab.reminders.models import Notification, ReminderPreference, SentReminder
from osteorehab.reminders.sources import HOME_SAFETY_PATIENT
from osteorehab.reminders.tasks import send_reminders
from tests.factories import login_of, make_caregiver, make_patient

from .makers import make_action, make_assignment, make_follow_up, make_plan, record

pytestmark = pytest.mark.django_db

SATURDAY = date(2026, 11, 21)
TEXT = "A home safety task is due. Please have a look."


def prefer(user, **fields):
    return ReminderPreference.objects.update_or_create(user=user, defaults=fields)[0]


def keys_sent(user=None):
    rows = SentReminder.objects.all() if user is None else SentReminder.objects.filter(user=user)
    return sorted(rows.values_list("key", flat=True))


def test_the_job_emails_a_due_reminder_once_and_never_twice(team, time_machine):
    patient = make_patient(team, login=True)
    action = make_action(patient, due_on=SATURDAY)
    send_reminders()
    [email] = mail.outbox
    user = login_of(patient)
    assert email.to == [user.email]
    assert email.subject == "OsteoRehab reminder"
    assert TEXT in email.body
    assert f"http://127.0.0.1:8000/patients/{patient.pk}/home-safety/" in email.body
    assert "http://127.0.0.1:8000/me/reminders/" in email.body
    sent = SentReminder.objects.get()
    assert (sent.user, sent.key, sent.kind, sent.channels) == (
        user,
        f"homesafety:{action.pk}:2026-11-21",
        "home_safety",
        ["email", "in_app"],
    )
    send_reminders()
    time_machine.move_to("2026-11-21 10:15:00+00:00", tick=False)
    send_reminders()
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=False)  # still overdue on Monday
    send_reminders()
    assert len(mail.outbox) == 1
    assert SentReminder.objects.count() == 1
    assert Notification.objects.count() == 1


def test_nothing_due_sends_nothing(team):
    patient = make_patient(team, login=True)
    make_action(patient, due_on=date(2026, 11, 30))
    assert services.reminders_send(now=timezone.now()) == 0
    assert mail.outbox == []
    assert not SentReminder.objects.exists()


def test_the_email_is_in_the_recipients_language(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    user.preferred_language = "zh-hans"
    user.save()
    make_action(patient, due_on=SATURDAY)
    send_reminders()
    with translation.override("zh-hans"):
        expected = translation.gettext(HOME_SAFETY_PATIENT)
        subject = translation.gettext("OsteoRehab reminder")
    [email] = mail.outbox
    assert email.subject == subject
    assert expected in email.body
    notification = Notification.objects.get()
    assert (notification.text_zh, notification.text_en) == (expected, TEXT)


def test_nothing_goes_in_quiet_hours_and_it_goes_when_they_end(team, time_machine):
    patient = make_patient(team, login=True)
    make_action(patient, due_on=SATURDAY)
    time_machine.move_to("2026-11-21 21:00:00+00:00", tick=False)  # default quiet 21:00-08:00
    send_reminders()
    time_machine.move_to("2026-11-22 07:45:00+00:00", tick=False)
    send_reminders()
    assert mail.outbox == []
    time_machine.move_to("2026-11-22 08:00:00+00:00", tick=False)
    send_reminders()
    assert len(mail.outbox) == 1


def test_the_patients_own_quiet_hours_are_kept(team, time_machine):
    patient = make_patient(team, login=True)
    prefer(login_of(patient), quiet_start=time(9, 30), quiet_end=time(11, 0))
    make_action(patient, due_on=SATURDAY)
    send_reminders()  # 10:00
    assert mail.outbox == []
    time_machine.move_to("2026-11-21 11:00:00+00:00", tick=False)
    send_reminders()
    assert len(mail.outbox) == 1


def test_no_more_than_the_daily_cap_and_the_rest_the_next_day(team, time_machine):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    prefer(user, max_per_day=2)
    oldest = make_action(patient, due_on=date(2026, 11, 10))
    older = make_action(patient, due_on=date(2026, 11, 15))
    newest = make_action(patient, due_on=SATURDAY)
    send_reminders()
    assert keys_sent() == sorted(
        [f"homesafety:{oldest.pk}:2026-11-10", f"homesafety:{older.pk}:2026-11-15"]
    )
    time_machine.move_to("2026-11-21 20:45:00+00:00", tick=False)
    send_reminders()
    assert len(mail.outbox) == 2
    time_machine.move_to("2026-11-22 08:00:00+00:00", tick=False)
    send_reminders()
    assert len(mail.outbox) == 3
    assert keys_sent()[-1] == f"homesafety:{newest.pk}:2026-11-21"
    assert len(keys_sent()) == 3


def test_in_app_only_records_a_notification_and_sends_no_email(team, client):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    prefer(user, by_email=False, in_app=True)
    make_assignment(patient, due_on=date(2026, 11, 22))
    assert services.reminders_send(now=timezone.now()) == 1
    assert mail.outbox == []
    notification = Notification.objects.get()
    assert (notification.user, notification.text_en, notification.url, notification.read_at) == (
        user,
        "You have a lesson to finish by 2026-11-22.",
        "/me/lessons/",
        None,
    )
    assert SentReminder.objects.get().channels == ["in_app"]


def test_text_messages_go_through_the_chosen_sender(team, sms_outbox):
    patient = make_patient(team, login=True)
    prefer(login_of(patient), by_email=False, in_app=False, by_sms=True, phone="+44 7700 900123")
    make_action(patient, due_on=SATURDAY)
    send_reminders()
    assert sms_outbox == [
        ("+44 7700 900123", f"{TEXT} http://127.0.0.1:8000/patients/{patient.pk}/home-safety/")
    ]
    assert mail.outbox == []
    assert not Notification.objects.exists()
    send_reminders()
    assert len(sms_outbox) == 1


def test_the_console_sender_logs_the_text_with_the_phone_masked(team, settings, caplog):
    settings.SMS_SENDER = "osteorehab.reminders.sms.ConsoleSender"
    patient = make_patient(team, login=True)
    prefer(login_of(patient), by_sms=True, phone="+44 7700 900123")
    make_action(patient, due_on=SATURDAY)
    send_reminders()
    [logged] = [r.getMessage() for r in caplog.records if r.name == "osteorehab.reminders.sms"]
    assert TEXT in logged
    assert "…23" in logged
    assert "7700" not in logged
    assert patient.family_name not in logged


def test_two_workers_racing_on_the_same_reminder_send_it_once(team, monkeypatch):
    """Worker A decides what to send; before it records anything, worker B (which read the same
    state) records and sends the same reminder. A's insert then fails on the unique constraint
    and A sends nothing."""
    patient = make_patient(team, login=True)
    make_action(patient, due_on=SATURDAY)
    decide = services.to_send

    def decide_then_lose_the_race(*args, **kwargs):
        chosen = decide(*args, **kwargs)
        monkeypatch.setattr(services, "to_send", decide)
        assert services.reminders_send(now=timezone.now()) == 1  # worker B, first
        return chosen

    monkeypatch.setattr(services, "to_send", decide_then_lose_the_race)
    assert services.reminders_send(now=timezone.now()) == 0  # worker A, second
    assert len(mail.outbox) == 1
    assert SentReminder.objects.count() == 1
    assert Notification.objects.count() == 1


def test_a_claim_is_granted_once_and_a_refused_claim_leaves_the_transaction_usable(team):
    patient = make_patient(team, login=True)
    make_action(patient, due_on=SATURDAY)
    [due] = services.due_now(timezone.localtime())
    user = login_of(patient)
    channels = frozenset({Channel.IN_APP})
    assert services.reminder_claim(user=user, due=due, channels=channels, now=timezone.now())
    assert not services.reminder_claim(user=user, due=due, channels=channels, now=timezone.now())
    assert SentReminder.objects.count() == 1  # still queryable after the refused insert
    assert Notification.objects.count() == 1


def test_nobody_inactive_and_nobody_whose_episode_ended_is_reminded(team):
    inactive = make_patient(team, login=True)
    user = login_of(inactive)
    user.is_active = False
    user.save()
    make_action(inactive, due_on=SATURDAY)
    ended = make_patient(team, login=True)
    make_action(ended, due_on=SATURDAY)
    ended.episodes.update(status="withdrawn", end_reason="Moved away")
    send_reminders()
    assert mail.outbox == []
    assert not SentReminder.objects.exists()


def test_a_reminder_with_no_way_to_reach_the_user_is_not_recorded(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    user.email = ""
    user.save()
    prefer(user, by_email=True, in_app=False)
    make_action(patient, due_on=SATURDAY)
    send_reminders()
    assert not SentReminder.objects.exists()
    prefer(user, in_app=True)  # once they can be reached, it goes
    send_reminders()
    assert SentReminder.objects.get().channels == ["in_app"]


def test_a_caregiver_gets_the_caregivers_action_and_the_patient_their_own(team):
    patient = make_patient(team, login=True)
    caregiver = make_caregiver(patient, parts=[Part.PLAN])
    make_action(patient, owner="caregiver", due_on=SATURDAY)
    send_reminders()
    [email] = mail.outbox
    assert email.to == [caregiver.email]
    assert "for the person you support" in email.body
    assert patient.family_name not in email.body


def test_the_job_runs_every_quarter_of_an_hour():
    job = send_reminders.task_class()
    assert job.validate_datetime(datetime(2026, 11, 21, 10, 15, tzinfo=UTC))
    assert job.validate_datetime(datetime(2026, 11, 21, 10, 45, tzinfo=UTC))
    assert not job.validate_datetime(datetime(2026, 11, 21, 10, 7, tzinfo=UTC))


def _band_words() -> set[str]:
    words = set()
    for instrument in INSTRUMENTS.values():
        words.add(instrument.name.lower())
        for banding in instrument.bandings:
            words.update(band.label.lower() for band in banding.bands)
    return words


def test_no_reminder_carries_clinical_detail(team, time_machine, sms_outbox):
    """Everything a patient can be reminded of, with scores on record: no reminder, in any
    channel or language, names an instrument, a band or a score."""
    time_machine.move_to("2026-11-21 17:15:00+00:00", tick=False)
    patient = make_patient(team, login=True)
    user = login_of(patient)
    prefer(user, by_sms=True, phone="+44 7700 900123", max_per_day=5)
    start_program(patient, date(2026, 11, 7))  # the check-up is due today
    phq9 = record(patient, "phq9", [2, 2, 2, 2, 2, 2, 2, 2, 1], date(2026, 11, 1))
    gad7 = record(patient, "gad7", [2, 2, 2, 2, 2, 1, 1], date(2026, 11, 1))
    record(patient, "short_fes_i", [4, 4, 3, 4, 3, 4, 4], date(2026, 11, 1))
    record(patient, "confidence", [3], date(2026, 11, 1))
    assert (phq9.total, phq9.band, gad7.total, gad7.band) == (
        17,
        "moderately_severe",
        12,
        "moderate",
    )
    make_action(patient, due_on=SATURDAY)
    make_assignment(patient, due_on=date(2026, 11, 22))
    make_plan(patient, ["sit_to_stand"])
    make_follow_up(patient, datetime(2026, 11, 22, 9, 30, tzinfo=UTC))
    caregiver = make_caregiver(patient, parts=[Part.PLAN])
    make_action(patient, owner="caregiver", due_on=SATURDAY)
    assert services.reminders_send(now=timezone.now()) == 6  # five to the patient, one to family
    notifications = Notification.objects.all()
    texts = [e.subject + "\n" + e.body for e in mail.outbox]
    texts += [text for _phone, text in sms_outbox]
    texts += [n.text_en for n in notifications] + [n.text_zh for n in notifications]
    assert len(texts) == 6 + 5 + 12
    assert {e.to[0] for e in mail.outbox} == {user.email, caregiver.email}
    band_words = _band_words()
    for text in texts:
        plain = re.sub(r"https?://\S+", "", text).lower()
        for word in band_words:
            assert not re.search(rf"\b{re.escape(word)}\b", plain), (word, text)
        for score in ("17", "12", "26", "3"):
            assert not re.search(rf"\b{score}\b", plain), (score, text)
        for clinical in ("phq", "gad", "fes", "depress", "anxi", "osteopor", "fracture", "fall"):
            assert clinical not in plain, (clinical, text)
        assert patient.family_name.lower() not in plain
