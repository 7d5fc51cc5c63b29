import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.contact.models import FollowUp, Message, ReadMark, Thread
from osteorehab.contact.selectors import unread_counts
from osteorehab.contact.services import (
    follow_up_cancel,
    follow_up_complete,
    follow_up_missed,
    follow_up_schedule,
    message_send,
    thread_read,
    thread_start,
)
from osteorehab.contact.tasks import notify_message
from osteorehab.patients.models import Consent, ConsentKind
from tests.factories import (
    login_of,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LINK = "https://video.clinic.example/room/7f3a"
SECRET = "Zzsecret: the new tablets make me dizzy"


def schedule(patient, by, **fields):
    defaults: dict[str, Any] = {
        "scheduled_at": MONDAY_10,
        "mode": "video",
        "with_role": "nurse",
        "video_link": LINK,
    }
    return follow_up_schedule(patient=patient, by=by, **(defaults | fields))


def errors(excinfo):
    return excinfo.value.message_dict if hasattr(excinfo.value, "error_dict") else None


# --- Follow-ups ----------------------------------------------------------------------------


def test_a_nurse_schedules_a_video_follow_up_and_it_is_audited(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    follow_up = schedule(patient, nurse)
    assert (follow_up.status, follow_up.mode, follow_up.video_link, follow_up.with_role) == (
        "scheduled",
        "video",
        LINK,
        "nurse",
    )
    event = AuditEvent.objects.get(target="contact.FollowUp")
    assert (event.action, event.user, event.patient_id, event.object_id) == (
        "create",
        nurse,
        patient.pk,
        str(follow_up.pk),
    )
    assert event.changes["mode"] == "video"
    assert event.changes["video_link"] == LINK
    assert event.changes["scheduled_at"].startswith("2026-11-23T10:00:00")


def test_a_phone_follow_up_needs_no_link_and_the_scheme_is_kept_in_one_spelling(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    assert schedule(patient, nurse, mode="phone", video_link="").video_link == ""
    shouted = schedule(patient, nurse, video_link="HTTPS://video.clinic.example/r/1")
    assert shouted.video_link == "https://video.clinic.example/r/1"
    assert shouted.safe_video_link == "https://video.clinic.example/r/1"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"scheduled_at": datetime(2026, 11, 21, 8, 59, tzinfo=UTC)},
            "scheduled_at",
            "A follow-up cannot be scheduled in the past.",
        ),
        ({"video_link": ""}, "video_link", "A video follow-up needs the video call's link."),
        (
            {"video_link": "http://video.clinic.example/room"},
            "video_link",
            "Give the full link of the video call, beginning https://.",
        ),
        (
            {"video_link": "javascript:alert(1)"},
            "video_link",
            "Give the full link of the video call, beginning https://.",
        ),
        ({"mode": "fax"}, "mode", "Choose one of the options."),
        ({"with_role": "lead"}, "with_role", "Choose one of the options."),
    ],
)
def test_a_bad_schedule_is_refused_on_its_field(team, fields, field, message):
    patient = make_patient(team)
    with pytest.raises(ValidationError) as excinfo:
        schedule(patient, member(team, Role.NURSE), **fields)
    assert errors(excinfo) == {field: [message]}
    assert not FollowUp.objects.exists()
    assert not AuditEvent.objects.filter(target="contact.FollowUp").exists()


def test_only_the_patients_own_clinicians_schedule(team):
    patient = make_patient(team, login=True)
    other_team = make_team(team.site.organisation)
    for user in (
        login_of(patient),
        make_caregiver(patient, parts=list(Part)),
        make_user(Role.LEAD, team.site.organisation),
        member(other_team, Role.NURSE),
    ):
        with pytest.raises(ValidationError, match="Only the care team's clinicians"):
            schedule(patient, user)
    assert not FollowUp.objects.exists()


