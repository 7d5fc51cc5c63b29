"""GDS-15 (clinical-reference 1.3): the reverse-keyed items, every band boundary on both sides
under each screening operator, and the NACC missing-item rule."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.gds15 import GDS15

from .questionnaire_answers import answers_scoring

FLIP = {"yes": "no", "no": "yes"}
ANSWER = st.sampled_from(["yes", "no"])


@pytest.mark.parametrize(
    ("total", "band", "screen", "screen_above_5", "screen_10"),
    [
        (0, "normal", "negative", "negative", "negative"),
        (4, "normal", "negative", "negative", "negative"),
        (5, "mild", "positive", "negative", "negative"),
        (6, "mild", "positive", "positive", "negative"),
        (8, "mild", "positive", "positive", "negative"),
        (9, "moderate", "positive", "positive", "negative"),
        (10, "moderate", "positive", "positive", "positive"),
        (11, "moderate", "positive", "positive", "positive"),
        (12, "severe", "positive", "positive", "positive"),
        (15, "severe", "positive", "positive", "positive"),
    ],
)
def test_every_band_boundary_on_both_sides(total, band, screen, screen_above_5, screen_10):
    result = GDS15.score({"items": answers_scoring(GDS15, total)})
    assert result.total == total
    assert result.bands == {
        "severity": band,
        "screen": screen,
        "screen_above_5": screen_above_5,
        "screen_10": screen_10,
    }


def test_all_yes_scores_10_and_all_no_scores_5():
    assert GDS15.score({"items": ["yes"] * 15}).total == 10
    assert GDS15.score({"items": ["no"] * 15}).total == 5


def test_no_scores_on_items_1_5_7_11_13_and_yes_on_the_others():
    none_depressive = ["yes" if n in {1, 5, 7, 11, 13} else "no" for n in range(1, 16)]
    assert GDS15.score({"items": none_depressive}).total == 0
    for n in range(1, 16):
        answers = list(none_depressive)
        answers[n - 1] = FLIP[answers[n - 1]]
        assert GDS15.score({"items": answers}).total == 1, n
    assert [item.key for item in GDS15.items if item.reverse] == ["q1", "q5", "q7", "q11", "q13"]


def test_5_screens_positive_at_5_or_more_but_not_above_5():
    result = GDS15.score({"items": answers_scoring(GDS15, 5)})
    assert (result.band, result.bands["screen"], result.bands["screen_above_5"]) == (
        "mild",
        "positive",
        "negative",
    )


def test_three_missing_items_are_prorated_half_up_and_four_are_not_computable():
    # 10 of 12 answered score; + 10/12 x 3 = 12.5, rounded half up to 13: severe, not moderate
    answers = answers_scoring(GDS15, 10)[:12] + [None] * 3
    result = GDS15.score({"items": answers})
    assert (result.total, result.band, result.prorated) == (13, "severe", True)
    assert result.missing == ("q13", "q14", "q15")
    four = GDS15.score({"items": answers_scoring(GDS15, 10)[:11] + [None] * 4})
    assert (four.valid, four.total, four.band) == (False, None, None)


def test_one_missing_item_is_prorated():
    # 7 of 14 answered: 7 + 7/14 = 7.5, rounded half up to 8
    answers = answers_scoring(GDS15, 7)
    answers[14] = None
    assert answers_scoring(GDS15, 7)[14] == "no"  # item 15 scored 0
    result = GDS15.score({"items": answers})
    assert (result.total, result.prorated, result.missing) == (8, True, ("q15",))


@pytest.mark.parametrize(
    ("items", "field"),
    [
        (["yes"] * 14 + ["maybe"], "q15"),
        (["YES"] + ["no"] * 14, "q1"),
        ([1] + ["no"] * 14, "q1"),
        ([True] + ["no"] * 14, "q1"),
        (["no"] * 30, "items"),
    ],
)
def test_answers_other_than_yes_or_no_are_refused_naming_the_item(items, field):
    with pytest.raises(InputError) as error:
        GDS15.score({"items": items})
    assert error.value.field == field


@given(st.lists(ANSWER, min_size=15, max_size=15))
def test_flipping_every_answer_mirrors_the_total(items):
    total = GDS15.score({"items": items}).total
    assert total is not None
    assert 0 <= total <= 15
    assert GDS15.score({"items": [FLIP[a] for a in items]}).total == 15 - total
    assert GDS15.score({"items": [FLIP[FLIP[a]] for a in items]}).total == total


@given(st.lists(st.one_of(st.none(), ANSWER), min_size=15, max_size=15))
def test_prorating_matches_exact_arithmetic_rounded_half_up(items):
    result = GDS15.score({"items": items})
    missing = items.count(None)
    if missing > 3:
        assert not result.valid
        return
    scored = sum(
        (a == "no") if item.reverse else (a == "yes")
        for item, a in zip(GDS15.items, items, strict=True)
        if a is not None
    )
    exact = Fraction(scored * 15, 15 - missing)
    assert result.total == int(exact + Fraction(1, 2))
    assert 0 <= result.total <= 15
    assert result.band is not None


def test_loinc_is_the_15_item_total_not_the_30_item_one():
    assert GDS15.loinc == {"panel": "48543-3", "total": "48545-8"}
    assert "48544-1" not in GDS15.loinc.values()
    assert GDS15.mcid is None
