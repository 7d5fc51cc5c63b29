"""The licensed instruments (clinical-reference 1.4, 1.10, 1.12, 8): no items are shipped, only
the score(s) entered from a licensed paper form, banded on both sides of every boundary."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, Source
from osteorehab.assessments.instruments.licensed import ABC, BORG, HADS


@pytest.mark.parametrize("instrument", [HADS, ABC, BORG])
def test_no_items_are_shipped_and_the_licence_is_required(instrument):
    assert instrument.items == ()
    assert instrument.licence == "licensed"
    assert instrument.fields


@pytest.mark.parametrize(
    ("score", "caseness", "severity"),
    [
        (0, "normal", "normal"),
        (7, "normal", "normal"),
        (8, "borderline", "mild"),
        (10, "borderline", "mild"),
        (11, "abnormal", "moderate"),
        (14, "abnormal", "moderate"),
        (15, "abnormal", "severe"),
        (21, "abnormal", "severe"),
    ],
)
def test_hads_boundaries_on_both_sides_for_each_subscale(score, caseness, severity):
    anxious = HADS.score({"anxiety": score, "depression": 0})
    assert anxious.bands["anxiety_caseness"] == caseness
    assert anxious.bands["anxiety_severity"] == severity
    depressed = HADS.score({"anxiety": 0, "depression": score})
    assert depressed.bands["depression_caseness"] == caseness
    assert depressed.bands["depression_severity"] == severity


def test_hads_keeps_the_two_subscales_apart_without_a_total():
    result = HADS.score({"anxiety": 9, "depression": 12})
    assert (result.valid, result.total, result.band) == (True, None, None)
    assert result.subscales == {"anxiety": 9, "depression": 12}
    assert result.bands == {
        "anxiety_caseness": "borderline",
        "anxiety_severity": "mild",
        "depression_caseness": "abnormal",
        "depression_severity": "moderate",
    }
    assert result.reasons[2] == (
        "anxiety: 9 is >= 8 and <= 10: borderline (doubtful case) by caseness, "
        "Zigmond & Snaith 1983, Acta Psychiatr Scand 67:361 [clinical-reference 1.4]"
    )


@pytest.mark.parametrize(
    ("score", "function", "fall_risk"),
    [
        (0, "low", "at_risk"),
        (49.9, "low", "at_risk"),
        (50, "moderate", "at_risk"),
        (66.9, "moderate", "at_risk"),
        (67, "moderate", "not_at_risk"),
        (80, "moderate", "not_at_risk"),
        (80.1, "high", "not_at_risk"),
        (100, "high", "not_at_risk"),
    ],
)
def test_abc_boundaries_on_both_sides(score, function, fall_risk):
    result = ABC.score({"mean_percent": score})
    assert (result.total, result.band, result.bands["fall_risk"]) == (score, function, fall_risk)
    assert result.flags == (("fall_risk",) if fall_risk == "at_risk" else ())


@pytest.mark.parametrize(
    ("entered", "shown", "fall_risk"),
    [(66.94, 66.9, "at_risk"), (66.95, 67, "not_at_risk"), (66.875, 66.9, "at_risk")],
)
def test_the_abc_mean_is_rounded_to_1_dp_half_up_before_it_is_classified(entered, shown, fall_risk):
    result = ABC.score({"mean_percent": entered})
    assert (result.total, result.bands["fall_risk"]) == (shown, fall_risk)


@pytest.mark.parametrize(
    ("rpe", "band"), [(6, None), (11, None), (12, "moderate"), (13, "moderate"), (14, None)]
)
def test_borg_moderate_intensity_boundaries_on_both_sides(rpe, band):
    result = BORG.score({"rpe": rpe})
    assert (result.total, result.band) == (rpe, band)


@pytest.mark.parametrize(
    ("instrument", "data", "field"),
    [
        (HADS, {"anxiety": 22, "depression": 0}, "anxiety"),
        (HADS, {"anxiety": 0, "depression": -1}, "depression"),
        (HADS, {"anxiety": 7.5, "depression": 0}, "anxiety"),
        (HADS, {"anxiety": 7}, "depression"),
        (HADS, {"anxiety": "7", "depression": 0}, "anxiety"),
        (ABC, {"mean_percent": 100.1}, "mean_percent"),
        (ABC, {"mean_percent": -1}, "mean_percent"),
        (ABC, {}, "mean_percent"),
        (BORG, {"rpe": 5}, "rpe"),
        (BORG, {"rpe": 21}, "rpe"),
        (BORG, {"rpe": 12.5}, "rpe"),
        (BORG, {"rpe": True}, "rpe"),
    ],
)
def test_out_of_range_scores_are_refused_naming_the_field(instrument, data, field):
    with pytest.raises(InputError) as error:
        instrument.score(data)
    assert error.value.field == field


@given(st.integers(0, 21), st.integers(0, 21))
def test_every_hads_subscale_score_has_a_band_in_each_banding(anxiety, depression):
    result = HADS.score({"anxiety": anxiety, "depression": depression})
    assert None not in result.bands.values()
    assert len(result.bands) == 4


@given(st.floats(0, 100))
def test_every_abc_mean_has_a_band_and_stays_in_range(mean):
    result = ABC.score({"mean_percent": mean})
    assert result.total is not None
    assert 0 <= result.total <= 100
    assert None not in result.bands.values()


def test_mcids_are_only_where_the_reference_gives_one():
    assert HADS.mcid == 1.5
    assert HADS.mcid_source == Source("Puhan et al. 2008 (from memory)", "1.4", unverified=True)
    assert (ABC.mcid, BORG.mcid) == (None, None)
    assert (HADS.loinc, ABC.loinc, BORG.loinc) == ({}, {}, {})
