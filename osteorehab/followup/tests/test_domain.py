"""The program's schedule, each item's window and its status on a day: pure, no database."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.domain import BASELINE_BATTERY, FOLLOW_UP_BATTERY
from osteorehab.followup.domain import (
    ATTENTION,
    NEEDS,
    TIMELINE,
    WINDOWS,
    Item,
    Kind,
    Status,
    add_months,
    done_on,
    item_status,
    moved,
    pending,
    planned,
    program_schedule,
    urgency,
)

START = date(2026, 1, 5)  # a Monday
CHECK_UP = FOLLOW_UP_BATTERY["psychological_check_up"]
MOTOR = FOLLOW_UP_BATTERY["motor_endurance_test"]


def d(day: int) -> date:
    """The day `day` days after the start."""
    return START + timedelta(days=day)


def of(schedule: tuple[Item, ...], kind: Kind) -> list[date]:
    return [item.due_on for item in schedule if item.kind is kind]


# ---- The program's schedule ----


def test_the_program_schedule_follows_the_programs_cadence_for_a_year():
    schedule = program_schedule(START)
    fortnights = [d(14 * k) for k in range(1, 27)]  # day 364 is inside the year, 378 is not
    assert of(schedule, Kind.PSYCHOLOGICAL_CHECK_UP) == fortnights
    assert of(schedule, Kind.MOTOR_ENDURANCE_TEST) == fortnights
    assert of(schedule, Kind.TEAM_REVIEW) == [date(2026, m, 5) for m in range(2, 13)] + [
        date(2027, 1, 5)
    ]
    assert of(schedule, Kind.REASSESSMENT) == [date(2026, 4, 5), date(2026, 7, 5), date(2027, 1, 5)]
    assert of(schedule, Kind.BONE_DENSITY) == [date(2027, 1, 5)]
    assert len(schedule) == 26 + 26 + 12 + 3 + 1


def test_the_schedule_is_in_date_order_and_on_a_shared_day_in_the_kinds_order():
    schedule = program_schedule(START)
    assert [item.due_on for item in schedule] == sorted(item.due_on for item in schedule)
    last_day = [item.kind for item in schedule if item.due_on == date(2027, 1, 5)]
    assert last_day == [Kind.TEAM_REVIEW, Kind.REASSESSMENT, Kind.BONE_DENSITY]
    first_day = [item.kind for item in schedule if item.due_on == d(14)]
    assert first_day == [Kind.PSYCHOLOGICAL_CHECK_UP, Kind.MOTOR_ENDURANCE_TEST]


@pytest.mark.parametrize(
    ("kind", "opens", "closes"),
    [
        (Kind.PSYCHOLOGICAL_CHECK_UP, -3, 4),
        (Kind.MOTOR_ENDURANCE_TEST, -3, 4),
        (Kind.TEAM_REVIEW, -7, 7),
        (Kind.REASSESSMENT, -14, 14),
        (Kind.BONE_DENSITY, -30, 60),
    ],
)
def test_each_kind_has_its_window(kind, opens, closes):
    item = planned(kind, d(100))
    assert (item.opens_on, item.due_on, item.closes_on) == (d(100 + opens), d(100), d(100 + closes))


def test_what_each_item_needs_to_be_done():
    assert NEEDS[Kind.PSYCHOLOGICAL_CHECK_UP] == ("gad7", "phq9", "confidence", "short_fes_i")
    assert NEEDS[Kind.MOTOR_ENDURANCE_TEST] == ("chair_stand_30s", "two_minute_walk")
    assert NEEDS[Kind.TEAM_REVIEW] == ()
    assert NEEDS[Kind.BONE_DENSITY] == ("bone_density", "frax")
    # the full reassessment is the whole baseline battery but the DXA and FRAX
    baseline = {code for codes in BASELINE_BATTERY.values() for code in codes}
    assert set(NEEDS[Kind.REASSESSMENT]) == baseline - {"bone_density", "frax"}
    assert {"phq9", "tug", "falls_risk_wfg", "pain_nrs", "tsk17"} <= set(NEEDS[Kind.REASSESSMENT])


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), 2, date(2026, 3, 31)),  # from the start, not from February
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 5), 12, date(2027, 3, 5)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


def test_a_start_on_the_31st_keeps_each_months_last_day():
    reviews = of(program_schedule(date(2026, 1, 31)), Kind.TEAM_REVIEW)
    assert reviews[:4] == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]


def test_a_moved_item_keeps_its_windows_shape():
    item = planned(Kind.TEAM_REVIEW, d(30))
    later = moved(item, d(40))
    assert (later.opens_on, later.due_on, later.closes_on) == (d(33), d(40), d(47))
    assert moved(later, d(30)) == item


def test_an_item_whose_window_does_not_hold_its_due_date_is_refused():
    with pytest.raises(ValueError, match="opens <= due <= closes"):
        Item(Kind.TEAM_REVIEW, d(10), d(11), d(20))
    with pytest.raises(ValueError, match="opens <= due <= closes"):
        Item(Kind.TEAM_REVIEW, d(10), d(5), d(9))
    with pytest.raises(ValueError, match="only a team_review is marked held"):
        Item(Kind.PSYCHOLOGICAL_CHECK_UP, d(10), d(7), d(14), held_on=d(10))


# ---- Status: every boundary ----

CHECK = planned(Kind.PSYCHOLOGICAL_CHECK_UP, d(14))  # window d(11)..d(18)
ALL_FOUR = {code: [d(12)] for code in CHECK_UP}


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (d(10), Status.UPCOMING),  # the day before the window opens
        (d(11), Status.DUE),  # the window opens
        (d(14), Status.DUE),  # the due date
        (d(15), Status.OVERDUE),  # the day after
        (d(18), Status.OVERDUE),  # the window's last day
        (d(19), Status.MISSED),  # the window closed
        (d(400), Status.MISSED),
    ],
)
def test_an_item_not_done_through_time(today, status):
    assert item_status(CHECK, {}, today=today) is status


def test_an_item_whose_window_opens_on_its_due_date_is_due_at_once():
    item = Item(Kind.TEAM_REVIEW, d(10), d(10), d(12))
    assert item_status(item, {}, today=d(9)) is Status.UPCOMING
    assert item_status(item, {}, today=d(10)) is Status.DUE


def test_an_item_whose_window_closes_on_its_due_date_is_never_overdue():
    item = Item(Kind.TEAM_REVIEW, d(10), d(8), d(10))
    assert item_status(item, {}, today=d(10)) is Status.DUE
    assert item_status(item, {}, today=d(11)) is Status.MISSED


@pytest.mark.parametrize(
    ("days", "status", "done"),
    [
        (d(11), Status.DONE, d(11)),  # the window's first day
        (d(18), Status.DONE, d(18)),  # its last day
        (d(10), Status.MISSED, None),  # the day before it opened
        (d(19), Status.MISSED, None),  # the day after it closed: late does not count
    ],
)
def test_only_an_assessment_inside_the_window_counts(days, status, done):
    administered = {code: [days] for code in CHECK_UP}
    assert item_status(CHECK, administered, today=d(30)) is status
    assert done_on(CHECK, administered, today=d(30)) == done


def test_an_item_is_done_when_its_last_instrument_is_and_not_before():
    administered = {"gad7": [d(12)], "phq9": [d(12)], "confidence": [d(13)]}
    assert item_status(CHECK, administered, today=d(16)) is Status.OVERDUE
    assert pending(CHECK, administered, today=d(16)) == ("short_fes_i",)
    administered["short_fes_i"] = [d(17)]
    assert item_status(CHECK, administered, today=d(16)) is Status.OVERDUE  # not yet on day 16
    assert item_status(CHECK, administered, today=d(17)) is Status.DONE
    assert done_on(CHECK, administered, today=d(17)) == d(17)
    assert pending(CHECK, administered, today=d(17)) == ()


def test_the_first_assessment_inside_the_window_is_the_day_it_was_done():
    administered = {code: [d(2), d(16), d(12), d(30)] for code in CHECK_UP}
    assert done_on(CHECK, administered, today=d(40)) == d(12)


def test_other_instruments_do_not_count():
    administered = {code: [d(12)] for code in ("gad7", "phq9", "confidence", "fes_i")}
    assert item_status(CHECK, administered, today=d(20)) is Status.MISSED
    assert pending(CHECK, administered, today=d(20)) == ("short_fes_i",)


@pytest.mark.parametrize(
    ("held_on", "today", "status"),
    [
        (None, d(30), Status.DUE),
        (d(28), d(30), Status.DONE),
        (d(31), d(30), Status.DUE),  # marked for a day still to come: not yet
        (d(40), d(45), Status.DONE),  # held late, marked by staff: done
        (None, d(38), Status.MISSED),
    ],
)
def test_a_team_review_is_done_when_staff_mark_it_held(held_on, today, status):
    review = Item(Kind.TEAM_REVIEW, d(30), d(23), d(37), held_on=held_on)
    assert item_status(review, ALL_FOUR, today=today) is status
    assert pending(review, {}, today=today) == ()


def test_a_cancelled_item_is_cancelled_whatever_was_done():
    cancelled = Item(CHECK.kind, CHECK.due_on, CHECK.opens_on, CHECK.closes_on, cancelled=True)
    assert item_status(cancelled, ALL_FOUR, today=d(20)) is Status.CANCELLED
    assert item_status(cancelled, {}, today=d(5)) is Status.CANCELLED


@pytest.mark.parametrize(
    ("ended_on", "today", "status"),
    [
        (d(20), d(19), Status.MISSED),  # missed before the episode ended: stays missed
        (d(20), d(40), Status.MISSED),
        (d(18), d(18), Status.CANCELLED),  # ended while the window was open
        (d(5), d(6), Status.CANCELLED),  # ended before it opened
        (d(5), d(4), Status.UPCOMING),  # before the end, as any other
    ],
)
def test_an_item_not_done_when_the_episode_ended_is_cancelled_by_it(ended_on, today, status):
    item = Item(CHECK.kind, CHECK.due_on, CHECK.opens_on, CHECK.closes_on, ended_on=ended_on)
    assert item_status(item, {}, today=today) is status


def test_an_item_done_before_the_episode_ended_stays_done():
    item = Item(CHECK.kind, CHECK.due_on, CHECK.opens_on, CHECK.closes_on, ended_on=d(13))
    assert item_status(item, ALL_FOUR, today=d(30)) is Status.DONE


def test_the_caseload_order_overdue_then_due_then_missed():
    late = planned(Kind.PSYCHOLOGICAL_CHECK_UP, d(14))  # closes d(18)
    later = planned(Kind.TEAM_REVIEW, d(10))  # closes d(17): closing sooner
    due = planned(Kind.MOTOR_ENDURANCE_TEST, d(18))
    old_miss = planned(Kind.PSYCHOLOGICAL_CHECK_UP, d(0))
    new_miss = planned(Kind.MOTOR_ENDURANCE_TEST, d(4))
    rows = [
        (Status.MISSED, old_miss),
        (Status.DUE, due),
        (Status.OVERDUE, late),
        (Status.MISSED, new_miss),
        (Status.OVERDUE, later),
    ]
    ordered = sorted(rows, key=lambda row: urgency(*row))
    assert ordered == [
        (Status.OVERDUE, later),
        (Status.OVERDUE, late),
        (Status.DUE, due),
        (Status.MISSED, new_miss),
        (Status.MISSED, old_miss),
    ]
    assert ATTENTION == (Status.OVERDUE, Status.DUE, Status.MISSED)


# ---- Properties ----

days = st.integers(min_value=-60, max_value=500).map(d)
kinds = st.sampled_from(list(Kind))


@st.composite
def items(draw: st.DrawFn) -> Item:
    due_on = draw(days)
    before = draw(st.integers(min_value=0, max_value=40))
    after = draw(st.integers(min_value=0, max_value=70))
    kind = draw(kinds)
    held = draw(st.one_of(st.none(), days)) if kind is Kind.TEAM_REVIEW else None
    return Item(
        kind,
        due_on,
        due_on - timedelta(days=before),
        due_on + timedelta(days=after),
        held_on=held,
    )


administrations = st.dictionaries(
    st.sampled_from(sorted({code for needs in NEEDS.values() for code in needs})),
    st.lists(days, max_size=4),
    max_size=12,
)


@given(items(), administrations, days, days)
def test_statuses_follow_one_another_in_time_and_done_is_for_good(item, administered, t1, t2):
    early, late = sorted((t1, t2))
    before = item_status(item, administered, today=early)
    after = item_status(item, administered, today=late)
    if before is Status.DONE:
        assert after is Status.DONE  # a done item never becomes missed
    elif after is not Status.DONE:
        assert TIMELINE.index(before) <= TIMELINE.index(after)


@given(items(), days)
def test_without_anything_done_the_statuses_partition_time_at_the_windows_edges(item, today):
    if item.held_on is not None:
        return
    periods = [
        (today < item.opens_on, Status.UPCOMING),
        (item.opens_on <= today <= item.due_on, Status.DUE),
        (item.due_on < today <= item.closes_on, Status.OVERDUE),
        (item.closes_on < today, Status.MISSED),
    ]
    assert [status for inside, status in periods if inside] == [item_status(item, {}, today=today)]


@given(items(), administrations, days)
def test_done_exactly_when_nothing_is_pending(item, administered, today):
    if item.kind is Kind.TEAM_REVIEW:
        return
    done = done_on(item, administered, today=today)
    assert (done is not None) == (pending(item, administered, today=today) == ())
    if done is not None:
        assert item.opens_on <= done <= min(item.closes_on, today)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_generating_twice_gives_the_same_schedule_with_sound_windows(start):
    schedule = program_schedule(start)
    assert schedule == program_schedule(start)
    end = add_months(start, 12)
    for item in schedule:
        assert start < item.opens_on <= item.due_on <= item.closes_on
        assert item.due_on <= end
        window = WINDOWS[item.kind]
        assert (item.due_on - item.opens_on).days == window.before_days
    # one of a kind per day, and the windows of one kind never overlap: no assessment counts twice
    for kind in Kind:
        mine = [item for item in schedule if item.kind is kind]
        assert len({item.due_on for item in mine}) == len(mine)
        for first, second in pairwise(mine):
            assert first.closes_on < second.opens_on


@given(items(), days)
def test_moving_keeps_the_window_around_the_new_date(item, due_on):
    shifted = moved(item, due_on)
    assert shifted.due_on == due_on
    assert shifted.due_on - shifted.opens_on == item.due_on - item.opens_on
    assert shifted.closes_on - shifted.due_on == item.closes_on - item.due_on
