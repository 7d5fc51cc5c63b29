"""Gait speed (clinical-reference 2.6): rounded to 2 decimals before it is classified (0.1.2),
both cut-offs on both sides, and refusal of impossible input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, round_half_up
from osteorehab.assessments.instruments.gait_speed import GAIT_SPEED


@pytest.mark.parametrize(
    ("m_per_s", "ewgsop2", "wfg_2022"),
    [
        (0.79, "low", "impaired"),
        (0.80, "low", "not_impaired"),
        (0.81, "not_low", "not_impaired"),
    ],
)
def test_both_cut_offs_on_both_sides(m_per_s, ewgsop2, wfg_2022):
    result = GAIT_SPEED.score({"m_per_s": m_per_s})
    assert (result.band, result.bands["wfg_2022"]) == (ewgsop2, wfg_2022)


def test_speed_is_rounded_to_2_decimals_before_it_is_classified():
    # 3.18 m in 4 s is 0.795 m/s: 0.80 after rounding, so not a WFG gait impairment
    result = GAIT_SPEED.score({"distance_m": 3.18, "seconds": 4})
    assert (result.total, result.figures["m_per_s"]) == (0.8, 0.8)
    assert (result.band, result.bands["wfg_2022"]) == ("low", "not_impaired")
    assert GAIT_SPEED.score({"m_per_s": 0.7949}).bands["wfg_2022"] == "impaired"
    assert GAIT_SPEED.score({"m_per_s": 0.805}).band == "not_low"  # 0.81


def test_a_4_m_walk_in_5_seconds_is_0_8_m_per_s_and_low_performance():
    result = GAIT_SPEED.score({"distance_m": 4, "seconds": 5})
    assert (result.total, result.flags) == (0.8, ("low_physical_performance",))
    assert result.figures["norm"] == 0.8
    assert GAIT_SPEED.score({"distance_m": 4, "seconds": 6}).flags == (
        "low_physical_performance",
        "gait_impairment",
    )


def test_the_world_falls_guidelines_operator_is_unverified_and_perera_gives_the_mcid():
    reasons = GAIT_SPEED.score({"m_per_s": 0.7}).reasons
    assert "(unverified)" in next(r for r in reasons if "wfg_2022" in r)
    assert GAIT_SPEED.mcid == 0.05


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "distance_m"),
        ({"distance_m": 4}, "seconds"),
        ({"seconds": 4}, "distance_m"),
        ({"distance_m": 0, "seconds": 4}, "distance_m"),
        ({"distance_m": 4, "seconds": -4}, "seconds"),
        ({"distance_m": 10, "seconds": 2}, "seconds"),  # 5 m/s is running
        ({"distance_m": 1, "seconds": 3600}, "seconds"),  # 0.0003 m/s is not walking
        ({"m_per_s": 0}, "m_per_s"),
        ({"m_per_s": 3.5}, "m_per_s"),
        ({"m_per_s": 1.0, "seconds": 4}, "m_per_s"),
    ],
)
def test_impossible_input_is_refused_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        GAIT_SPEED.score(data)
    assert error.value.field == field


@given(st.floats(1, 1000), st.floats(1, 3600))
def test_speed_is_the_rounded_ratio_or_refused_naming_the_time(distance, seconds):
    data = {"distance_m": distance, "seconds": seconds}
    m_per_s = round_half_up(distance / seconds, 2)
    if 0.01 <= m_per_s <= 3:
        result = GAIT_SPEED.score(data)
        assert result.total == m_per_s
        assert None not in result.bands.values()
    else:
        with pytest.raises(InputError) as error:
            GAIT_SPEED.score(data)
        assert error.value.field == "seconds"
