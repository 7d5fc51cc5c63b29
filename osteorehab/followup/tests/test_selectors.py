from datetime import date

import pytest

from osteorehab.accounts.domain import Role
from osteorehab.followup import services
from osteorehab.followup.domain import Status
from osteorehab.followup.models import ScheduleItem
from osteorehab.followup.selectors import (
    check_ups,
    due_items,
    patient_schedule,
    questionnaires_due,
)
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Patient
from osteorehab.patients.services import episode_move
from tests.factories import make_patient, member

from .makers import record, record_all, start_program

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)  # conftest
CHECK_UP = ("gad7", "phq9", "confidence", "short_fes_i")
MOTOR = ("chair_stand_30s", "two_minute_walk")


def rows(found):
    return [(s.item.patient.family_name, s.item.kind, s.item.due_on, s.status) for s in found]


def the(patient, kind, due_on):
    return ScheduleItem.objects.get(patient=patient, kind=kind, due_on=due_on)


@pytest.fixture
def caseload(team):
    """Four patients in the program and one who withdrew, on Saturday 21 November."""
    nurse = member(team, Role.NURSE)
    # Started 5 Oct: fortnights 19 Oct, 2 Nov, 16 Nov; review 5 Nov held on the 6th.
    ann = make_patient(team, family_name="Ann")
    start_program(ann, date(2026, 10, 5))
    record_all(ann, CHECK_UP + MOTOR, date(2026, 10, 19))
    record_all(ann, CHECK_UP, date(2026, 11, 2))  # its motor test missed
    record_all(ann, CHECK_UP, date(2026, 11, 17))  # its motor test missed (window closed 20 Nov)
    services.schedule_item_complete(
        item=the(ann, "team_review", date(2026, 11, 5)), by=nurse, on=date(2026, 11, 6)
    )
    # Started 12 Oct: fortnights 26 Oct, 9 Nov done; 23 Nov's window opened on the 20th;
    # review 12 Nov never held (window closed 19 Nov).
    bob = make_patient(team, family_name="Bob")
    start_program(bob, date(2026, 10, 12))
    for day in (date(2026, 10, 26), date(2026, 11, 9)):
        record_all(bob, CHECK_UP + MOTOR, day)
    # Started 3 Nov: the check-up of 17 Nov not done, its window closes today; the motor test
    # cancelled.
    cid = make_patient(team, family_name="Cid")
    start_program(cid, date(2026, 11, 3))
    services.schedule_item_cancel(
        item=the(cid, "motor_endurance_test", date(2026, 11, 17)), by=nurse, reason="Knee pain"
    )
    # Started 20 Oct: both fortnights done; review 20 Nov not yet held (window to 27 Nov).
    dan = make_patient(team, family_name="Dan")
    start_program(dan, date(2026, 10, 20))
    for day in (date(2026, 11, 3), date(2026, 11, 17)):
        record_all(dan, CHECK_UP + MOTOR, day)
    # Withdrew: nothing of theirs is due any more.
    eve = make_patient(team, family_name="Eve")
    episode = start_program(eve, date(2026, 10, 5))
    episode_move(
        episode=episode,
        by=nurse,
        to_status=EpisodeStatus.WITHDRAWN,
        on=date(2026, 10, 10),
        reason="Moved away",
        version=episode.version,
    )
    return ann, bob, cid, dan, eve


def test_due_items_lists_what_needs_attention_across_the_caseload_most_urgent_first(caseload):
    found = due_items(Patient.objects.all(), TODAY)
    assert rows(found) == [
        # overdue, the window closing soonest first
        ("Cid", "psychological_check_up", date(2026, 11, 17), Status.OVERDUE),
        ("Dan", "team_review", date(2026, 11, 20), Status.OVERDUE),
        # due
        ("Bob", "psychological_check_up", date(2026, 11, 23), Status.DUE),
        ("Bob", "motor_endurance_test", date(2026, 11, 23), Status.DUE),
        # missed, the most recent first
        ("Ann", "motor_endurance_test", date(2026, 11, 16), Status.MISSED),
        ("Bob", "team_review", date(2026, 11, 12), Status.MISSED),
        ("Ann", "motor_endurance_test", date(2026, 11, 2), Status.MISSED),
    ]
    assert found[0].pending == CHECK_UP
    assert found[1].pending == ()
    assert found[4].pending == MOTOR


