from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.contact.context_processors import unread
from osteorehab.contact.models import FollowUp, Message, Thread
from osteorehab.contact.services import follow_up_schedule, message_send, thread_start
from osteorehab.patients.models import Consent, ConsentKind
from tests.factories import (
    client_for,
    login_of,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

pytestmark = pytest.mark.django_db

LINK = "https://video.clinic.example/room/7f3a"


def thread_url(thread):
    return reverse("contact:thread", args=[thread.patient_id, thread.pk])


def body_of(response):
    return response.content.decode()


def test_a_patient_asks_about_medicines_and_the_physician_answers(
    team, django_capture_on_commit_callbacks
):
    patient = make_patient(team, login=True)
    client = client_for(login_of(patient))
    page = client.get(reverse("contact:my-messages"))
    assert page.status_code == 200
    assert "No messages yet." in body_of(page)
    new = reverse("contact:thread-new", args=[patient.pk])
    assert f'href="{new}"' in body_of(page)

    # one step per screen: the topic, as four big buttons
    topics = body_of(client.get(new))
    assert topics.count('class="button primary" href="?topic=') == 4
    assert "My medicines or health" in topics
    form = client.get(new, {"topic": "medical"})
    assert "Your message goes to the physician of the care team." in body_of(form)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            new, {"topic": "medical", "body": "Zzq: can I take calcium with <b>tea</b>?"}
        )
    thread = Thread.objects.get()
    assert (thread.topic, thread.to_role) == ("medical", "physician")
    assert sent.status_code == 302
    assert sent["Location"] == thread_url(thread)
    assert [email.to for email in mail.outbox] == [[member(team, Role.PHYSICIAN).email]]

    physician = client_for(member(team, Role.PHYSICIAN))
    inbox = physician.get(reverse("contact:inbox"))
    text = body_of(inbox)
    assert 'Inbox (1<span class="visually-hidden"> unread</span>)' in text
    assert "1 unread" in text
    assert patient.name in text
    assert [t.unread for t in inbox.context["page"]] == [1]
    # the nurse's inbox lists the thread too, but it is not hers: no badge
    nurse_inbox = client_for(member(team, Role.NURSE)).get(reverse("contact:inbox"))
    assert "Inbox (" not in body_of(nurse_inbox)
    assert [t.pk for t in nurse_inbox.context["page"]] == [thread.pk]

    opened = body_of(physician.get(thread_url(thread)))
    assert "can I take calcium with &lt;b&gt;tea&lt;/b&gt;?" in opened  # shown escaped
    assert "<b>tea</b>" not in opened
    assert '<span class="flag">New</span>' in opened
    assert "Inbox (" not in body_of(physician.get(reverse("contact:inbox")))

    reply = physician.post(thread_url(thread), {"body": "Zzr: yes, two hours apart."})
    assert reply.status_code == 302
    assert Message.objects.filter(thread=thread).count() == 2

    home = body_of(client.get(reverse("patients:me")))
    assert "Messages (1 new)" in home
    assert "— 1 new" in body_of(client.get(reverse("contact:my-messages")))
    seen = body_of(client.get(thread_url(thread)))
    assert "Zzr: yes, two hours apart." in seen
    assert f"{member(team, Role.PHYSICIAN).full_name} (Physician)" in seen
    assert "Messages (1 new)" not in body_of(client.get(reverse("patients:me")))


def test_an_empty_message_is_refused_on_its_field(team):
    patient = make_patient(team, login=True)
    client = client_for(login_of(patient))
    response = client.post(
        reverse("contact:thread-new", args=[patient.pk]), {"topic": "other", "body": "  "}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"body": ["This field is required."]}
    assert not Thread.objects.exists()


