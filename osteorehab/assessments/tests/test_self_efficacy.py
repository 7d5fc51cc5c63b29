"""GSE (clinical-reference 1.5) and SEE (1.7): the mean is the total with the sum beside it,
no bands, the GSE's rule of at most three missing items, and SEE's none."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.self_efficacy import GSE, SEE


def test_gse_total_is_the_item_mean_with_the_sum_beside_it():
    result = GSE.score({"items": [3, 3, 3, 2, 3, 4, 3, 3, 2, 3]})
    assert (result.total, result.figures["sum"], result.figures["displayed"]) == (2.9, 29, "mean")
    assert (result.band, result.bands, result.flags) == (None, {}, ())
    assert result.reasons[-1].startswith("no cut-off: the authors do not endorse")


@pytest.mark.parametrize(("answer", "mean", "total"), [(1, 1, 10), (4, 4, 40)])
def test_gse_ranges_from_1_to_4_and_10_to_40(answer, mean, total):
    result = GSE.score({"items": [answer] * 10})
    assert (result.total, result.figures["sum"]) == (mean, total)


def test_gse_scores_with_three_missing_items_from_the_mean_of_seven():
    # seven answers summing 20: mean 2.857… shown as 2.86; sum scale 28.571… shown as 28.6
    result = GSE.score({"items": [3, 3, 3, 3, 3, 3, 2, None, None, None]})
    assert (result.total, result.figures["sum"], result.prorated) == (2.86, 28.6, True)
    assert result.missing == ("q8", "q9", "q10")


def test_gse_with_four_missing_items_is_not_computable():
    result = GSE.score({"items": [3, 3, 3, 3, 3, 3, None, None, None, None]})
    assert (result.valid, result.total, result.figures) == (False, None, {})
    assert result.reasons == ("not computable: 4 item(s) unanswered, the rule allows 3",)


def test_see_total_is_the_mean_of_nine_ratings_with_the_0_to_90_sum():
    result = SEE.score({"items": [5, 6, 7, 8, 9, 10, 0, 1, 2]})
    assert (result.total, result.figures["sum"]) == (5.33, 48)  # 48 / 9 = 5.333…
    assert SEE.score({"items": [10] * 9}).total == 10
    assert SEE.score({"items": [0] * 9}).total == 0


def test_see_with_any_missing_rating_is_not_computable():
    result = SEE.score({"items": [5] * 8 + [None]})
    assert (result.valid, result.total, result.missing) == (False, None, ("q9",))


@pytest.mark.parametrize(
    ("instrument", "items", "field"),
    [
        (GSE, [0] + [1] * 9, "q1"),
        (GSE, [1] * 9 + [5], "q10"),
        (GSE, [1] * 9, "items"),
        (SEE, [11] + [0] * 8, "q1"),
        (SEE, [0] * 8 + [-1], "q9"),
        (SEE, [0] * 8 + [5.5], "q9"),
    ],
)
def test_out_of_range_answers_are_refused_naming_the_item(instrument, items, field):
    with pytest.raises(InputError) as error:
        instrument.score({"items": items})
    assert error.value.field == field


@given(st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=10, max_size=10))
def test_gse_mean_stays_in_1_to_4_and_the_sum_is_mean_times_10(items):
    result = GSE.score({"items": items})
    answered = [a for a in items if a is not None]
    assert result.valid == (len(answered) >= 7)
    if result.total is not None:
        assert 1 <= result.total <= 4
        assert 10 <= result.figures["sum"] <= 40
        exact = Fraction(sum(answered) * 100, len(answered))  # the sum scale in tenths
        assert result.figures["sum"] == int(exact + Fraction(1, 2)) / 10


@given(st.lists(st.integers(0, 10), min_size=9, max_size=9))
def test_see_mean_stays_in_0_to_10(items):
    result = SEE.score({"items": items})
    assert result.total is not None
    assert 0 <= result.total <= 10
    assert result.figures["sum"] == sum(items)
    assert abs(result.total - sum(items) / 9) <= 0.005


def test_neither_scale_has_a_cut_off_mcid_or_loinc():
    for instrument in (GSE, SEE):
        assert (instrument.bandings, instrument.mcid, instrument.loinc) == ((), None, {})
    assert (GSE.licence, SEE.licence) == ("ask", "free")
