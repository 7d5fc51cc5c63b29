import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from osteorehab.accounts.domain import Role
from osteorehab.audit.models import AuditEvent
from osteorehab.contact.services import thread_start
from osteorehab.logbook.tests.factories import report_fall
from osteorehab.meetings import services
from osteorehab.meetings.models import Decision, Meeting, Task
from osteorehab.rules.services import proposals_find
from tests.factories import client_for, login_of, make_patient, make_team, make_user, member

from .helpers import GAD7_6, anxiety_up, gad7, schedule

pytestmark = pytest.mark.django_db


def body(response):
    return response.content.decode()


@pytest.fixture
def meeting(team, nurse):
    anxious = make_patient(team, family_name="Anxious", given_name="Ann")
    anxiety_up(anxious)
    hurt = make_patient(team, family_name="Hurt", given_name="Hong", login=True)
    report_fall(hurt, login_of(hurt), injury=True)
    return schedule(team, nurse)


def test_the_meetings_of_ones_care_teams_are_listed(team, nurse, meeting):
    other = make_team(team.site.organisation, "Other team")
    schedule(other, member(other, Role.NURSE))
    page = client_for(nurse).get(reverse("meetings:list"))
    assert page.status_code == 200
    assert [m.pk for m in page.context["meetings"]] == [meeting.pk]
    assert "2026-11-24 14:00" in body(page)
    lead = make_user(Role.LEAD, team.site.organisation)
    assert client_for(lead).get(reverse("meetings:list")).status_code == 403


def test_a_clinician_schedules_a_meeting_and_its_agenda_is_built(team, nurse):
    anxiety_up(make_patient(team, family_name="Anxious"))
    client = client_for(nurse)
    form = client.get(reverse("meetings:new"))
    assert form.status_code == 200
    sent = client.post(
        reverse("meetings:new"),
        {"care_team": team.pk, "scheduled_at": "2026-11-24T14:00", "chair": nurse.pk},
    )
    meeting = Meeting.objects.get()
    assert sent["Location"] == reverse("meetings:meeting", args=[meeting.pk])
    assert meeting.items.count() == 1
    refused = client.post(
        reverse("meetings:new"),
        {"care_team": team.pk, "scheduled_at": "2026-11-01T14:00", "chair": nurse.pk},
    )
    assert refused.status_code == 400
    assert "A meeting cannot be scheduled in the past." in body(refused)


def test_the_agenda_and_the_first_patients_summary_on_one_page(team, nurse, meeting):
    page = client_for(nurse).get(reverse("meetings:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    text = body(page)
    # urgent first: the fall with injury, then the anxiety
    assert text.index("Hurt") < text.index("Anxious")
    assert "urgent alert, open since 2026-11-21: Fall with injury" in text
    assert (
        "GAD-7 on 2026-11-13, since the previous reading on 2026-10-30: 6 to 10: worse by 4" in text
    )
    assert page.context["selected"].patient.family_name == "Hurt"
    # the charts: images with a name, their numbers in a table, no inline style (CSP)
    assert 'role="img"' not in text  # no reading, no plan yet: nothing to chart
    assert "No readings yet." in text
    assert " style=" not in text
    anxious = meeting.items.get(patient__family_name="Anxious")
    summary = client_for(nurse).get(
        reverse("meetings:meeting", args=[meeting.pk]), {"item": anxious.pk}
    )
    text = body(summary)
    assert text.count('role="img"') == 1
    assert 'aria-label="GAD-7 over time: 2 reading(s), the latest 10 on 2026-11-13"' in text
    assert "<td>2026-10-30</td><td>6</td><td>mild</td>" in text
    assert "mild from 5; moderate from 10; severe from 15" in text
    assert " style=" not in text
    reads = AuditEvent.objects.filter(user=nurse, action="read", patient=anxious.patient)
    assert reads.count() == 1


def test_the_summary_alone_for_htmx(team, nurse, meeting):
    item = meeting.items.get(patient__family_name="Anxious")
    page = client_for(nurse).get(
        reverse("meetings:meeting", args=[meeting.pk]), {"item": item.pk}, HTTP_HX_REQUEST="true"
    )
    text = body(page)
    assert text.lstrip().startswith('<section id="summary"')
    assert "<html" not in text


def test_a_decision_recorded_moves_on_to_the_next_patient(team, nurse, meeting):
    client = client_for(nurse)
    url = reverse("meetings:meeting", args=[meeting.pk])
    hurt = meeting.items.get(patient__family_name="Hurt")
    anxious = meeting.items.get(patient__family_name="Anxious")
    sent = client.post(
        url,
        {
            "item": hurt.pk,
            "task_title": "Home safety visit",
            "task_owner": "role:nurse",
            "task_due_on": "2026-11-27",
        },
    )
    assert sent["Location"] == f"{url}?item={anxious.pk}"
    task = Task.objects.get()
    assert (task.patient, task.owner_role, task.title) == (
        hurt.patient,
        "nurse",
        "Home safety visit",
    )
    empty = client.post(url, {"item": anxious.pk})
    assert empty.status_code == 400
    assert "Say what was decided" in body(empty)
    assert Decision.objects.count() == 1


def test_another_teams_meeting_and_task_are_not_found(team, nurse, meeting):
    other = make_team(team.site.organisation, "Other team")
    stranger = client_for(member(other, Role.NURSE))
    url = reverse("meetings:meeting", args=[meeting.pk])
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"item": meeting.items.first().pk, "note": "x"}).status_code == 404
    assert stranger.post(reverse("meetings:close", args=[meeting.pk])).status_code == 404
    decision = services.decision_record(item=meeting.items.first(), by=nurse, plan_change="Less")
    task = decision.tasks.get()
    assert stranger.post(reverse("meetings:task-done", args=[task.pk])).status_code == 404
    caregiver_or_patient = client_for(
        login_of(meeting.items.get(patient__family_name="Hurt").patient)
    )
    assert caregiver_or_patient.get(url).status_code == 403


