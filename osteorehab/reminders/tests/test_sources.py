import uuid
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from osteorehab.accounts.domain import Part, Role
from osteorehab.followup.models import ScheduleItem
from osteorehab.followup.services import schedule_item_cancel, schedule_item_move
from osteorehab.followup.tests.makers import start_program
from osteorehab.logbook.models import ExerciseLog
from osteorehab.patients.models import Episode
from osteorehab.reminders import sources
from osteorehab.reminders.domain import Kind
from tests.factories import login_of, make_caregiver, make_patient, member

from .makers import make_action, make_assignment, make_follow_up, make_plan, record

pytestmark = pytest.mark.django_db

SATURDAY = date(2026, 11, 21)  # today in these tests (conftest), 10:00 UTC


def found(source, now=None):
    return sorted((d.key, d.recipient_id) for d in source(now or timezone.localtime()))


def discharge(patient):
    Episode.objects.filter(patient=patient).update(status="discharged")


def test_home_safety_actions_due_today_or_overdue_go_to_whoever_owns_them(team):
    patient = make_patient(team, login=True)
    with_plan = make_caregiver(patient, parts=[Part.PLAN])
    without_plan = make_caregiver(patient, parts=[Part.LOG])
    overdue = make_action(patient, due_on=date(2026, 11, 14))
    theirs = make_action(patient, owner="caregiver", due_on=SATURDAY)
    make_action(patient, due_on=date(2026, 11, 22))  # not yet due
    make_action(patient, owner="nurse", due_on=SATURDAY)  # the team's work
    make_action(
        patient, due_on=SATURDAY, done_on=SATURDAY, done_by=login_of(patient)
    )  # done already
    assert found(sources.home_safety_actions) == sorted(
        [
            (f"homesafety:{overdue.pk}:2026-11-14", login_of(patient).pk),
            (f"homesafety:{theirs.pk}:2026-11-21", with_plan.pk),
        ]
    )
    assert without_plan.pk not in {user for _key, user in found(sources.home_safety_actions)}
    [item] = [
        d
        for d in sources.home_safety_actions(timezone.localtime())
        if d.recipient_id == with_plan.pk
    ]
    assert item.kind == Kind.HOME_SAFETY
    assert item.url == f"/patients/{patient.pk}/home-safety/"
    assert (
        item.text_en == "A home safety task for the person you support is due. Please have a look."
    )


def test_a_caregiver_is_not_reminded_once_family_sharing_is_withdrawn(team):
    patient = make_patient(team, login=True)
    make_caregiver(patient, parts=[Part.PLAN], consent=False)
    make_action(patient, owner="caregiver", due_on=SATURDAY)
    assert found(sources.home_safety_actions) == []


