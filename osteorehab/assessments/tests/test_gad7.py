"""GAD-7 (clinical-reference 1.2): every band boundary on both sides, the screening cut-off, no
proration without a manual rule, refused answers and the LOINC codes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, Source
from osteorehab.assessments.instruments.gad7 import GAD7

from .questionnaire_answers import answers_scoring


@pytest.mark.parametrize(
    ("total", "band", "screen"),
    [
        (0, "minimal", "negative"),
        (4, "minimal", "negative"),
        (5, "mild", "negative"),
        (9, "mild", "negative"),
        (10, "moderate", "positive"),
        (14, "moderate", "positive"),
        (15, "severe", "positive"),
        (21, "severe", "positive"),
    ],
)
def test_every_band_boundary_on_both_sides(total, band, screen):
    result = GAD7.score({"items": answers_scoring(GAD7, total)})
    assert (result.total, result.band, result.bands["screen"]) == (total, band, screen)


def test_a_worked_example_is_10_moderate_and_screens_positive():
    result = GAD7.score({"items": [2, 2, 1, 1, 2, 1, 1]})
    assert (result.total, result.band, result.bands["screen"]) == (10, "moderate", "positive")
    assert result.reasons[0] == (
        "10 is >= 10 and <= 14: moderate by severity, "
        "Spitzer et al. 2006, Arch Intern Med 166:1092 [clinical-reference 1.2]"
    )
    assert result.as_dict()["total"] == 10


def test_the_maximum_is_21_not_28():
    assert GAD7.score({"items": [3] * 7}).total == 21
    assert GAD7.range == (0, 21)


def test_any_unanswered_item_makes_the_total_not_computable():
    result = GAD7.score({"items": [3, 3, 3, 3, 3, 3, None]})
    assert (result.valid, result.total, result.band, result.missing) == (False, None, None, ("q7",))
    assert result.reasons == ("not computable: 1 item(s) unanswered, the rule allows 0",)


@pytest.mark.parametrize(
    ("items", "field"),
    [([0] * 6 + [4], "q7"), ([-1] + [0] * 6, "q1"), ([0] * 8, "items"), (["1"] + [0] * 6, "q1")],
)
def test_out_of_range_answers_are_refused_naming_the_item(items, field):
    with pytest.raises(InputError) as error:
        GAD7.score({"items": items})
    assert error.value.field == field


@given(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=7, max_size=7))
def test_a_total_stays_in_range_and_is_computable_only_when_complete(items):
    result = GAD7.score({"items": items})
    assert result.valid == (None not in items)
    if result.total is not None:
        assert result.total == sum(items)
        assert 0 <= result.total <= 21
        assert result.band is not None


def test_loinc_mcid_and_licence_are_as_the_reference_gives_them():
    assert GAD7.loinc == {"panel": "69737-5", "total": "70274-6"}
    assert GAD7.mcid == 4
    assert GAD7.mcid_source == Source("Toussaint et al. 2020 (from memory)", "1.2", unverified=True)
    assert GAD7.licence == "free"