def test_an_item_not_on_this_agenda_is_not_found(team, nurse, meeting):
    url = reverse("meetings:meeting", args=[meeting.pk])
    assert client_for(nurse).get(url, {"item": 999999}).status_code == 404


def test_the_buttons_take_a_post_only(team, nurse, meeting):
    client = client_for(nurse)
    for name in ("meetings:rebuild", "meetings:close"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 405
    rebuilt = client.post(reverse("meetings:rebuild", args=[meeting.pk]), follow=True)
    assert "The agenda is up to date with today&#x27;s facts." in body(rebuilt)
    refused = client.post(reverse("meetings:close", args=[meeting.pk]), follow=True)
    assert "A meeting is closed once it has been held." in body(refused)


def test_my_work_lists_my_tasks_my_roles_tasks_and_what_waits_for_my_role(team, nurse, meeting):
    therapist = member(team, Role.THERAPIST)
    hurt = meeting.items.get(patient__family_name="Hurt")
    services.decision_record(
        item=hurt,
        by=nurse,
        plan_change="Seated exercises only until the wrist heals",
        task_title="Check the wrist splint",
        task_owner=f"user:{therapist.pk}",
        task_due_on=date(2026, 11, 25),
    )
    thread_start(patient=hurt.patient, by=login_of(hurt.patient), topic="exercise", body="Zz?")
    page = client_for(therapist).get(reverse("meetings:work"))
    assert page.status_code == 200
    assert [(t.kind, t.title) for t in page.context["tasks"]] == [
        ("task", "Check the wrist splint"),
        ("plan_change", "Seated exercises only until the wrist heals"),
    ]
    assert [w.what for w in page.context["waiting"]] == ["1 unread message(s): My exercises"]
    nurse_page = client_for(nurse).get(reverse("meetings:work"))
    assert list(nurse_page.context["tasks"]) == []
    assert [w.what for w in nurse_page.context["waiting"]] == ["Urgent alert: Fall with injury"]


def test_a_task_is_marked_done_from_my_work(team, nurse, meeting):
    therapist = member(team, Role.THERAPIST)
    decision = services.decision_record(
        item=meeting.items.first(), by=nurse, plan_change="Lower the intensity"
    )
    task = decision.tasks.get()
    client = client_for(therapist)
    url = reverse("meetings:task-done", args=[task.pk])
    assert client.get(url).status_code == 405
    done = client.post(url, follow=True)
    assert "Task done: Lower the intensity" in body(done)
    assert list(done.context["tasks"]) == []
    refused = client.post(url, follow=True)
    assert "This task is already done." in body(refused)


def test_the_work_page_reads_in_a_fixed_number_of_queries(
    team, nurse, meeting, django_assert_max_num_queries
):
    for item in meeting.items.all():
        services.decision_record(
            item=item,
            by=nurse,
            task_title="Call",
            task_owner="role:nurse",
            task_due_on=date(2026, 11, 30),
        )
    gad7(make_patient(team), GAD7_6, date(2026, 11, 1))
    client = client_for(nurse)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("meetings:work"))
    assert len(page.context["tasks"]) == 2


def test_the_staff_menu_links_my_work_for_clinicians_only(team, nurse):
    text = body(client_for(nurse).get(reverse("patients:caseload")))
    assert f'href="{reverse("meetings:work")}"' in text
    lead = make_user(Role.LEAD, team.site.organisation)
    text = body(client_for(lead).get(reverse("patients:caseload")))
    assert f'href="{reverse("meetings:work")}"' not in text


def test_the_meeting_page_in_chinese(team, nurse, meeting):
    client = client_for(nurse)
    client.post(reverse("set-language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert re.search(r'<html lang="zh-Hans"', body(page))


def test_a_held_meeting_keeps_its_record_and_offers_no_form(team, nurse):
    anxiety_up(make_patient(team))
    meeting = schedule(team, nurse, at=datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    services.meeting_close(meeting=meeting, by=nurse)
    page = client_for(nurse).get(reverse("meetings:meeting", args=[meeting.pk]))
    assert "Record a decision" not in body(page)
    assert "Refresh the agenda" not in body(page)


def test_the_physician_finds_the_rules_proposals_and_the_plans_to_approve(team, nurse, meeting):
    hurt = meeting.items.get(patient__family_name="Hurt").patient
    proposals_find(patients=[hurt], today=date(2026, 11, 21))
    physician = member(team, Role.PHYSICIAN)
    waiting = client_for(physician).get(reverse("meetings:work")).context["waiting"]
    whats = [w.what for w in waiting]
    assert "Urgent proposal: A fall" in whats
    assert "Urgent alert: Fall with injury" in whats
    assert all(w.patient == hurt for w in waiting if w.what.startswith("Urgent"))