def test_no_source_reminds_about_a_patient_whose_episode_has_ended(team):
    patient = make_patient(team, login=True)
    make_action(patient, due_on=SATURDAY)
    make_assignment(patient, due_on=SATURDAY)
    start_program(patient, date(2026, 11, 7))  # its first check-up is due today
    make_follow_up(patient, datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    assert len(sources.due_now(timezone.localtime())) == 4
    discharge(patient)
    assert sources.due_now(timezone.localtime()) == []


def test_lessons_open_and_due_by_tomorrow(team):
    patient = make_patient(team, login=True)
    tomorrow = make_assignment(patient, due_on=date(2026, 11, 22), module="fall_prevention")
    overdue = make_assignment(patient, due_on=date(2026, 11, 2), module="osteoporosis_basics")
    make_assignment(patient, due_on=date(2026, 11, 23), module="basics_t_score")  # later
    make_assignment(patient, due_on=None, module="basics_improve")  # no date
    done = make_assignment(patient, due_on=SATURDAY, module="basics_exercise")
    type(done).objects.filter(pk=done.pk).update(
        completed_on=SATURDAY, passed=True, attempts=1, score=3, total=3
    )
    user = login_of(patient).pk
    assert found(sources.lessons_due) == sorted(
        [
            (f"lesson:{tomorrow.pk}:2026-11-22", user),
            (f"lesson:{overdue.pk}:2026-11-02", user),
        ]
    )
    [item] = [d for d in sources.lessons_due(timezone.localtime()) if d.key.endswith("11-22")]
    assert item.text_en == "You have a lesson to finish by 2026-11-22."
    assert item.url == "/me/lessons/"


def test_lessons_of_a_patient_without_a_login_remind_nobody(team):
    patient = make_patient(team)
    make_assignment(patient, due_on=SATURDAY)
    assert found(sources.lessons_due) == []


CHECK_UP = (("gad7", [0] * 7), ("phq9", [0] * 9), ("confidence", [6]), ("short_fes_i", [1] * 7))


def test_the_check_up_is_due_as_the_follow_up_schedule_says_until_it_is_done(team):
    # Started 7 November: the check-up is due today, its window open since the 18th.
    due = make_patient(team, login=True)
    start_program(due, date(2026, 11, 7))
    record(due, "gad7", [0] * 7, date(2026, 11, 19))  # half-done is not done
    record(due, "phq9", [0] * 9, date(2026, 11, 19))
    # Started 3 November: the check-up of the 17th is overdue, still reminded.
    overdue = make_patient(team, login=True)
    start_program(overdue, date(2026, 11, 3))
    # All four answered inside the window: done, whoever recorded them.
    done = make_patient(team, login=True)
    start_program(done, date(2026, 11, 7))
    for code, items in CHECK_UP:
        record(done, code, items, date(2026, 11, 19))
    # Started 12 November: the first check-up's window opens on the 23rd.
    not_yet = make_patient(team, login=True)
    start_program(not_yet, date(2026, 11, 12))
    # Not started: no schedule, so nothing is due (the baseline is the care team's).
    never = make_patient(team, login=True)
    record(never, "tsk17", [2] * 17, date(2026, 10, 1))
    assert found(sources.questionnaires_due) == sorted(
        [
            (f"questionnaire:{due.pk}:2026-11-21", login_of(due).pk),
            (f"questionnaire:{overdue.pk}:2026-11-17", login_of(overdue).pk),
        ]
    )
    [item] = [d for d in sources.questionnaires_due(timezone.localtime()) if d.key.endswith("21")]
    assert item.url == "/me/questionnaires/"
    assert item.text_en == "Your check-up questionnaires are due. They take a few minutes."


def test_a_moved_check_up_is_a_new_reminder_and_a_cancelled_one_none(team):
    patient = make_patient(team, login=True)
    start_program(patient, date(2026, 11, 7))
    nurse = member(team, Role.NURSE)
    check_up = ScheduleItem.objects.get(
        patient=patient, kind="psychological_check_up", due_on=SATURDAY
    )
    schedule_item_move(item=check_up, by=nurse, due_on=date(2026, 11, 23), version=1)
    assert found(sources.questionnaires_due) == [
        (f"questionnaire:{patient.pk}:2026-11-23", login_of(patient).pk)
    ]
    schedule_item_cancel(item=check_up, by=nurse, reason="On holiday", version=2)
    assert found(sources.questionnaires_due) == []


def test_a_retracted_answer_does_not_count_as_the_check_up_done(team):
    patient = make_patient(team, login=True)
    start_program(patient, date(2026, 11, 7))
    answers = [record(patient, code, items, date(2026, 11, 19)) for code, items in CHECK_UP]
    assert found(sources.questionnaires_due) == []
    type(answers[0]).objects.filter(pk=answers[0].pk).update(error_reason="wrong patient")
    assert found(sources.questionnaires_due) == [
        (f"questionnaire:{patient.pk}:2026-11-21", login_of(patient).pk)
    ]


def log(patient, exercise, day=SATURDAY):
    return ExerciseLog.objects.create(
        patient=patient,
        day=day,
        exercise=exercise,
        plan_version=1,
        completion="skipped",
        skip_reason="fatigue",
        entered_by=login_of(patient),
        entered_as="patient",
        client_key=uuid.uuid4(),
    )


def test_todays_session_is_reminded_from_17_00_while_an_exercise_is_not_logged(team, time_machine):
    patient = make_patient(team, login=True)
    make_plan(patient, ["sit_to_stand", "heel_raises"])
    log(patient, "sit_to_stand")
    log(patient, "heel_raises", day=date(2026, 11, 20))  # yesterday's does not count
    assert found(sources.sessions_not_done) == []  # 10:00: not yet
    time_machine.move_to("2026-11-21 16:59:00+00:00", tick=False)
    assert found(sources.sessions_not_done) == []
    time_machine.move_to("2026-11-21 17:00:00+00:00", tick=False)
    assert found(sources.sessions_not_done) == [
        (f"session:{patient.pk}:2026-11-21", login_of(patient).pk)
    ]
    [item] = sources.sessions_not_done(timezone.localtime())
    assert item.text_en == "You have an exercise session to do today."
    assert item.url == "/me/today/"
    log(patient, "heel_raises")  # a skipped exercise is logged too
    assert found(sources.sessions_not_done) == []


def test_no_session_reminder_without_an_approved_plan_or_on_a_rest_day(team, time_machine):
    time_machine.move_to("2026-11-21 18:00:00+00:00", tick=False)
    waiting = make_patient(team, login=True)
    version = make_plan(waiting, ["sit_to_stand"])
    type(version).objects.filter(pk=version.pk).update(needs_approval=True)
    rest_day = make_patient(team, login=True)
    make_plan(rest_day, ["sit_to_stand"], days=[0, 2, 4])  # Monday, Wednesday, Friday
    assert found(sources.sessions_not_done) == []


def test_the_latest_approved_version_is_the_one_in_force(team, time_machine):
    time_machine.move_to("2026-11-21 18:00:00+00:00", tick=False)
    patient = make_patient(team, login=True)
    make_plan(patient, ["sit_to_stand"])
    make_plan(patient, ["heel_raises"])
    log(patient, "heel_raises")
    assert found(sources.sessions_not_done) == []


def test_follow_ups_the_day_before_and_within_two_hours(team):
    patient = make_patient(team, login=True)
    user = login_of(patient).pk
    tomorrow = make_follow_up(patient, datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    soon = make_follow_up(patient, datetime(2026, 11, 21, 11, 30, tzinfo=UTC), mode="video")
    make_follow_up(patient, datetime(2026, 11, 21, 12, 30, tzinfo=UTC))  # in 2.5 hours
    make_follow_up(patient, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # Monday
    cancelled = make_follow_up(patient, datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    type(cancelled).objects.filter(pk=cancelled.pk).update(
        status="cancelled", closed_at=timezone.now(), cancellation_reason="Patient away"
    )
    assert found(sources.follow_ups_upcoming) == sorted(
        [
            (f"followup:{tomorrow.pk}:2026-11-22T09:00:day_before", user),
            (f"followup:{soon.pk}:2026-11-21T11:30:soon", user),
        ]
    )
    texts = {d.key: d.text_en for d in sources.follow_ups_upcoming(timezone.localtime())}
    assert texts[f"followup:{tomorrow.pk}:2026-11-22T09:00:day_before"] == (
        "Your care team will phone you tomorrow at 09:00."
    )
    assert texts[f"followup:{soon.pk}:2026-11-21T11:30:soon"] == (
        "You have a video call with your care team today at 11:30."
    )


def test_a_moved_follow_up_is_a_new_reminder(team):
    patient = make_patient(team, login=True)
    call = make_follow_up(patient, datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    [before] = found(sources.follow_ups_upcoming)
    type(call).objects.filter(pk=call.pk).update(
        scheduled_at=datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    )
    [after] = found(sources.follow_ups_upcoming)
    assert before[0] != after[0]
    assert after[0] == f"followup:{call.pk}:2026-11-22T15:00:day_before"


def test_keys_are_stable_from_one_run_to_the_next(team, time_machine):
    patient = make_patient(team, login=True)
    make_action(patient, due_on=date(2026, 11, 20))
    make_assignment(patient, due_on=SATURDAY)
    start_program(patient, date(2026, 11, 7))
    make_follow_up(patient, datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    first = {d.key for d in sources.due_now(timezone.localtime())}
    time_machine.move_to("2026-11-21 10:15:00+00:00", tick=False)
    assert {d.key for d in sources.due_now(timezone.localtime())} == first
    assert len(first) == 4
