from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from osteorehab.accounts.domain import Role
from osteorehab.alerts.services import alert_acknowledge
from osteorehab.audit.models import AuditEvent
from osteorehab.followup.models import ScheduleItem
from osteorehab.followup.services import schedule_item_add
from osteorehab.logbook.tests.factories import check_in, log_exercise, make_plan, report_fall
from osteorehab.meetings import services
from osteorehab.meetings.domain import NeedKind
from osteorehab.meetings.models import AgendaItem, Decision, MeetingStatus, Task, TaskStatus
from osteorehab.plans.models import PlanVersion
from osteorehab.rules.services import proposals_find
from tests.factories import login_of, make_patient, make_team, member

from .helpers import anxiety_up, schedule

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)
TODAY_08 = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def agenda_of(meeting):
    return [
        (item.patient.family_name, [need.kind for need in item.needs])
        for item in meeting.items.select_related("patient")
    ]


def audits(target):
    return list(AuditEvent.objects.filter(target=target).order_by("id"))


def test_scheduling_a_meeting_builds_its_agenda_from_the_teams_facts(team, nurse):
    fell = make_patient(team, family_name="Fell", login=True)
    report_fall(fell, login_of(fell), happened_on=date(2026, 11, 20))
    anxious = make_patient(team, family_name="Anxious")
    anxiety_up(anxious)
    make_patient(team, family_name="Fine")
    other_team = make_team(team.site.organisation, "Other")
    elsewhere = make_patient(other_team, family_name="Elsewhere", login=True)
    report_fall(elsewhere, login_of(elsewhere))

    meeting = schedule(team, nurse)

    assert agenda_of(meeting) == [
        ("Fell", [NeedKind.FALL]),  # a fall before a worsening measure
        ("Anxious", [NeedKind.WORSENING]),
    ]
    assert (meeting.facts_since, meeting.agenda_built_on) == (date(2026, 10, 24), TODAY)
    (created,) = audits("meetings.Meeting")
    (built,) = audits("meetings.AgendaItem")
    assert (created.action, created.user, created.changes["chair_id"]) == (
        "create",
        nurse,
        nurse.pk,
    )
    assert built.changes["agenda"] == [
        AgendaItem.objects.get(patient__family_name=name).patient_id for name in ("Fell", "Anxious")
    ]


def test_building_the_agenda_again_on_the_same_facts_changes_nothing(team, nurse):
    anxiety_up(make_patient(team))
    meeting = schedule(team, nurse)
    before = list(meeting.items.values_list("pk", "patient_id", "order", "reasons"))
    services.agenda_build(meeting=meeting, by=nurse, today=TODAY)
    services.agenda_build(meeting=meeting, by=nurse, today=TODAY)
    assert list(meeting.items.values_list("pk", "patient_id", "order", "reasons")) == before
    assert len(audits("meetings.AgendaItem")) == 1


def test_a_rebuild_drops_a_patient_no_longer_in_need_unless_already_discussed(team, nurse):
    hurt = make_patient(team, family_name="Hurt", login=True)
    report_fall(hurt, login_of(hurt), injury=True)  # an urgent alert, and a fall
    anxious = make_patient(team, family_name="Anxious")
    anxiety_up(anxious)
    meeting = schedule(team, nurse)
    assert agenda_of(meeting) == [
        ("Hurt", [NeedKind.URGENT_ALERT, NeedKind.FALL]),
        ("Anxious", [NeedKind.WORSENING]),
    ]
    alert = hurt.alerts.get()
    alert_acknowledge(alert=alert, by=nurse, action_taken="Called her; seen by the GP")
    services.agenda_build(meeting=meeting, by=nurse, today=TODAY)
    assert agenda_of(meeting) == [("Hurt", [NeedKind.FALL]), ("Anxious", [NeedKind.WORSENING])]

    item = meeting.items.get(patient=anxious)
    services.decision_record(item=item, by=nurse, note="Counsellor to call her")
    # a month on, neither the fall nor the GAD-7 is news: the patient with a decision stays
    services.agenda_build(meeting=meeting, by=nurse, today=date(2026, 12, 20))
    assert agenda_of(meeting) == [("Anxious", [NeedKind.WORSENING])]
    change = audits("meetings.AgendaItem")[-1].changes
    assert (change["removed"], change["agenda"]) == ([hurt.pk], [anxious.pk])