def test_completing_records_the_note_and_schedules_the_next(team, time_machine):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    follow_up = schedule(patient, nurse)
    time_machine.move_to("2026-11-23 10:20:00+00:00", tick=False)
    held = follow_up_complete(
        follow_up=follow_up,
        by=nurse,
        adherence="most",
        mood="so_so",
        problems="  Knee ache after the step-ups.  ",
        plan_changes="Step-ups replaced by sit-to-stand for two weeks.",
        next_at=datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
    )
    assert (held.status, held.held_by, held.closed_by, held.adherence, held.mood) == (
        "held",
        nurse,
        nurse,
        "most",
        "so_so",
    )
    assert held.problems == "Knee ache after the step-ups."
    assert held.closed_at == datetime(2026, 11, 23, 10, 20, tzinfo=UTC)
    following = FollowUp.objects.get(status="scheduled")
    assert (following.scheduled_at, following.mode, following.video_link, following.follows) == (
        datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
        "video",
        LINK,
        held,
    )
    completed, scheduled = (
        AuditEvent.objects.filter(target="contact.FollowUp", object_id=str(held.pk)).latest("pk"),
        AuditEvent.objects.get(target="contact.FollowUp", object_id=str(following.pk)),
    )
    assert completed.action == "update"
    assert completed.changes["status"] == ["scheduled", "held"]
    assert completed.changes["adherence"] == ["", "most"]
    assert completed.changes["plan_changes"][1].startswith("Step-ups replaced")
    assert scheduled.changes["follows_id"] == held.pk


