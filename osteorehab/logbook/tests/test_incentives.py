"""The feedback that links effort to gains: the forgiving run of days, the week's work, the
measures' gains and the milestones."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import Better
from osteorehab.logbook.domain import Adherence, Completion, DayState
from osteorehab.logbook.incentives import (
    GoalRated,
    Measure,
    Measured,
    MilestoneKind,
    Streak,
    Work,
    gains,
    milestones,
    streak,
    week,
)
from osteorehab.plans.exercises import Category

TODAY = date(2026, 11, 20)  # a Friday
D, P, M, R = DayState.DONE, DayState.PARTLY, DayState.MISSED, DayState.REST


def days(*states: DayState) -> dict[date, DayState]:
    """The states given oldest first, the last one today."""
    return {TODAY - timedelta(days=len(states) - 1 - i): s for i, s in enumerate(states)}


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ((), Streak(0, 0)),
        ((D,), Streak(1, 0)),
        ((D, D, D), Streak(3, 0)),
        ((D, P, D), Streak(3, 0)),  # a session done in part counts
        ((D, M, D), Streak(2, 1)),  # one missed day is forgiven
        ((D, M, M, D), Streak(1, 0)),  # two in a row end the run
        ((D, M, R, M, D), Streak(1, 0)),  # rest days between them do not save it
        ((D, M, R, D), Streak(2, 1)),
        ((D, D, R, R, D), Streak(3, 0)),  # days with nothing planned neither count nor break
        ((D, D, M), Streak(2, 0)),  # today is not over yet
        ((D, D, M, M), Streak(2, 1)),  # today pending; yesterday's miss is forgiven
        ((D, M, M, M), Streak(0, 0)),
        ((D, M, D, M, D), Streak(3, 2)),
        ((M, M), Streak(0, 0)),
    ],
)
def test_the_run_of_days(states, expected):
    assert streak(days(*states), TODAY) == expected


STATES = st.lists(st.sampled_from([D, P, M, R]), max_size=40)


@given(STATES, st.integers(min_value=0, max_value=39))
def test_exercising_on_a_day_never_shortens_the_run(states, index):
    before = streak(days(*states), TODAY)
    if index < len(states):
        states = [*states[:index], D, *states[index + 1 :]]
    assert streak(days(*states), TODAY).days >= before.days


@given(STATES)
def test_the_run_counts_only_days_exercised_and_forgives_fewer_than_it_counts(states):
    found = streak(days(*states), TODAY)
    assert found.days <= sum(1 for s in states if s in (D, P))
    assert found.forgiven <= found.days


@given(STATES, st.integers(min_value=0, max_value=5))
def test_rest_days_change_nothing(states, extra):
    with_rest = [s for state in states for s in ([R] * extra + [state])]  # today stays last
    assert streak(days(*with_rest), TODAY) == streak(days(*states), TODAY)


MONDAY = date(2026, 11, 16)


def work(
    day, category, *, planned=True, planned_minutes=0, completion=None, minutes=None, sets=None
):
    return Work(
        MONDAY + timedelta(days=day), category, planned, planned_minutes, completion, minutes, sets
    )


def test_the_week_counts_sessions_balance_minutes_and_strength_days():
    found = week(
        MONDAY,
        [D, P, M, R, D],
        [
            work(0, Category.BALANCE, planned_minutes=10, completion=Completion.DONE, minutes=10),
            work(0, Category.TAI_CHI, planned_minutes=10, completion=Completion.DONE, minutes=12),
            work(1, Category.BALANCE, planned_minutes=10, completion=Completion.PARTLY, minutes=4),
            work(2, Category.BALANCE, planned_minutes=10, completion=Completion.SKIPPED),
            work(0, Category.RESISTANCE, completion=Completion.DONE, sets=2),
            work(0, Category.FUNCTIONAL, completion=Completion.DONE, sets=1),
            work(3, Category.RESISTANCE),  # planned, not logged
            work(4, Category.RESISTANCE, planned=False, completion=Completion.DONE, sets=1),
            work(4, Category.AEROBIC, planned_minutes=10, completion=Completion.DONE, minutes=10),
        ],
    )
    assert found.sessions == Adherence(planned=4, done=2, partly=1)
    assert found.sessions.share == 0.75
    assert (found.balance_minutes, found.balance_minutes_planned) == (26, 40)
    assert (found.strength_days, found.strength_days_planned, found.strength_sets) == (2, 2, 4)


def chair(first, latest, *, first_flags=(), latest_flags=(), norm=None, mcid=None):
    return Measure(
        instrument="chair_stand_30s",
        name="30-Second Chair Stand",
        better=Better.HIGHER,
        mcid=mcid,
        mcid_source="a source" if mcid else "",
        first=Measured(date(2026, 9, 1), first, frozenset(first_flags)),
        latest=Measured(date(2026, 11, 1), latest, frozenset(latest_flags), norm),
    )


def test_a_chair_stand_above_the_line_for_age_reads_as_the_issue_says():
    (gain,) = gains([chair(8, 11, first_flags={"below_norm"}, norm=10)])
    assert [str(s) for s in gain.sentences] == [
        "30-Second Chair Stand: up from 8 to 11.",
        "At the start: Below the norm for age and sex. Not any more.",
        "The line for your age: 10.",
    ]


def test_fewer_seconds_is_a_gain_and_the_mcid_says_whether_it_matters():
    tug = Measure(
        instrument="five_times_sit_to_stand",
        name="Five Times Sit to Stand",
        better=Better.LOWER,
        mcid=2.3,
        mcid_source="MCID 2.3 s [clinical-reference 2.10]",
        first=Measured(date(2026, 9, 1), 16.0, frozenset()),
        latest=Measured(date(2026, 11, 1), 13.5, frozenset()),
    )
    (gain,) = gains([tug])
    assert gain.important
    assert [str(s) for s in gain.sentences] == [
        "Five Times Sit to Stand: down from 16 to 13.5.",
        "That is a change that matters: at least 2.3 (MCID 2.3 s [clinical-reference 2.10]).",
    ]


def test_no_change_and_a_worse_result_are_not_shown_to_the_patient():
    assert gains([chair(10, 10), chair(11, 9, latest_flags={"below_norm"})]) == []


def test_milestones_come_from_goals_measures_and_full_weeks_newest_first():
    found = milestones(
        [
            GoalRated("Walk to the market", date(2026, 10, 1), -1),
            GoalRated("Walk to the market", date(2026, 10, 15), 0),
            GoalRated("Walk to the market", date(2026, 11, 1), 1),  # reached once, not twice
            GoalRated("Carry shopping", date(2026, 11, 1), -1),
        ],
        gains([chair(8, 12, first_flags={"below_norm"}, mcid=2)]),
        [(MONDAY, Adherence(7, 7, 0)), (MONDAY - timedelta(days=7), Adherence(7, 6, 1))],
    )
    assert [(m.day, m.kind, str(m.reason)) for m in found] == [
        (
            date(2026, 11, 22),
            MilestoneKind.FULL_WEEK,
            "Every planned session done in the week of 2026-11-16.",
        ),
        (
            date(2026, 11, 1),
            MilestoneKind.RISK_LINE_LEFT,
            "Your 30-Second Chair Stand left the range: Below the norm for age and sex.",
        ),
        (
            date(2026, 11, 1),
            MilestoneKind.IMPORTANT_CHANGE,
            "Your 30-Second Chair Stand changed by as much as matters.",
        ),
        (
            date(2026, 10, 15),
            MilestoneKind.GOAL_REACHED,
            "You reached your goal: Walk to the market",
        ),
    ]