def test_due_items_reads_only_the_patients_it_is_given(caseload):
    ann, bob, *_ = caseload
    found = due_items(Patient.objects.filter(pk__in=[ann.pk, bob.pk]), TODAY)
    assert {s.item.patient.family_name for s in found} == {"Ann", "Bob"}
    assert due_items(Patient.objects.none(), TODAY) == []


def test_due_items_takes_two_queries_whatever_the_caseload(caseload, django_assert_num_queries):
    with django_assert_num_queries(2):
        found = due_items(Patient.objects.all(), TODAY)
        assert {s.item.patient.name for s in found}


def test_a_retracted_or_not_computable_assessment_does_not_count(team):
    patient = make_patient(team)
    start_program(patient, date(2026, 11, 3))  # check-up due 17 Nov, window 14-21 Nov
    record_all(patient, ("gad7", "confidence", "short_fes_i"), date(2026, 11, 18))
    wrong = record(patient, "phq9", date(2026, 11, 18))
    type(wrong).objects.filter(pk=wrong.pk).update(error_reason="Wrong patient")
    record(patient, "phq9", date(2026, 11, 19))
    type(wrong).objects.filter(instrument="phq9", administered_on=date(2026, 11, 19)).update(
        valid=False
    )
    [check_up] = [
        s for s in patient_schedule(patient, TODAY) if s.item.kind == "psychological_check_up"
    ][:1]
    assert (check_up.status, check_up.pending) == (Status.OVERDUE, ("phq9",))
    record(patient, "phq9", date(2026, 11, 20))
    [check_up] = [
        s for s in patient_schedule(patient, TODAY) if s.item.kind == "psychological_check_up"
    ][:1]
    assert (check_up.status, check_up.done_on) == (Status.DONE, date(2026, 11, 20))


def test_the_patients_schedule_in_date_order_with_two_queries(caseload, django_assert_num_queries):
    ann = caseload[0]
    with django_assert_num_queries(2):
        schedule = patient_schedule(ann, TODAY)
    assert len(schedule) == 68
    assert [s.item.due_on for s in schedule] == sorted(s.item.due_on for s in schedule)
    statuses = [(s.item.kind, s.item.due_on, s.status) for s in schedule[:7]]
    assert statuses == [
        ("psychological_check_up", date(2026, 10, 19), Status.DONE),
        ("motor_endurance_test", date(2026, 10, 19), Status.DONE),
        ("psychological_check_up", date(2026, 11, 2), Status.DONE),
        ("motor_endurance_test", date(2026, 11, 2), Status.MISSED),
        ("team_review", date(2026, 11, 5), Status.DONE),
        ("psychological_check_up", date(2026, 11, 16), Status.DONE),
        ("motor_endurance_test", date(2026, 11, 16), Status.MISSED),
    ]
    eve = caseload[4]
    ended = patient_schedule(eve, TODAY)
    assert {s.status for s in ended} == {Status.CANCELLED}  # withdrew before the first was due


def test_the_questionnaires_a_due_item_still_needs_the_earliest_first(team):
    patient = make_patient(team)
    start_program(patient, date(2026, 8, 29))  # check-up due today, 3-month reassessment 29 Nov
    record(patient, "gad7", date(2026, 11, 20))
    due = questionnaires_due(patient_schedule(patient, TODAY))
    # the patient's own: the check-up's three left and the reassessment's self-report
    assert sorted(due) == ["confidence", "phq9", "see", "short_fes_i", "tsk17"]
    assert due["phq9"].item.kind == "psychological_check_up"
    assert due["see"].item.kind == "reassessment"
    assert due["confidence"].item.due_on == date(2026, 11, 21)  # the check-up, due first


def test_the_patient_sees_their_check_ups_not_the_teams_reviews(caseload):
    dan = caseload[3]
    now, coming = check_ups(patient_schedule(dan, TODAY), TODAY, coming=3)
    assert now == []  # the overdue review is the team's
    assert [(c.scheduled.item.kind, c.scheduled.item.due_on) for c in coming] == [
        ("psychological_check_up", date(2026, 12, 1)),
        ("motor_endurance_test", date(2026, 12, 1)),
        ("psychological_check_up", date(2026, 12, 15)),
    ]
    assert coming[0].day.days == 10
    assert str(coming[1].words).startswith("Fitness check with your therapist")
    bob = caseload[1]
    now, _coming = check_ups(patient_schedule(bob, TODAY), TODAY)
    assert [(c.scheduled.item.kind, c.scheduled.status) for c in now] == [
        ("psychological_check_up", Status.DUE),
        ("motor_endurance_test", Status.DUE),
    ]
