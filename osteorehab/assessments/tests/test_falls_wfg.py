"""World Falls Guidelines stratification (clinical-reference 3.6, unverified operationalisation):
each path, each severity indicator, the gait-speed and TUG cut-offs on both sides, and the
NICE discrepancy (7.12) in the reasons."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, round_half_up
from osteorehab.assessments.instruments.falls_wfg import FALLS_RISK_WFG, SEVERITY

NO_SEVERITY = dict.fromkeys(SEVERITY, False)


def faller(falls=1, **fields):
    return FALLS_RISK_WFG.score({"falls_12m": falls, **NO_SEVERITY, **fields})


def non_faller(**fields):
    data = {"falls_12m": 0, "concern_about_falling": False, "unsteady": False}
    return FALLS_RISK_WFG.score({**data, **fields})


def test_no_fall_no_concern_and_steady_is_low_risk_without_a_gait_test():
    result = non_faller()
    assert (result.band, result.flags) == ("low", ())


@pytest.mark.parametrize("indicator", list(SEVERITY))
def test_a_fall_with_any_severity_indicator_is_high_risk(indicator):
    result = faller(**{indicator: True})
    assert (result.band, result.flags) == ("high", ("high_fall_risk",))
    assert SEVERITY[indicator] in result.reasons[1]


@pytest.mark.parametrize(("falls", "risk"), [(1, "low"), (2, "high"), (3, "high")])
def test_two_or_more_falls_is_high_risk_and_one_is_not(falls, risk):
    assert faller(falls, gait_speed_m_s=1.0).band == risk


@pytest.mark.parametrize(
    ("speed", "risk"),
    [
        (0.79, "intermediate"),
        (0.80, "low"),
        (0.794, "intermediate"),  # rounds to 0.79
        (0.795, "low"),  # rounds half up to 0.80 before classifying (0.1.2)
    ],
)
def test_gait_speed_below_0_8_is_impaired(speed, risk):
    assert faller(gait_speed_m_s=speed).band == risk
    assert non_faller(concern_about_falling=True, gait_speed_m_s=speed).band == risk


@pytest.mark.parametrize(("seconds", "risk"), [(15, "low"), (15.01, "intermediate")])
def test_tug_above_15_seconds_is_impaired(seconds, risk):
    assert faller(tug_seconds=seconds).band == risk
    assert non_faller(unsteady=True, tug_seconds=seconds).band == risk


def test_either_impaired_test_makes_intermediate_risk():
    result = faller(gait_speed_m_s=1.1, tug_seconds=16)
    assert (result.band, result.bands["gait_speed"], result.bands["tug"]) == (
        "intermediate",
        "not_impaired",
        "impaired",
    )
    assert result.flags == ("gait_balance_impairment",)


def test_frailty_without_a_fall_is_not_a_severity_indicator():
    result = non_faller(concern_about_falling=True, frailty=True, gait_speed_m_s=1.0)
    assert result.band == "low"


def test_the_reasons_give_the_path_the_source_and_the_nice_discrepancy():
    result = faller(gait_speed_m_s=0.6)
    assert result.reasons[:2] == (
        "1 fall(s) in the past 12 months",
        "fell without a severity indicator: gait and balance assessed",
    )
    assert "0.6 is < 0.8: gait impaired" in result.reasons[2]
    assert "intermediate fall risk: targeted strength-and-balance exercise" in result.reasons[3]
    assert "(unverified)" in result.reasons[3]
    assert "NICE NG249" in result.reasons[4]
    assert "7.12" in result.reasons[4]
    assert FALLS_RISK_WFG.source.unverified


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"falls_12m": 1, **NO_SEVERITY}, "gait_speed_m_s"),  # gait must be assessed
        ({"falls_12m": 0, "concern_about_falling": True, "unsteady": False}, "gait_speed_m_s"),
        ({"falls_12m": 1}, "fall_injury"),
        ({"falls_12m": 0, "concern_about_falling": False}, "unsteady"),
        ({"falls_12m": 0, "fall_injury": True}, "fall_injury"),
        ({"falls_12m": 0, "unable_to_get_up": True}, "unable_to_get_up"),
        ({"falls_12m": -1}, "falls_12m"),
        ({"falls_12m": 1.5}, "falls_12m"),
        ({"falls_12m": True}, "falls_12m"),
        ({"falls_12m": 1, **NO_SEVERITY, "gait_speed_m_s": 0}, "gait_speed_m_s"),
        ({"falls_12m": 1, **NO_SEVERITY, "gait_speed_m_s": 5}, "gait_speed_m_s"),
        ({"falls_12m": 1, **NO_SEVERITY, "tug_seconds": -3}, "tug_seconds"),
        ({"falls_12m": 1, **NO_SEVERITY, "frailty": "yes"}, "frailty"),
    ],
)
def test_bad_or_missing_input_is_refused_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        FALLS_RISK_WFG.score(data)
    assert error.value.field == field


@given(
    st.integers(0, 5),
    st.fixed_dictionaries(dict.fromkeys(SEVERITY, st.booleans())),
    st.booleans(),
    st.booleans(),
    st.floats(0.05, 3.0, allow_nan=False),
)
def test_the_tier_follows_the_algorithm(falls, indicators, concern, unsteady, speed):
    if not falls:
        indicators = dict.fromkeys(indicators, False)
    data = {
        "falls_12m": falls,
        **indicators,
        "concern_about_falling": concern,
        "unsteady": unsteady,
        "gait_speed_m_s": speed,
    }
    result = FALLS_RISK_WFG.score(data)
    if falls and (falls >= 2 or any(indicators.values())):
        assert result.band == "high"
    elif falls or concern or unsteady:
        assert result.band == ("intermediate" if round_half_up(speed, 2) < 0.8 else "low")
    else:
        assert result.band == "low"
    assert ("high_fall_risk" in result.flags) == (result.band == "high")


def test_a_non_faller_is_case_found_by_concern_or_unsteadiness():
    result = non_faller(concern_about_falling=True, unsteady=True, tug_seconds=20)
    assert result.band == "intermediate"
    assert result.reasons[1] == (
        "no fall, but concerned about falling and unsteady: gait and balance assessed"
    )
