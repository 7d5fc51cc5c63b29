from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.patients.domain import (
    CLOSED,
    OPEN,
    TRANSITIONS,
    EpisodeStatus,
    Refusal,
    age_on,
    birth_date_refusal,
    display_name,
    duplicate_key,
    event_date_refusal,
    normalise_name,
    transition_refusal,
)

TODAY = date(2026, 11, 21)
S = EpisodeStatus


def move(current: S, target: S, **overrides) -> Refusal | None:
    args = {
        "reason": "",
        "on": TODAY,
        "last_change_on": date(2026, 10, 1),
        "today": TODAY,
        "has_program_consent": True,
    }
    return transition_refusal(current, target, **{**args, **overrides})


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.REFERRED, S.ASSESSMENT),
        (S.ASSESSMENT, S.ACTIVE),
        (S.ACTIVE, S.MAINTENANCE),
        (S.MAINTENANCE, S.DISCHARGED),
        (S.ACTIVE, S.DISCHARGED),
        (S.MAINTENANCE, S.ACTIVE),
    ],
)
def test_the_program_path_is_allowed(current, target):
    assert move(current, target) is None


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.REFERRED, S.ACTIVE),  # no skipping the assessment
        (S.REFERRED, S.DISCHARGED),
        (S.ASSESSMENT, S.MAINTENANCE),
        (S.DISCHARGED, S.ACTIVE),  # a closed episode stays closed: open a new one
        (S.WITHDRAWN, S.REFERRED),
        (S.ACTIVE, S.ACTIVE),
    ],
)
def test_skipping_or_reopening_is_refused(current, target):
    assert move(current, target) == Refusal("status", "transition_not_allowed")


def test_withdrawal_needs_a_reason():
    assert move(S.ACTIVE, S.WITHDRAWN, reason="  ") == Refusal("reason", "withdrawal_needs_reason")
    assert move(S.ACTIVE, S.WITHDRAWN, reason="Moved away") is None


def test_assessment_and_active_need_program_consent():
    assert move(S.REFERRED, S.ASSESSMENT, has_program_consent=False) == Refusal(
        "status", "needs_program_consent"
    )
    # withdrawing never needs consent: a patient who withdraws consent must be able to leave
    assert move(S.REFERRED, S.WITHDRAWN, reason="Declined", has_program_consent=False) is None


def test_a_change_cannot_be_dated_in_the_future_or_before_the_last_change():
    assert move(S.REFERRED, S.ASSESSMENT, on=date(2026, 11, 22)) == Refusal("on", "date_in_future")
    assert move(S.REFERRED, S.ASSESSMENT, on=date(2026, 9, 30)) == Refusal(
        "on", "before_last_change"
    )
    assert move(S.REFERRED, S.ASSESSMENT, on=date(2026, 10, 1)) is None


def test_every_open_status_can_be_withdrawn_and_closed_ones_lead_nowhere():
    assert {S.DISCHARGED, S.WITHDRAWN} == CLOSED
    for status in OPEN:
        assert S.WITHDRAWN in TRANSITIONS[status]


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_a_move_is_allowed_exactly_when_the_table_says_so(current, target):
    refusal = move(current, target, reason="reason given")
    assert (refusal is None) == (target in TRANSITIONS[current])


@given(st.lists(st.sampled_from(list(S)), max_size=12))
def test_following_allowed_moves_never_leaves_a_closed_episode(path):
    status = S.REFERRED
    for target in path:
        if move(status, target, reason="r") is None:
            assert status not in CLOSED
            status = target


def test_dates_of_history_events():
    born = date(1950, 3, 14)
    assert event_date_refusal(None, date_of_birth=born, today=TODAY, field="x") is None
    assert event_date_refusal(
        date(1950, 3, 13), date_of_birth=born, today=TODAY, field="x"
    ) == Refusal("x", "before_birth")
    assert event_date_refusal(born, date_of_birth=born, today=TODAY, field="x") is None
    assert event_date_refusal(TODAY, date_of_birth=born, today=TODAY, field="x") is None
    assert event_date_refusal(
        date(2026, 11, 22), date_of_birth=born, today=TODAY, field="x"
    ) == Refusal("x", "date_in_future")


def test_birth_dates():
    assert birth_date_refusal(date(2026, 11, 22), today=TODAY) == Refusal(
        "date_of_birth", "date_in_future"
    )
    # more than 120 calendar years back is a typo, not a patient
    assert birth_date_refusal(date(1905, 12, 31), today=TODAY) == Refusal(
        "date_of_birth", "implausibly_old"
    )
    assert birth_date_refusal(date(1906, 1, 1), today=TODAY) is None
    assert birth_date_refusal(date(1938, 5, 2), today=TODAY) is None


def test_duplicate_key_ignores_case_and_spacing():
    born = date(1950, 3, 14)
    assert duplicate_key(" SMITH ", "mary  ann", born) == duplicate_key("Smith", "Mary Ann", born)
    assert duplicate_key("王", "芳", born) != duplicate_key("王", "芳", date(1950, 3, 15))


@given(st.text(), st.text())
def test_normalised_names_have_no_outer_or_double_spaces(family, given_name):
    for name in (normalise_name(family), normalise_name(given_name)):
        assert name == name.strip()
        assert "  " not in name


def test_display_names_follow_the_language_of_the_name():
    assert display_name("王", "芳") == "王芳"
    assert display_name("Smith", "Margaret") == "Margaret Smith"


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(1950, 3, 14), date(2026, 3, 13), 75),
        (date(1950, 3, 14), date(2026, 3, 14), 76),
        (date(1944, 2, 29), date(2026, 2, 28), 81),
        (date(1944, 2, 29), date(2026, 3, 1), 82),
    ],
)
def test_age_in_completed_years(born, day, age):
    assert age_on(born, day) == age