def test_a_caregiver_with_the_program_shared_writes_as_themselves(team):
    patient = make_patient(team, login=True)
    caregiver = make_caregiver(patient, parts=[Part.PROGRAM])
    client = client_for(caregiver)
    family = body_of(client.get(reverse("patients:family")))
    assert reverse("contact:threads", args=[patient.pk]) in family
    assert reverse("contact:follow-ups", args=[patient.pk]) in family
    response = client.post(
        reverse("contact:thread-new", args=[patient.pk]),
        {"topic": "exercise", "body": "She finds the stairs hard."},
    )
    thread = Thread.objects.get()
    assert response["Location"] == thread_url(thread)
    assert (thread.to_role, thread.created_by) == ("therapist", caregiver)
    shown = body_of(client_for(member(team, Role.THERAPIST)).get(thread_url(thread)))
    assert f"{caregiver.full_name} (daughter)" in shown
    # a staff reply shows in the caregiver's home as new
    message_send(thread=thread, by=member(team, Role.THERAPIST), body="Use the rail.")
    assert "(1 new)" in body_of(client.get(reverse("patients:family")))


def test_a_caregiver_without_the_program_is_refused_and_without_consent_not_found(team):
    patient = make_patient(team, login=True)
    thread = thread_start(patient=patient, by=login_of(patient), topic="other", body="Hi")
    plan_only = client_for(make_caregiver(patient, parts=[Part.PLAN]))
    urls = [
        reverse("contact:threads", args=[patient.pk]),
        reverse("contact:thread-new", args=[patient.pk]),
        thread_url(thread),
        reverse("contact:follow-ups", args=[patient.pk]),
    ]
    for url in urls:
        assert plan_only.get(url).status_code == 403, url
    assert plan_only.post(thread_url(thread), {"body": "Hello"}).status_code == 403
    assert reverse("contact:threads", args=[patient.pk]) not in body_of(
        plan_only.get(reverse("patients:family"))
    )
    caregiver = make_caregiver(patient, parts=[Part.PROGRAM])
    assert client_for(caregiver).get(thread_url(thread)).status_code == 200
    Consent.objects.create(
        patient=patient,
        kind=ConsentKind.FAMILY_SHARING,
        granted=False,
        decided_on=datetime(2026, 11, 20, tzinfo=UTC).date(),
        taken_by=member(team, Role.NURSE),
    )
    for url in urls:
        assert client_for(caregiver).get(url).status_code == 404, url
    assert Message.objects.count() == 1


def test_a_program_lead_sees_follow_ups_but_not_the_conversations(team):
    patient = make_patient(team, login=True)
    thread = thread_start(patient=patient, by=login_of(patient), topic="other", body="Hi")
    lead = client_for(make_user(Role.LEAD, team.site.organisation))
    overview = lead.get(reverse("contact:follow-ups", args=[patient.pk]))
    assert overview.status_code == 200
    assert "Appointments or something else" not in body_of(overview)  # no thread listed
    assert overview.context["threads"] == []
    assert lead.get(thread_url(thread)).status_code == 403
    assert lead.get(reverse("contact:threads", args=[patient.pk])).status_code == 403
    assert lead.get(reverse("contact:inbox")).status_code == 403
    outsider = client_for(member(make_team(make_org()), Role.NURSE))
    assert outsider.get(thread_url(thread)).status_code == 404
    assert outsider.get(reverse("contact:inbox")).context["page"].object_list == []