def test_a_decision_is_written_back_as_tasks_and_the_next_review(team, nurse):
    patient = make_patient(team)
    anxiety_up(patient)
    meeting = schedule(team, nurse)
    item = meeting.items.get()
    counsellor = member(team, Role.COUNSELLOR)

    decision = services.decision_record(
        item=item,
        by=nurse,
        plan_change="Two balance sessions instead of three this fortnight",
        task_title="Offer weekly cognitive sessions",
        task_owner=f"user:{counsellor.pk}",
        task_due_on=date(2026, 11, 28),
        next_review_on=date(2026, 12, 8),
        note="Anxious about falling since her sister's fracture",
    )

    tasks = {(t.kind, t.title, t.owner_user, t.owner_role, t.due_on) for t in decision.tasks.all()}
    assert tasks == {
        ("task", "Offer weekly cognitive sessions", counsellor, "", date(2026, 11, 28)),
        (
            "plan_change",
            "Two balance sessions instead of three this fortnight",
            None,
            "therapist",
            date(2026, 12, 1),  # a week after the meeting (local program choice)
        ),
    }
    review = ScheduleItem.objects.get(patient=patient)
    assert (review.kind, review.due_on) == ("team_review", date(2026, 12, 8))
    item.refresh_from_db()
    assert item.discussed
    (event,) = audits("meetings.Decision")
    assert (event.patient_id, event.user, event.changes["next_review_on"]) == (
        patient.pk,
        nurse,
        "2026-12-08",
    )
    assert [t["title"] for t in event.changes["tasks"]] == [
        "Offer weekly cognitive sessions",
        "Two balance sessions instead of three this fortnight",
    ]
    assert not PlanVersion.objects.filter(plan__patient=patient).exists()  # proposed, not done


def test_a_next_review_moves_the_patients_next_scheduled_review(team, nurse):
    patient = make_patient(team)
    anxiety_up(patient)
    current = schedule_item_add(patient=patient, by=nurse, kind="team_review", due_on=TODAY)
    following = schedule_item_add(
        patient=patient, by=nurse, kind="team_review", due_on=date(2026, 12, 21)
    )
    meeting = schedule(team, nurse)
    services.decision_record(item=meeting.items.get(), by=nurse, next_review_on=date(2026, 12, 10))
    current.refresh_from_db()
    following.refresh_from_db()
    assert (current.due_on, following.due_on) == (TODAY, date(2026, 12, 10))


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({}, "Say what was decided"),
        ({"task_title": "Call her"}, "A task needs an owner and a due date."),
        (
            {
                "task_title": "Call her",
                "task_owner": "role:nurse",
                "task_due_on": date(2026, 11, 1),
            },
            "A task cannot be due in the past.",
        ),
        (
            {"task_title": "Call her", "task_owner": "role:lead", "task_due_on": TODAY},
            "Choose a clinician of the care team, or a role.",
        ),
        ({"next_review_on": date(2026, 11, 24)}, "The next review comes after this meeting."),
    ],
)
def test_a_decision_is_refused_with_the_reason(team, nurse, fields, error):
    anxiety_up(make_patient(team))
    meeting = schedule(team, nurse)
    with pytest.raises(ValidationError, match=error):
        services.decision_record(item=meeting.items.get(), by=nurse, **fields)
    assert not Decision.objects.exists()
    assert not Task.objects.exists()


def test_only_the_teams_clinicians_hold_its_meetings(team, nurse):
    anxiety_up(make_patient(team))
    outsider = member(make_team(team.site.organisation, "Other"), Role.NURSE)
    with pytest.raises(ValidationError, match="Only the care team's clinicians"):
        schedule(team, outsider)
    with pytest.raises(ValidationError, match="The chair is one of the care team's clinicians"):
        services.meeting_schedule(
            care_team=team, by=nurse, scheduled_at=TODAY_08 + timedelta(days=3), chair=outsider
        )
    meeting = schedule(team, nurse)
    with pytest.raises(ValidationError, match="Only the care team's clinicians"):
        services.decision_record(item=meeting.items.get(), by=outsider, note="x")
    with pytest.raises(ValidationError, match="scheduled in the past"):
        schedule(team, nurse, at=TODAY_08 - timedelta(days=1))


