"""The routing table, the day in words, the link rule and the unread rule: pure, no database."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.accounts.domain import CLINICAL_ROLES, Role
from osteorehab.contact.domain import (
    ROUTES,
    Day,
    DayWord,
    Topic,
    day_words,
    https_only,
    route,
    unread,
)


def test_each_topic_goes_to_the_role_whose_remit_it_is():
    assert {r.topic: r.role for r in ROUTES} == {
        Topic.EXERCISE: Role.THERAPIST,
        Topic.FEELINGS: Role.COUNSELLOR,
        Topic.MEDICAL: Role.PHYSICIAN,
        Topic.OTHER: Role.NURSE,
    }
    assert [r.topic.value for r in ROUTES] == ["exercise", "feelings", "medical", "other"]
    # every clinical role receives one topic, and every route says why
    assert sorted(r.role for r in ROUTES) == sorted(CLINICAL_ROLES)
    for r in ROUTES:
        assert r.label
        assert r.hint
        assert r.reason.endswith(".")


@pytest.mark.parametrize(
    ("topic", "role"),
    [
        ("exercise", "therapist"),
        ("feelings", "counsellor"),
        ("medical", "physician"),
        ("other", "nurse"),
    ],
)
def test_route_by_code(topic, role):
    assert route(topic).role == role


@pytest.mark.parametrize("topic", ["", "Medical", "urgent", "nurse"])
def test_an_unknown_topic_is_refused_never_sent_to_a_default_role(topic):
    with pytest.raises(ValueError, match="unknown topic"):
        route(topic)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 21), Day(DayWord.TODAY, 0)),
        (date(2026, 11, 22), Day(DayWord.TOMORROW, 1)),
        (date(2026, 11, 23), Day(DayWord.IN_DAYS, 2)),
        (date(2026, 12, 21), Day(DayWord.IN_DAYS, 30)),
        (date(2026, 11, 20), Day(DayWord.PAST, -1)),
    ],
)
def test_the_day_in_words(day, expected):
    assert day_words(day, today=date(2026, 11, 21)) == expected


@pytest.mark.parametrize(
    ("link", "shown"),
    [
        ("https://meet.clinic.example/r/abc", "https://meet.clinic.example/r/abc"),
        ("http://meet.clinic.example/r/abc", ""),
        ("javascript:alert(1)", ""),
        ("https://", ""),
        (" https://x.example", ""),
        ("", ""),
    ],
)
def test_only_https_links_are_shown_as_links(link, shown):
    assert https_only(link) == shown


@given(st.lists(st.integers(1, 10_000), unique=True), st.none() | st.integers(0, 10_000))
def test_unread_is_never_negative_nor_more_than_the_messages(ids, read_upto):
    count = unread(ids, read_upto)
    assert 0 <= count <= len(ids)
    assert unread(ids, None) == len(ids)
    if ids:
        assert unread(ids, max(ids)) == 0