def test_a_nurse_schedules_a_video_follow_up_the_patient_sees_it_and_it_is_recorded(
    team, time_machine
):
    patient = make_patient(team, login=True)
    nurse = client_for(member(team, Role.NURSE))
    url = reverse("contact:follow-ups", args=[patient.pk])
    page = nurse.get(url)
    assert page.status_code == 200
    assert 'type="datetime-local"' in body_of(page)
    response = nurse.post(
        url,
        {
            "scheduled_at": "2026-11-23T10:30",
            "mode": "video",
            "with_role": "nurse",
            "video_link": LINK,
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.scheduled_at, follow_up.mode, follow_up.video_link) == (
        datetime(2026, 11, 23, 10, 30, tzinfo=UTC),
        "video",
        LINK,
    )
    # before its time: it can only be cancelled
    listed = body_of(nurse.get(url))
    assert "Record the follow-up" not in listed
    complete = reverse("contact:follow-up-complete", args=[patient.pk, follow_up.pk])
    assert nurse.post(complete, {"adherence": "all", "mood": "good"}).status_code == 400

    patient_client = client_for(login_of(patient))
    mine = body_of(patient_client.get(reverse("contact:my-follow-ups")))
    assert "In 2 days: Monday 23 November 2026, 10:30 AM" in mine
    assert f'<a class="button primary" href="{LINK}" rel="noopener noreferrer">' in mine
    assert "Join the video call" in mine
    assert reverse("contact:my-follow-ups") in body_of(patient_client.get(reverse("patients:me")))

    time_machine.move_to("2026-11-23 10:50:00+00:00", tick=False)
    # sessions end after an hour without activity: log in again
    nurse, patient_client = client_for(member(team, Role.NURSE)), client_for(login_of(patient))
    assert "Today: Monday 23 November 2026" in body_of(
        patient_client.get(reverse("contact:my-follow-ups"))
    )
    assert "Record the follow-up" in body_of(nurse.get(url))
    assert nurse.get(complete).status_code == 200
    response = nurse.post(
        complete,
        {
            "adherence": "some",
            "problems": "Zzprob: dizzy when standing",
            "mood": "low",
            "plan_changes": "Zzplan: slower sit-to-stand",
            "next_at": "2026-12-07T10:30",
        },
    )
    assert response.status_code == 302
    held = FollowUp.objects.get(pk=follow_up.pk)
    assert (held.status, held.held_by, held.adherence, held.mood) == (
        "held",
        member(team, Role.NURSE),
        "some",
        "low",
    )
    listed = body_of(nurse.get(url))
    assert "Zzprob: dizzy when standing" in listed
    assert "Some of them" in listed
    nxt = FollowUp.objects.get(status="scheduled")
    assert nxt.scheduled_at == datetime(2026, 12, 7, 10, 30, tzinfo=UTC)
    assert "In 14 days: Monday 7 December 2026" in body_of(
        patient_client.get(reverse("contact:my-follow-ups"))
    )
    # the patient sees the appointment, never the note
    assert "Zzprob" not in body_of(patient_client.get(url))


def test_a_bad_schedule_shows_the_error_beside_its_field(team):
    patient = make_patient(team)
    nurse = client_for(member(team, Role.NURSE))
    response = nurse.post(
        reverse("contact:follow-ups", args=[patient.pk]),
        {
            "scheduled_at": "2026-11-23T10:30",
            "mode": "video",
            "with_role": "nurse",
            "video_link": "http://video.clinic.example/x",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "video_link": ["Give the full link of the video call, beginning https://."]
    }
    assert not FollowUp.objects.exists()


def test_the_patient_and_caregivers_cannot_schedule_and_missed_takes_post(team, time_machine):
    patient = make_patient(team, login=True)
    follow_up = follow_up_schedule(
        patient=patient,
        by=member(team, Role.NURSE),
        scheduled_at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
        mode="phone",
        with_role="therapist",
    )
    data = {"scheduled_at": "2026-11-23T10:30", "mode": "phone", "with_role": "nurse"}
    url = reverse("contact:follow-ups", args=[patient.pk])
    for user in (login_of(patient), make_caregiver(patient, parts=[Part.PROGRAM])):
        client = client_for(user)
        assert client.post(url, data).status_code == 403
        page = body_of(client.get(url))
        assert "A phone call: the care team will phone you." in page
        assert "Tomorrow: Sunday 22 November 2026, 9:00 AM" in page
    assert FollowUp.objects.count() == 1
    missed = reverse("contact:follow-up-missed", args=[patient.pk, follow_up.pk])
    time_machine.move_to("2026-11-22 10:00:00+00:00", tick=False)
    therapist = client_for(member(team, Role.THERAPIST))
    assert therapist.get(missed).status_code == 405
    assert therapist.post(missed).status_code == 302
    assert FollowUp.objects.get().status == "missed"
    # closed: no longer found by the closing pages
    assert therapist.post(missed).status_code == 404


def test_my_follow_ups_lists_the_overdue_first_for_my_care_teams(team, time_machine):
    patient = make_patient(team)
    other = make_patient(make_team(team.site.organisation), family_name="Zzother")
    nurse = member(team, Role.NURSE)
    for day, role in ((22, "nurse"), (25, "physician")):
        follow_up_schedule(
            patient=patient,
            by=nurse,
            scheduled_at=datetime(2026, 11, day, 9, 0, tzinfo=UTC),
            mode="phone",
            with_role=role,
        )
    follow_up_schedule(
        patient=other,
        by=member(other.care_team, Role.NURSE),
        scheduled_at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
        mode="phone",
        with_role="nurse",
    )
    time_machine.move_to("2026-11-23 09:00:00+00:00", tick=False)
    page = client_for(nurse).get(reverse("contact:follow-ups-due"))
    assert [f.scheduled_at.day for f in page.context["overdue"]] == [22]
    assert [f.scheduled_at.day for f in page.context["upcoming"]] == [25]
    assert "Zzother" not in body_of(page)
    mine = client_for(nurse).get(reverse("contact:follow-ups-due"), {"who": "mine"})
    assert ([f.with_role for f in mine.context["overdue"]], mine.context["upcoming"]) == (
        ["nurse"],
        [],
    )
    assert (
        client_for(make_user(Role.PATIENT, team.site.organisation))
        .get(reverse("contact:follow-ups-due"))
        .status_code
        == 403
    )


def test_the_inbox_filters_read_and_unread(team):
    patient = make_patient(team, login=True)
    first = thread_start(patient=patient, by=login_of(patient), topic="medical", body="One")
    second = thread_start(patient=patient, by=login_of(patient), topic="exercise", body="Two")
    physician = client_for(member(team, Role.PHYSICIAN))
    inbox = reverse("contact:inbox")
    # the physician's own thread first, though the other is more recent
    assert [t.pk for t in physician.get(inbox).context["page"]] == [first.pk, second.pk]
    physician.get(thread_url(first))
    assert [t.pk for t in physician.get(inbox, {"show": "unread"}).context["page"]] == [second.pk]
    assert [t.pk for t in physician.get(inbox, {"show": "read"}).context["page"]] == [first.pk]
    assert physician.get(inbox, {"show": "nonsense"}).context["shown"] == "all"


def test_the_record_links_to_follow_ups_and_messages_where_the_program_is_shared(team):
    patient = make_patient(team, login=True)
    link = reverse("contact:follow-ups", args=[patient.pk])
    record = reverse("patients:record", args=[patient.pk])
    assert link in body_of(client_for(member(team, Role.NURSE)).get(record))
    assert link in body_of(client_for(make_caregiver(patient, parts=[Part.PROGRAM])).get(record))
    assert link not in body_of(client_for(make_caregiver(patient, parts=[Part.PLAN])).get(record))


@pytest.mark.parametrize("who", ["nurse", "patient", "caregiver"])
def test_the_unread_counts_take_one_query_when_a_page_shows_them(
    team, who, django_assert_num_queries
):
    patient = make_patient(team, login=True)
    users = {
        "nurse": member(team, Role.NURSE),
        "patient": login_of(patient),
        "caregiver": make_caregiver(patient, parts=[Part.PROGRAM]),
    }
    threads = {
        topic: thread_start(patient=patient, by=users["caregiver"], topic=topic, body="Hi")
        for topic in ("other", "medical", "exercise")
    }
    message_send(thread=threads["medical"], by=users["nurse"], body="Hello")
    request = RequestFactory().get("/")
    request.user = users[who]
    with django_assert_num_queries(0):  # a page that does not show them asks nothing
        counts = unread(request)
    with django_assert_num_queries(1):  # compared: counted
        assert (
            counts
            == {
                # routed to her: one unread; written in by her: read up to her own message
                "nurse": {"inbox_unread": 1},
                "patient": {"messages_unread": 4},  # the caregiver's three, the nurse's one
                "caregiver": {"family_unread": {patient.pk: 1}},
            }[who]
        )


def test_no_query_for_anonymous_users_and_administrators(db, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread(request) == {}
    request.user = make_user(Role.ADMIN, make_org())
    with django_assert_num_queries(0):
        assert unread(request) == {}
