"""The single-item 0-10 ratings: pain NRS (clinical-reference 1.13) with both published
bandings, effort against the Too Fit To Fracture aerobic target (1.12, 4.1) and WHO intensity
(4.5), and rehabilitation confidence without bands."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, Source
from osteorehab.assessments.instruments.ratings import CONFIDENCE, EFFORT, PAIN_NRS


@pytest.mark.parametrize(
    ("rating", "boonstra", "serlin"),
    [
        (0, "mild", None),
        (1, "mild", "mild"),
        (4, "mild", "mild"),
        (5, "mild", "moderate"),
        (6, "moderate", "moderate"),
        (7, "moderate", "severe"),
        (8, "severe", "severe"),
        (10, "severe", "severe"),
    ],
)
def test_pain_band_boundaries_on_both_sides_by_both_bandings(rating, boonstra, serlin):
    result = PAIN_NRS.score({"items": [rating]})
    assert (result.total, result.band) == (rating, boonstra)
    assert result.bands == {"boonstra": boonstra, "serlin": serlin}


def test_the_serlin_banding_is_shown_as_unverified():
    reasons = PAIN_NRS.score({"items": [7]}).reasons
    assert reasons[1] == (
        "7 is >= 7 and <= 10: severe pain by serlin, "
        "Serlin et al. 1995 (from memory) (unverified) [clinical-reference 1.13]"
    )


@pytest.mark.parametrize(
    ("rating", "aerobic", "who"),
    [
        (0, "below", None),
        (4, "below", None),
        (5, "target", "moderate"),
        (6, "target", "moderate"),
        (7, "target", "vigorous"),
        (8, "target", "vigorous"),
        (9, "above", None),
        (10, "above", None),
    ],
)
def test_effort_boundaries_on_both_sides_of_the_aerobic_target(rating, aerobic, who):
    result = EFFORT.score({"items": [rating]})
    assert (result.total, result.band) == (rating, aerobic)
    assert result.bands == {"aerobic_target": aerobic, "who_intensity": who}


def test_confidence_is_the_rating_without_a_band():
    result = CONFIDENCE.score({"items": [7]})
    assert (result.total, result.band, result.bands, result.reasons) == (7, None, {}, ())


@pytest.mark.parametrize("instrument", [PAIN_NRS, EFFORT, CONFIDENCE])
def test_an_unanswered_rating_is_not_computable(instrument):
    result = instrument.score({"items": [None]})
    assert (result.valid, result.total, result.missing) == (False, None, ("rating",))


@pytest.mark.parametrize("instrument", [PAIN_NRS, EFFORT, CONFIDENCE])
@pytest.mark.parametrize(("items", "field"), [([11], "rating"), ([-1], "rating"), ([], "items")])
def test_out_of_range_ratings_are_refused_naming_the_field(instrument, items, field):
    with pytest.raises(InputError) as error:
        instrument.score({"items": items})
    assert error.value.field == field


@pytest.mark.parametrize("instrument", [PAIN_NRS, EFFORT, CONFIDENCE])
@given(rating=st.integers(0, 10))
def test_the_total_is_the_rating(instrument, rating):
    result = instrument.score({"items": [rating]})
    assert result.total == rating
    assert instrument.range == (0, 10)


def test_pain_loinc_and_mcid_are_as_the_reference_gives_them():
    assert PAIN_NRS.loinc == {"total": "72514-3"}
    assert PAIN_NRS.items[0].loinc == "72514-3"
    assert PAIN_NRS.mcid == 2
    assert PAIN_NRS.mcid_source == Source(
        "Farrar et al. 2001, Pain 94:149 (numbers from memory)", "1.13", unverified=True
    )
    assert (EFFORT.mcid, CONFIDENCE.mcid, EFFORT.loinc, CONFIDENCE.loinc) == (None, None, {}, {})


def test_none_of_the_ratings_is_licensed_and_effort_is_not_borg():
    assert {i.licence for i in (PAIN_NRS, EFFORT, CONFIDENCE)} == {"free"}
    assert "borg" not in EFFORT.name.lower()
