"""Berg Balance Scale (clinical-reference 2.4): every band boundary on both sides in each of
the three bandings, the 41-44 disagreement (7.8), all 14 items required, refusal of answers
outside 0-4."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.berg import BERG


def items_totalling(total):
    items = []
    for _ in range(14):
        take = min(4, total)
        items.append(take)
        total -= take
    return items


@pytest.mark.parametrize(
    ("total", "three_bands", "berg_1992"),
    [
        (0, "high", "at_risk"),
        (20, "high", "at_risk"),
        (21, "medium", "at_risk"),
        (40, "medium", "at_risk"),
        (41, "low", "at_risk"),
        (44, "low", "at_risk"),
        (45, "low", "not_at_risk"),
        (56, "low", "not_at_risk"),
    ],
)
def test_every_band_boundary_on_both_sides(total, three_bands, berg_1992):
    result = BERG.score({"items": items_totalling(total)})
    assert (result.total, result.band, result.bands["berg_1992"]) == (total, three_bands, berg_1992)
    assert "shumway_cook_1997" not in result.bands  # only with a fall history


@pytest.mark.parametrize(
    ("fall_history", "total", "band"),
    [
        (True, 50, "at_risk"),
        (True, 51, "not_at_risk"),
        (False, 41, "at_risk"),
        (False, 42, "not_at_risk"),
    ],
)
def test_the_shumway_cook_cut_off_follows_the_fall_history(fall_history, total, band):
    result = BERG.score({"items": items_totalling(total), "fall_history": fall_history})
    assert result.bands["shumway_cook_1997"] == band


@pytest.mark.parametrize("total", [41, 42, 43, 44])
def test_41_to_44_is_low_risk_in_one_convention_and_at_risk_in_the_other(total):
    result = BERG.score({"items": items_totalling(total)})
    assert (result.band, result.bands["berg_1992"]) == ("low", "at_risk")
    assert result.flags == ("fall_risk", "bands_disagree")
    assert any("clinical-reference 7.8" in reason for reason in result.reasons)


def test_the_bandings_agree_outside_the_disputed_zone():
    assert BERG.score({"items": items_totalling(50)}).flags == ()
    assert BERG.score({"items": items_totalling(30)}).flags == ("fall_risk",)
    # with a fall history, 50 is at risk by Shumway-Cook alone
    result = BERG.score({"items": items_totalling(50), "fall_history": True})
    assert result.flags == ("fall_risk", "bands_disagree")


def test_any_missing_item_makes_the_total_not_computable():
    result = BERG.score({"items": [4] * 13 + [None]})
    assert (result.valid, result.total, result.band, result.missing) == (
        False,
        None,
        None,
        ("b14",),
    )
    assert result.flags == ()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"items": [5] + [4] * 13}, "b1"),
        ({"items": [4] * 13 + [-1]}, "b14"),
        ({"items": [4] * 13}, "items"),
        ({"items": [4] * 14, "fall_history": "yes"}, "fall_history"),
    ],
)
def test_out_of_range_answers_are_refused_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        BERG.score(data)
    assert error.value.field == field


@given(st.lists(st.integers(0, 4), min_size=14, max_size=14), st.sampled_from([None, True, False]))
def test_the_total_stays_in_0_to_56_and_every_banding_classifies_it(items, fall_history):
    result = BERG.score({"items": items, "fall_history": fall_history})
    assert result.total is not None
    assert result.total == sum(items)
    assert 0 <= result.total <= 56
    assert None not in result.bands.values()
    assert ("fall_risk" in result.flags) == (
        result.total < 45 or result.bands.get("shumway_cook_1997") == "at_risk"
    )


def test_fourteen_items_and_no_loinc_code_in_the_reference():
    assert len(BERG.items) == 14
    assert BERG.loinc == {}
