"""PHQ-9 (clinical-reference 1.1): every band boundary on both sides, the item-9 safety flag,
the diagnostic algorithm and the missing-item convention."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import InputError

PHQ9 = INSTRUMENTS["phq9"]


def answers_totalling(total: int, item9: int = 0) -> list[int]:
    """Nine answers summing to `total`, with item 9 as given."""
    rest = total - item9
    items = []
    for _ in range(8):
        take = min(3, rest)
        items.append(take)
        rest -= take
    assert rest == 0
    return [*items, item9]


@pytest.mark.parametrize(
    ("total", "band", "screen"),
    [
        (0, "minimal", "negative"),
        (4, "minimal", "negative"),
        (5, "mild", "negative"),
        (9, "mild", "negative"),
        (10, "moderate", "positive"),
        (14, "moderate", "positive"),
        (15, "moderately_severe", "positive"),
        (19, "moderately_severe", "positive"),
        (20, "severe", "positive"),
        (24, "severe", "positive"),
    ],
)
def test_every_band_boundary_on_both_sides(total, band, screen):
    result = PHQ9.score({"items": answers_totalling(total)})
    assert (result.total, result.band, result.bands["screen"]) == (total, band, screen)


def test_the_worked_example_is_14_moderate_with_the_item9_flag():
    result = PHQ9.score({"items": [2, 2, 2, 2, 2, 1, 1, 1, 1]})
    assert (result.total, result.band, result.flags) == (14, "moderate", ("item9_positive",))
    assert result.as_dict()["total"] == 14


def test_item9_above_zero_flags_whatever_the_total():
    assert PHQ9.score({"items": [0] * 8 + [1]}).flags == ("item9_positive",)
    assert PHQ9.score({"items": [0] * 8 + [1]}).band == "minimal"
    assert PHQ9.score({"items": [3] * 8 + [0]}).flags == ()


def test_an_unanswered_item9_makes_the_safety_state_unknown():
    result = PHQ9.score({"items": [1] * 8 + [None]})
    assert result.flags == ("item9_unanswered",)
    assert result.prorated


def test_major_and_other_depressive_syndromes():
    assert PHQ9.score({"items": [2, 2, 2, 2, 2, 0, 0, 0, 0]}).figures["syndrome"] == "major"
    assert PHQ9.score({"items": [0, 2, 2, 2, 0, 0, 0, 0, 1]}).figures["syndrome"] == "other"
    # five counted symptoms but neither item 1 nor item 2: no syndrome
    assert PHQ9.score({"items": [1, 1, 2, 2, 2, 2, 2, 0, 0]}).figures["syndrome"] == "none"


def test_up_to_two_missing_items_are_prorated_and_three_are_not_computable():
    one = PHQ9.score({"items": [2, 2, None, 2, 2, 1, 1, 1, 0]})
    assert (one.total, one.prorated, one.missing) == (12, True, ("q3",))  # 11 + 11/8 = 12.375
    three = PHQ9.score({"items": [None, None, None, 2, 2, 1, 1, 1, 0]})
    assert (three.valid, three.total, three.band) == (False, None, None)


@pytest.mark.parametrize(
    ("items", "field"),
    [([0] * 8 + [4], "q9"), ([-1] + [0] * 8, "q1"), ([0] * 8, "items"), ([True] + [0] * 8, "q1")],
)
def test_out_of_range_answers_are_refused_naming_the_item(items, field):
    with pytest.raises(InputError) as error:
        PHQ9.score({"items": items})
    assert error.value.field == field


@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=9, max_size=9))
def test_a_computable_total_stays_in_range_and_has_a_band(items):
    result = PHQ9.score({"items": items})
    if result.total is not None:
        assert result.valid
        assert 0 <= result.total <= 27
        assert result.band is not None
    else:
        assert sum(a is None for a in items) > 2


def test_loinc_codes_name_the_total_not_item_9():
    assert PHQ9.loinc["total"] == "44261-6"
    assert PHQ9.items[8].loinc == "44260-8"
