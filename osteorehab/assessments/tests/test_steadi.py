"""CDC STEADI screens (clinical-reference 3.5): the Stay Independent brochure's points and its
>= 4 cut-off on both sides, the 3 key questions' "any yes", and unanswered items."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.steadi import STAY_INDEPENDENT, STEADI_KEY_QUESTIONS

POSITIVE = "fall_risk_screen_positive"


def brochure(*yes: int) -> list[str | None]:
    """The 12 answers with the given item numbers answered yes."""
    return ["yes" if n in yes else "no" for n in range(1, 13)]


@pytest.mark.parametrize(("item", "points"), [(1, 2), (2, 2)] + [(n, 1) for n in range(3, 13)])
def test_items_1_and_2_score_two_points_and_the_others_one(item, points):
    assert STAY_INDEPENDENT.score({"items": brochure(item)}).total == points


@pytest.mark.parametrize(
    ("yes", "total", "band"),
    [
        ((), 0, "not_at_risk"),
        ((1, 3), 3, "not_at_risk"),
        ((3, 4, 5), 3, "not_at_risk"),
        ((1, 2), 4, "at_risk"),
        ((3, 4, 5, 6), 4, "at_risk"),
        ((1, 3, 4), 4, "at_risk"),
        (tuple(range(1, 13)), 14, "at_risk"),
    ],
)
def test_the_cut_off_is_4_or_more_on_both_sides(yes, total, band):
    result = STAY_INDEPENDENT.score({"items": brochure(*yes)})
    assert (result.valid, result.total, result.band) == (True, total, band)
    assert result.flags == ((POSITIVE,) if band == "at_risk" else ())


def test_an_unanswered_item_makes_the_total_not_computable():
    answers = brochure(1, 3)
    answers[11] = None
    result = STAY_INDEPENDENT.score({"items": answers})
    assert (result.valid, result.total, result.band, result.missing) == (
        False,
        None,
        None,
        ("q12",),
    )
    assert result.flags == ()
    assert "no missing-item rule" in result.reasons[0]


def test_answered_items_already_at_the_cut_off_screen_positive_despite_a_missing_one():
    answers = brochure(1, 2)
    answers[5] = None
    result = STAY_INDEPENDENT.score({"items": answers})
    assert (result.valid, result.total, result.band) == (False, None, "at_risk")
    assert (result.flags, result.missing) == ((POSITIVE,), ("q6",))


def test_the_loinc_codes_are_the_panel_and_the_total():
    assert STAY_INDEPENDENT.loinc == {"panel": "97874-2", "total": "97885-8"}
    assert STAY_INDEPENDENT.range == (0, 14)


@pytest.mark.parametrize(
    ("items", "field"),
    [
        (["maybe"] + ["no"] * 11, "q1"),
        ([1] + ["no"] * 11, "q1"),
        (["no"] * 11 + [True], "q12"),
        (["no"] * 11, "items"),
    ],
)
def test_answers_other_than_yes_or_no_are_refused_naming_the_item(items, field):
    with pytest.raises(InputError) as error:
        STAY_INDEPENDENT.score({"items": items})
    assert error.value.field == field


@given(st.lists(st.sampled_from(["yes", "no", None]), min_size=12, max_size=12))
def test_the_brochure_total_is_the_weighted_count_of_yes(items):
    result = STAY_INDEPENDENT.score({"items": items})
    points = sum((2 if n < 2 else 1) for n, a in enumerate(items) if a == "yes")
    if None in items:
        assert (result.valid, result.total) == (False, None)
        assert result.band == ("at_risk" if points >= 4 else None)
    else:
        assert result.total == points
        assert 0 <= points <= 14
        assert result.band == ("at_risk" if points >= 4 else "not_at_risk")


@pytest.mark.parametrize(
    ("items", "total", "band"),
    [
        (["no", "no", "no"], 0, "not_at_risk"),
        (["yes", "no", "no"], 1, "at_risk"),
        (["no", "yes", "no"], 1, "at_risk"),
        (["no", "no", "yes"], 1, "at_risk"),
        (["yes", "yes", "yes"], 3, "at_risk"),
    ],
)
def test_any_yes_to_a_key_question_screens_at_risk(items, total, band):
    result = STEADI_KEY_QUESTIONS.score({"items": items})
    assert (result.total, result.band) == (total, band)


def test_an_unanswered_key_question_decides_only_when_another_is_yes():
    undecided = STEADI_KEY_QUESTIONS.score({"items": ["no", None, "no"]})
    assert (undecided.valid, undecided.band, undecided.flags) == (False, None, ())
    decided = STEADI_KEY_QUESTIONS.score({"items": [None, None, "yes"]})
    assert (decided.valid, decided.band, decided.flags) == (False, "at_risk", (POSITIVE,))


def test_key_questions_refuse_a_wrong_count():
    with pytest.raises(InputError) as error:
        STEADI_KEY_QUESTIONS.score({"items": ["no", "no"]})
    assert error.value.field == "items"