def test_a_follow_up_still_to_come_cannot_be_completed_or_missed(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    follow_up = schedule(patient, nurse)
    with pytest.raises(ValidationError, match="still to come: record it once it has been held"):
        follow_up_complete(follow_up=follow_up, by=nurse, adherence="all", mood="good")
    with pytest.raises(ValidationError, match="still to come: it cannot have been missed"):
        follow_up_missed(follow_up=follow_up, by=nurse)
    assert FollowUp.objects.get().status == "scheduled"


def test_a_bad_note_is_refused_on_its_field_and_nothing_changes(team, time_machine):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    follow_up = schedule(patient, nurse)
    time_machine.move_to("2026-11-23 11:00:00+00:00", tick=False)
    with pytest.raises(ValidationError) as excinfo:
        follow_up_complete(follow_up=follow_up, by=nurse, adherence="lots", mood="good")
    assert errors(excinfo) == {"adherence": ["Choose one of the options."]}
    with pytest.raises(ValidationError) as excinfo:
        follow_up_complete(follow_up=follow_up, by=nurse, adherence="all", mood="")
    assert errors(excinfo) == {"mood": ["Choose one of the options."]}
    # a next date in the past: said on the next date's field, and the completion rolled back
    with pytest.raises(ValidationError) as excinfo:
        follow_up_complete(
            follow_up=follow_up,
            by=nurse,
            adherence="all",
            mood="good",
            next_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        )
    assert errors(excinfo) == {"next_at": ["A follow-up cannot be scheduled in the past."]}
    assert FollowUp.objects.get().status == "scheduled"
    assert AuditEvent.objects.filter(target="contact.FollowUp").count() == 1


def test_cancel_needs_a_reason_and_a_closed_follow_up_stays_closed(team, time_machine):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    follow_up = schedule(patient, nurse)
    with pytest.raises(ValidationError) as excinfo:
        follow_up_cancel(follow_up=follow_up, by=nurse, cancellation_reason="  ")
    assert errors(excinfo) == {"cancellation_reason": ["Say why it is cancelled."]}
    cancelled = follow_up_cancel(
        follow_up=follow_up, by=nurse, cancellation_reason="In hospital this week"
    )
    assert (cancelled.status, cancelled.cancellation_reason, cancelled.closed_by) == (
        "cancelled",
        "In hospital this week",
        nurse,
    )
    event = AuditEvent.objects.filter(target="contact.FollowUp").latest("pk")
    assert event.changes["status"] == ["scheduled", "cancelled"]
    time_machine.move_to("2026-11-24 09:00:00+00:00", tick=False)
    with pytest.raises(ValidationError, match=r"already closed \(Cancelled\)"):
        follow_up_missed(follow_up=follow_up, by=nurse)


def test_a_follow_up_whose_time_has_passed_can_be_marked_missed(team, time_machine):
    patient = make_patient(team)
    therapist = member(team, Role.THERAPIST)
    follow_up = schedule(patient, member(team, Role.NURSE), mode="phone", video_link="")
    time_machine.move_to("2026-11-23 12:00:00+00:00", tick=False)
    missed = follow_up_missed(follow_up=follow_up, by=therapist)
    assert (missed.status, missed.closed_by, missed.held_by) == ("missed", therapist, None)


# --- Messages ------------------------------------------------------------------------------


def test_a_message_about_medicines_goes_to_the_physician_and_its_text_is_not_audited(team):
    patient = make_patient(team, login=True)
    thread = thread_start(patient=patient, by=login_of(patient), topic="medical", body=SECRET)
    assert (thread.topic, thread.to_role, thread.created_by) == (
        "medical",
        "physician",
        login_of(patient),
    )
    [message] = thread.messages.all()
    assert message.body == SECRET
    event = AuditEvent.objects.get(target="contact.Thread")
    assert event.changes == {
        "topic": "medical",
        "to_role": "physician",
        "first_message_id": message.pk,
        "characters": len(SECRET),
    }
    reply = message_send(thread=thread, by=member(team, Role.PHYSICIAN), body="Zzreply: call me")
    event = AuditEvent.objects.get(target="contact.Message")
    assert (event.user, event.patient_id, event.object_id) == (
        member(team, Role.PHYSICIAN),
        patient.pk,
        str(reply.pk),
    )
    assert event.changes == {"thread_id": thread.pk, "author_role": "physician", "characters": 16}
    written = json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert "Zzsecret" not in written
    assert "Zzreply" not in written


@pytest.mark.parametrize(
    ("topic", "body", "expected"),
    [
        ("medical", "   ", {"body": ["Write your message."]}),
        (
            "medical",
            "x" * 2001,
            {"body": ["A message can be 2000 characters long at most; this one has 2001."]},
        ),
        ("urgent", "Hello", {"topic": ["Choose what your message is about."]}),
    ],
)
def test_a_bad_message_is_refused_on_its_field(team, topic, body, expected):
    patient = make_patient(team, login=True)
    with pytest.raises(ValidationError) as excinfo:
        thread_start(patient=patient, by=login_of(patient), topic=topic, body=body)
    assert errors(excinfo) == expected
    assert not Thread.objects.exists()
    assert not Message.objects.exists()


def test_who_takes_part_in_a_patients_messages(team):
    patient = make_patient(team, login=True)
    with_program = make_caregiver(patient, parts=[Part.PROGRAM])
    thread = thread_start(patient=patient, by=with_program, topic="exercise", body="How often?")
    assert thread.to_role == "therapist"
    outsiders = [
        make_caregiver(patient, parts=[Part.PLAN, Part.LOG]),  # the program not shared
        make_user(Role.LEAD, team.site.organisation),  # oversees, is not in the conversation
        member(make_team(team.site.organisation), Role.PHYSICIAN),  # another team
        make_user(Role.ADMIN, team.site.organisation),
    ]
    for user in outsiders:
        with pytest.raises(ValidationError, match="You do not take part"):
            message_send(thread=thread, by=user, body="Hello")
        with pytest.raises(ValidationError, match="You do not take part"):
            thread_read(thread=thread, by=user)
    # every clinician of the team may write, not only the routed role
    message_send(thread=thread, by=member(team, Role.NURSE), body="The therapist will answer.")
    assert thread.messages.count() == 2


def test_withdrawing_family_sharing_stops_a_caregiver_at_once(team):
    patient = make_patient(team, login=True)
    caregiver = make_caregiver(patient, parts=[Part.PROGRAM])
    thread = thread_start(patient=patient, by=caregiver, topic="other", body="Can we move it?")
    Consent.objects.create(
        patient=patient,
        kind=ConsentKind.FAMILY_SHARING,
        granted=False,
        decided_on=datetime(2026, 11, 20, tzinfo=UTC).date(),
        taken_by=member(team, Role.NURSE),
    )
    with pytest.raises(ValidationError, match="You do not take part"):
        message_send(thread=thread, by=caregiver, body="Hello again")
    assert unread_counts(caregiver) == {"family_unread": {}}


def test_the_routed_role_is_emailed_after_commit_without_patient_data(
    team, django_capture_on_commit_callbacks
):
    patient = make_patient(team, login=True, given_name="Zzgiven")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        thread = thread_start(patient=patient, by=login_of(patient), topic="medical", body=SECRET)
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    [email] = mail.outbox
    assert email.to == [member(team, Role.PHYSICIAN).email]
    assert email.subject == "OsteoRehab: new message / 新消息"
    assert "You have a new message in OsteoRehab" in email.body
    assert "http://127.0.0.1:8000/inbox/" in email.body
    for private in (patient.family_name, "Zzgiven", "Zzsecret", "dizzy", "/patients/"):
        assert private not in email.subject + email.body
    assert thread.messages.get().notified_at is not None
    # the job run again (a retry) sends nothing more
    notify_message(thread.messages.get().pk)
    assert len(mail.outbox) == 1


def test_a_reply_emails_the_patient_and_caregivers_who_have_an_address(
    team, django_capture_on_commit_callbacks
):
    patient = make_patient(team, login=True)
    with_program = make_caregiver(patient, parts=[Part.PROGRAM])
    without_program = make_caregiver(patient, parts=[Part.PLAN])
    no_address = make_caregiver(patient, parts=[Part.PROGRAM])
    no_address.email = ""
    no_address.save()
    thread = thread_start(patient=patient, by=with_program, topic="feelings", body="Zzworried")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread=thread, by=member(team, Role.COUNSELLOR), body="Zzanswer")
    sent = {tuple(email.to): email.body for email in mail.outbox}
    assert set(sent) == {(login_of(patient).email,), (with_program.email,)}
    assert "http://127.0.0.1:8000/me/messages/" in sent[(login_of(patient).email,)]
    assert "http://127.0.0.1:8000/family/" in sent[(with_program.email,)]
    assert without_program.email not in str(sent)
    assert all("Zz" not in body for body in sent.values())


