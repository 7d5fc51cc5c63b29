"""Timed Up and Go (clinical-reference 2.1): every cut-off on both sides, the optional age, and
refusal of impossible times."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.tug import TUG


@pytest.mark.parametrize(
    ("seconds", "banding", "band"),
    [
        (11.99, "steadi", "not_at_risk"),
        (12, "steadi", "at_risk"),
        (13.49, "shumway_cook_2000", "not_at_risk"),
        (13.5, "shumway_cook_2000", "at_risk"),
        (15, "wfg_2022", "not_impaired"),
        (15.01, "wfg_2022", "impaired"),
        (19.99, "ewgsop2", "not_low"),
        (20, "ewgsop2", "low"),
    ],
)
def test_every_cut_off_on_both_sides(seconds, banding, band):
    assert TUG.score({"seconds": seconds}).bands[banding] == band


def test_the_steadi_cut_off_of_12_seconds_is_the_primary_band_and_the_norm():
    result = TUG.score({"seconds": 12})
    assert (result.total, result.band, result.flags) == (12, "at_risk", ("fall_risk",))
    assert result.figures["norm"] == 12
    assert "12 is >= 12: at risk of falling by steadi" in result.reasons[0]


def test_a_slow_walker_raises_every_flag():
    result = TUG.score({"seconds": 25})
    assert result.flags == ("fall_risk", "low_physical_performance", "gait_balance_impairment")
    assert TUG.score({"seconds": 8}).flags == ()


def test_the_world_falls_guidelines_operator_is_marked_unverified():
    reasons = TUG.score({"seconds": 16}).reasons
    assert next(r for r in reasons if "wfg_2022" in r).count("(unverified)") == 1


def test_age_is_optional_checked_and_changes_nothing():
    with_age = TUG.score({"seconds": 14, "age": 82})
    assert with_age.bands == TUG.score({"seconds": 14}).bands
    assert "no age norm" in with_age.reasons[0]
    with pytest.raises(InputError) as error:
        TUG.score({"seconds": 14, "age": 70.5})
    assert error.value.field == "age"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "seconds"),
        ({"seconds": -3}, "seconds"),
        ({"seconds": 0}, "seconds"),
        ({"seconds": 601}, "seconds"),
        ({"seconds": "12"}, "seconds"),
        ({"seconds": True}, "seconds"),
        ({"seconds": math.nan}, "seconds"),
        ({"seconds": 12, "age": 17}, "age"),
    ],
)
def test_impossible_input_is_refused_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        TUG.score(data)
    assert error.value.field == field


@given(st.floats(1, 600))
def test_every_banding_gives_exactly_one_band_for_any_possible_time(seconds):
    result = TUG.score({"seconds": seconds})
    assert result.total == seconds
    assert None not in result.bands.values()
    assert ("fall_risk" in result.flags) == (seconds >= 12)


def test_loinc_codes_are_the_cdc_panel_and_time():
    assert TUG.loinc == {"panel": "89422-0", "time": "89423-8"}
