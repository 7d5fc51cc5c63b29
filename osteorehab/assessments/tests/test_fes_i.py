"""FES-I and Short FES-I (clinical-reference 1.9): every band boundary on both sides, and the
manual's missing-item rule, "rounded up" read as the ceiling (discrepancy 7.2)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.fes_i import FES_I, SHORT_FES_I

from .questionnaire_answers import answers_scoring


@pytest.mark.parametrize(
    ("instrument", "total", "band"),
    [
        (FES_I, 16, "low"),
        (FES_I, 19, "low"),
        (FES_I, 20, "moderate"),
        (FES_I, 27, "moderate"),
        (FES_I, 28, "high"),
        (FES_I, 64, "high"),
        (SHORT_FES_I, 7, "low"),
        (SHORT_FES_I, 8, "low"),
        (SHORT_FES_I, 9, "moderate"),
        (SHORT_FES_I, 13, "moderate"),
        (SHORT_FES_I, 14, "high"),
        (SHORT_FES_I, 28, "high"),
    ],
)
def test_every_band_boundary_on_both_sides(instrument, total, band):
    result = instrument.score({"items": answers_scoring(instrument, total)})
    assert (result.total, result.band, result.prorated) == (total, band, False)


def test_the_manual_rounds_up_22_of_13_items_to_28_high_not_27_moderate():
    result = FES_I.score({"items": [4, 4, 4] + [1] * 10 + [None] * 3})
    assert (result.total, result.band, result.prorated) == (28, "high", True)
    assert result.reasons[0] == (
        "3 item(s) unanswered: prorated 22 / 13 x 16 = 27.08 -> 28 (FES-I official scoring "
        "instructions (sites.manchester.ac.uk/fes-i), rounded up [clinical-reference 1.9, 7.2])"
    )


def test_a_prorated_whole_number_is_not_rounded_up_further():
    result = FES_I.score({"items": [2] * 12 + [None] * 4})  # 24 / 12 x 16 = 32
    assert (result.total, result.band) == (32, "high")


def test_four_missing_fes_i_items_are_prorated_and_five_are_not_computable():
    assert FES_I.score({"items": [1] * 12 + [None] * 4}).total == 16
    result = FES_I.score({"items": [1] * 11 + [None] * 5})
    assert (result.valid, result.total, result.band) == (False, None, None)
    assert result.reasons == ("not computable: 5 item(s) unanswered, the manual allows 4",)


def test_one_missing_short_fes_i_item_rounds_7_of_6_items_up_to_9_moderate():
    result = SHORT_FES_I.score({"items": [2, 1, 1, 1, None, 1, 1]})  # 7 / 6 x 7 = 8.17
    assert (result.total, result.band, result.missing) == (9, "moderate", ("q5",))


def test_two_missing_short_fes_i_items_are_not_computable():
    result = SHORT_FES_I.score({"items": [2, 2, 2, 2, 2, None, None]})
    assert (result.valid, result.total) == (False, None)


@pytest.mark.parametrize(
    ("instrument", "items", "field"),
    [
        (FES_I, [0] + [1] * 15, "q1"),
        (FES_I, [1] * 15 + [5], "q16"),
        (FES_I, [1] * 7, "items"),
        (SHORT_FES_I, [1] * 6 + [4.5], "q7"),
        (SHORT_FES_I, [1] * 16, "items"),
    ],
)
def test_out_of_range_answers_are_refused_naming_the_item(instrument, items, field):
    with pytest.raises(InputError) as error:
        instrument.score({"items": items})
    assert error.value.field == field


@pytest.mark.parametrize(("instrument", "allowed"), [(FES_I, 4), (SHORT_FES_I, 1)])
@given(data=st.data())
def test_a_total_is_the_ceiling_of_the_prorated_sum_and_stays_in_range(instrument, allowed, data):
    count = len(instrument.items)
    items = data.draw(
        st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=count, max_size=count)
    )
    result = instrument.score({"items": items})
    answered = [a for a in items if a is not None]
    assert result.valid == (count - len(answered) <= allowed)
    if result.valid:
        assert result.total == math.ceil(sum(answered) * count / len(answered))
        assert count <= result.total <= 4 * count
        assert result.band is not None


def test_no_mcid_or_loinc_and_free_with_reference():
    for instrument in (FES_I, SHORT_FES_I):
        assert (instrument.mcid, instrument.loinc, instrument.licence) == (None, {}, "free")