def test_a_patient_without_an_address_gets_no_email(team, django_capture_on_commit_callbacks):
    patient = make_patient(team, login=True)
    login_of(patient).email = ""
    login_of(patient).save()
    thread = thread_start(patient=patient, by=login_of(patient), topic="other", body="Hi")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(thread=thread, by=member(team, Role.NURSE), body="Hello")
    assert mail.outbox == []


def test_reading_a_thread_zeroes_its_unread_for_that_reader_only(team):
    patient = make_patient(team, login=True)
    physician, nurse = member(team, Role.PHYSICIAN), member(team, Role.NURSE)
    thread = thread_start(patient=patient, by=login_of(patient), topic="medical", body="One")
    message_send(thread=thread, by=login_of(patient), body="Two")
    message_send(thread=thread, by=nurse, body="The physician will answer.")
    assert unread_counts(physician) == {"inbox_unread": 3}
    # the nurse wrote in it, so it is hers too; writing, she read what came before
    assert unread_counts(nurse) == {"inbox_unread": 0}
    assert unread_counts(login_of(patient)) == {"messages_unread": 1}
    mark = thread_read(thread=thread, by=physician)
    assert mark.last_read_message == thread.messages.last()
    assert unread_counts(physician) == {"inbox_unread": 0}
    assert unread_counts(nurse) == {"inbox_unread": 0}
    assert unread_counts(login_of(patient)) == {"messages_unread": 1}
    # writing marks one's own thread read
    message_send(thread=thread, by=login_of(patient), body="Three")
    assert unread_counts(login_of(patient)) == {"messages_unread": 0}
    assert unread_counts(physician) == {"inbox_unread": 1}
    assert unread_counts(nurse) == {"inbox_unread": 1}
    assert ReadMark.objects.filter(thread=thread).count() == 3


def test_a_clinician_counts_only_the_threads_for_their_role_or_that_they_wrote_in(team):
    patient = make_patient(team, login=True)
    thread_start(patient=patient, by=login_of(patient), topic="exercise", body="Knee?")
    assert unread_counts(member(team, Role.THERAPIST)) == {"inbox_unread": 1}
    assert unread_counts(member(team, Role.PHYSICIAN)) == {"inbox_unread": 0}
    assert unread_counts(make_user(Role.LEAD, team.site.organisation)) == {}
    assert unread_counts(member(make_team(make_org()), Role.THERAPIST)) == {"inbox_unread": 0}
