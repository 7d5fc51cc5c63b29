from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.reminders.domain import (
    Channel,
    Due,
    Kind,
    Preference,
    in_quiet_hours,
    to_send,
    urgency,
)

NOON = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def due(key: str, kind: Kind = Kind.LESSON, at: datetime = NOON) -> Due:
    return Due(key, kind, 1, f"en {key}", f"zh {key}", "/me/", at)


@pytest.mark.parametrize(
    ("moment", "start", "end", "quiet"),
    [
        # a window across midnight, 21:00-08:00
        (time(21, 0), time(21, 0), time(8, 0), True),
        (time(23, 59), time(21, 0), time(8, 0), True),
        (time(0, 0), time(21, 0), time(8, 0), True),
        (time(7, 59), time(21, 0), time(8, 0), True),
        (time(8, 0), time(21, 0), time(8, 0), False),
        (time(20, 59), time(21, 0), time(8, 0), False),
        # a window within one day, 13:00-15:00 (an afternoon rest)
        (time(12, 59), time(13, 0), time(15, 0), False),
        (time(13, 0), time(13, 0), time(15, 0), True),
        (time(14, 59), time(13, 0), time(15, 0), True),
        (time(15, 0), time(13, 0), time(15, 0), False),
        # the same start and end: no quiet hours
        (time(9, 0), time(9, 0), time(9, 0), False),
    ],
)
def test_quiet_hours_start_inclusive_end_exclusive_and_may_cross_midnight(
    moment, start, end, quiet
):
    assert in_quiet_hours(moment, start, end) is quiet


def test_sends_the_most_urgent_first_up_to_the_days_allowance():
    items = [
        due("lesson:1", Kind.LESSON, NOON - timedelta(days=1)),
        due("questionnaire:1", Kind.QUESTIONNAIRE, NOON - timedelta(days=9)),
        due("homesafety:2", Kind.HOME_SAFETY, NOON),
        due("homesafety:1", Kind.HOME_SAFETY, NOON - timedelta(days=3)),
        due("followup:1", Kind.FOLLOW_UP, NOON + timedelta(hours=20)),
        due("session:1", Kind.SESSION, NOON),
    ]
    chosen = to_send(items, Preference(max_per_day=5), NOON, sent_keys=[], sent_today=0)
    assert [d.key for d in chosen] == [
        "followup:1",
        "session:1",
        "homesafety:1",  # the older of the two home-safety actions first
        "homesafety:2",
        "lesson:1",
    ]


def test_what_was_sent_today_counts_against_the_allowance():
    items = [due("a"), due("b"), due("c")]
    assert [d.key for d in to_send(items, Preference(max_per_day=2), NOON, [], 1)] == ["a"]
    assert to_send(items, Preference(max_per_day=2), NOON, [], 2) == []


def test_a_key_already_sent_is_not_sent_again_and_a_key_due_twice_is_one_reminder():
    items = [due("a"), due("b"), due("b")]
    chosen = to_send(items, Preference(max_per_day=5), NOON, sent_keys={"a"}, sent_today=0)
    assert [d.key for d in chosen] == ["b"]


def test_nothing_in_quiet_hours_and_nothing_without_a_channel():
    items = [due("a")]
    assert to_send(items, Preference(), datetime(2026, 11, 21, 22, 30, tzinfo=UTC), [], 0) == []
    assert to_send(items, Preference(), datetime(2026, 11, 21, 7, 45, tzinfo=UTC), [], 0) == []
    assert [
        d.key for d in to_send(items, Preference(), datetime(2026, 11, 21, 8, 0, tzinfo=UTC), [], 0)
    ] == ["a"]
    assert to_send(items, Preference(channels=frozenset()), NOON, [], 0) == []


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_the_daily_allowance_is_one_to_five(bad):
    with pytest.raises(ValueError, match="max_per_day"):
        Preference(max_per_day=bad)


def test_the_text_is_in_the_readers_language():
    item = due("a")
    assert (item.text("zh-hans"), item.text("en")) == ("zh a", "en a")


# ---- Properties ----

times = st.times()
keys = st.sampled_from([f"k{n}" for n in range(8)])
items = st.lists(
    st.builds(
        due,
        keys,
        st.sampled_from(list(Kind)),
        st.datetimes(),
    ),
    max_size=12,
)
preferences = st.builds(
    Preference,
    channels=st.frozensets(st.sampled_from(list(Channel))),
    quiet_start=times,
    quiet_end=times,
    max_per_day=st.integers(1, 5),
)
moments = st.datetimes()
sent = st.sets(keys)
counts = st.integers(0, 7)


@given(items, preferences, moments, sent, counts)
def test_never_resends_a_key(due_items, preference, now, sent_keys, sent_today):
    chosen = to_send(due_items, preference, now, sent_keys, sent_today)
    assert not {d.key for d in chosen} & sent_keys
    assert len({d.key for d in chosen}) == len(chosen)


@given(items, preferences, moments, sent, counts)
def test_never_sends_in_quiet_hours(due_items, preference, now, sent_keys, sent_today):
    if in_quiet_hours(now.time(), preference.quiet_start, preference.quiet_end):
        assert to_send(due_items, preference, now, sent_keys, sent_today) == []


@given(items, preferences, moments, sent, counts)
def test_never_exceeds_the_daily_cap(due_items, preference, now, sent_keys, sent_today):
    chosen = to_send(due_items, preference, now, sent_keys, sent_today)
    assert sent_today + len(chosen) <= max(preference.max_per_day, sent_today)
    assert len(chosen) <= preference.max_per_day


@given(preferences, moments, sent, counts)
def test_with_nothing_due_sends_nothing(preference, now, sent_keys, sent_today):
    assert to_send([], preference, now, sent_keys, sent_today) == []


@given(items, preferences, moments, sent, counts)
def test_what_waits_is_never_more_urgent_than_what_goes(
    due_items, preference, now, sent_keys, sent_today
):
    chosen = to_send(due_items, preference, now, sent_keys, sent_today)
    chosen_keys = {d.key for d in chosen}
    waiting = [d for d in due_items if d.key not in sent_keys and d.key not in chosen_keys]
    if chosen and waiting:
        assert max(urgency(d) for d in chosen) <= min(urgency(d) for d in waiting)
    assert chosen == sorted(chosen, key=urgency)


@given(items, preferences, moments, sent, counts)
def test_when_it_may_send_it_sends_all_it_may(due_items, preference, now, sent_keys, sent_today):
    if not preference.channels or in_quiet_hours(
        now.time(), preference.quiet_start, preference.quiet_end
    ):
        return
    fresh = {d.key for d in due_items} - sent_keys
    chosen = to_send(due_items, preference, now, sent_keys, sent_today)
    assert len(chosen) == max(0, min(len(fresh), preference.max_per_day - sent_today))