def test_closing_the_meeting_marks_the_team_review_of_each_patient_discussed(team, nurse):
    discussed, waiting = make_patient(team, family_name="Discussed"), make_patient(team)
    for patient in (discussed, waiting):
        anxiety_up(patient)
        schedule_item_add(patient=patient, by=nurse, kind="team_review", due_on=TODAY)
    meeting = schedule(team, nurse, at=TODAY_08)
    services.decision_record(
        item=meeting.items.get(patient=discussed), by=nurse, note="Doing well otherwise"
    )
    closed = services.meeting_close(meeting=meeting, by=nurse)
    assert (closed.status, closed.closed_by) == (MeetingStatus.HELD, nurse)
    held = dict(ScheduleItem.objects.values_list("patient_id", "held_on"))
    assert held == {discussed.pk: TODAY, waiting.pk: None}
    event = audits("meetings.Meeting")[-1]
    assert event.changes["discussed"] == [discussed.pk]
    with pytest.raises(ValidationError, match="has been held"):
        services.decision_record(item=meeting.items.get(patient=waiting), by=nurse, note="x")
    with pytest.raises(ValidationError, match="has been held"):
        services.agenda_build(meeting=meeting, by=nurse, today=TODAY)


def test_a_meeting_still_to_come_is_not_closed(team, nurse):
    meeting = schedule(team, nurse)
    with pytest.raises(ValidationError, match="closed once it has been held"):
        services.meeting_close(meeting=meeting, by=nurse)


def test_the_next_meeting_counts_news_since_the_last_one_held(team, nurse):
    patient = make_patient(team, login=True)
    report_fall(patient, login_of(patient), happened_on=date(2026, 11, 10))
    first = schedule(team, nurse, at=TODAY_08)
    services.meeting_close(meeting=first, by=nurse)
    second = schedule(team, nurse)
    assert second.facts_since == TODAY
    assert agenda_of(second) == []  # the fall was before the last meeting


def test_a_task_is_done_by_its_owner_or_its_roles_clinicians(team, nurse):
    anxiety_up(make_patient(team))
    meeting = schedule(team, nurse)
    decision = services.decision_record(
        item=meeting.items.get(), by=nurse, plan_change="Lower the intensity"
    )
    task = decision.tasks.get()
    with pytest.raises(ValidationError, match="Only the task's owner"):
        services.task_done(task=task, by=nurse)
    therapist = member(team, Role.THERAPIST)
    done = services.task_done(task=task, by=therapist)
    assert (done.status, done.done_by) == (TaskStatus.DONE, therapist)
    assert audits("meetings.Task")[-1].changes == {"status": ["open", "done"]}
    with pytest.raises(ValidationError, match="already done"):
        services.task_done(task=task, by=therapist)


def test_low_adherence_and_overdue_check_ups_bring_a_patient_to_the_agenda(
    team, nurse, time_machine
):
    patient = make_patient(team, login=True)
    time_machine.move_to("2026-11-01 09:00:00+00:00", tick=False)
    make_plan(patient)  # something planned every day
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)
    log_exercise(patient, login_of(patient), day=date(2026, 11, 15))  # Sunday: its one exercise
    schedule_item_add(
        patient=patient, by=nurse, kind="psychological_check_up", due_on=date(2026, 11, 10)
    )
    check_in(patient, login_of(patient), day=date(2026, 11, 19), falls=1)
    meeting = schedule(team, nurse)
    ((_name, kinds),) = agenda_of(meeting)
    assert kinds == [NeedKind.FALL, NeedKind.OVERDUE, NeedKind.ADHERENCE]
    reasons = [str(need.reason) for need in meeting.items.get().needs]
    assert reasons[0] == "a fall noted in 1 daily check-in(s) since 2026-10-24"
    assert reasons[1] == "Psychological check-up, due 2026-11-10"
    assert reasons[2] == (
        "exercised in 1 of 14 planned sessions over the last 14 days: under half, a local "
        "program choice"
    )


def test_the_rules_open_proposals_bring_a_patient_to_the_agenda(team, nurse):
    patient = make_patient(team, login=True)
    report_fall(patient, login_of(patient), injury=True)
    proposals = proposals_find(patients=[patient], today=TODAY)
    assert [(p.rule, p.role, p.urgency) for p in proposals] == [("fall", "physician", "urgent")]
    meeting = schedule(team, nurse)
    needs = meeting.items.get().needs
    assert [(need.kind, need.urgent, str(need.reason)) for need in needs] == [
        (NeedKind.URGENT_ALERT, True, "urgent alert, open since 2026-11-21: Fall with injury"),
        (NeedKind.PROPOSAL, True, "waiting since 2026-11-21 for the Physician: A fall"),
        (
            NeedKind.FALL,
            False,
            "1 fall report(s) since 2026-10-24, the latest on 2026-11-20, 1 with injury",
        ),
    ]
