"""SPPB (clinical-reference 2.5, NIA protocol): both sides of every sub-score boundary, the
3.62 s dispute on the 3-m course (7.9), the total's bandings, sub-scores entered directly, and
refusal of impossible input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.sppb import SPPB

BALANCE_HELD = {"side_by_side_seconds": 10, "semi_tandem_seconds": 10, "tandem_seconds": 10}
GAIT_FAST = {"gait_course_m": 4, "gait_trial1_seconds": 4.0}
CHAIR_FAST = {"chair_stands_seconds": 10.0}


def sppb(**fields):
    return SPPB.score({**BALANCE_HELD, **GAIT_FAST, **CHAIR_FAST, **fields})


@pytest.mark.parametrize(
    ("stances", "points"),
    [
        ({"side_by_side_seconds": 9.99, "semi_tandem_seconds": None, "tandem_seconds": None}, 0),
        ({"side_by_side_seconds": 10, "semi_tandem_seconds": 9.99, "tandem_seconds": None}, 1),
        ({"tandem_seconds": 2.99}, 2),
        ({"tandem_seconds": 3.00}, 3),
        ({"tandem_seconds": 9.99}, 3),
        ({"tandem_seconds": 10}, 4),
    ],
)
def test_balance_boundaries_on_both_sides(stances, points):
    assert sppb(**stances).subscales["balance"] == points


@pytest.mark.parametrize(
    ("course", "seconds", "points"),
    [
        (4, 8.71, 1),
        (4, 8.70, 2),
        (4, 6.21, 2),
        (4, 6.20, 3),
        (4, 4.82, 3),
        (4, 4.81, 4),
        (3, 6.53, 1),
        (3, 6.52, 2),
        (3, 4.66, 2),
        (3, 4.65, 3),
        (3, 3.62, 3),
        (3, 3.61, 4),
    ],
)
def test_gait_boundaries_on_both_sides_for_each_course(course, seconds, points):
    result = sppb(gait_course_m=course, gait_trial1_seconds=seconds)
    assert result.subscales["gait"] == points


def test_exactly_3_62_seconds_on_the_3_m_course_is_scored_3_and_flagged():
    result = sppb(gait_course_m=3, gait_trial1_seconds=3.62)
    assert "boundary_disputed" in result.flags
    assert any("clinical-reference 7.9" in reason for reason in result.reasons)
    assert "boundary_disputed" not in sppb(gait_course_m=3, gait_trial1_seconds=3.61).flags
    assert "boundary_disputed" not in sppb(gait_course_m=4, gait_trial1_seconds=3.62).flags


@pytest.mark.parametrize(
    ("seconds", "points"),
    [
        (60.01, 0),
        (60, 1),
        (16.70, 1),
        (16.69, 2),
        (13.70, 2),
        (13.69, 3),
        (11.20, 3),
        (11.19, 4),
    ],
)
def test_chair_stand_boundaries_on_both_sides(seconds, points):
    assert sppb(chair_stands_seconds=seconds).subscales["chair_stands"] == points


def test_times_are_rounded_to_hundredths_before_scoring():
    assert sppb(gait_trial1_seconds=8.704).subscales["gait"] == 2  # 8.70
    assert sppb(gait_trial1_seconds=8.705).subscales["gait"] == 1  # 8.71
    assert sppb(chair_stands_seconds=11.194).subscales["chair_stands"] == 4  # 11.19
    assert sppb(chair_stands_seconds=11.195).subscales["chair_stands"] == 3  # 11.20


def test_the_faster_of_two_gait_trials_counts():
    result = sppb(gait_trial1_seconds=7.0, gait_trial2_seconds=5.5)
    assert (result.subscales["gait"], result.figures["gait_seconds"]) == (3, 5.5)
    assert sppb(gait_trial1_seconds="unable", gait_trial2_seconds=7.0).subscales["gait"] == 2


def test_unable_scores_0():
    result = sppb(gait_trial1_seconds="unable", chair_stands_seconds="unable")
    assert (result.subscales["gait"], result.subscales["chair_stands"], result.total) == (0, 0, 4)


def test_a_worked_example_adds_the_three_sub_scores():
    result = SPPB.score(
        {
            "side_by_side_seconds": 10,
            "semi_tandem_seconds": 10,
            "tandem_seconds": 5.2,
            "gait_course_m": 4,
            "gait_trial1_seconds": 5.9,
            "gait_trial2_seconds": 6.4,
            "chair_stands_seconds": 14.2,
        }
    )
    assert dict(result.subscales) == {"balance": 3, "gait": 3, "chair_stands": 2}
    assert (result.total, result.band) == (8, "7_9")
    assert result.flags == ("low_physical_performance", "mobility_limitation_risk")


def scores(total):
    balance = min(4, total)
    gait = min(4, total - balance)
    return {
        "balance_score": balance,
        "gait_score": gait,
        "chair_stand_score": total - balance - gait,
    }


@pytest.mark.parametrize(
    ("total", "category", "ewgsop2", "below_10"),
    [
        (0, "0_3", "low", "at_risk"),
        (3, "0_3", "low", "at_risk"),
        (4, "4_6", "low", "at_risk"),
        (6, "4_6", "low", "at_risk"),
        (7, "7_9", "low", "at_risk"),
        (8, "7_9", "low", "at_risk"),
        (9, "7_9", "not_low", "at_risk"),
        (10, "10_12", "not_low", "not_at_risk"),
        (12, "10_12", "not_low", "not_at_risk"),
    ],
)
def test_total_band_boundaries_on_both_sides(total, category, ewgsop2, below_10):
    result = SPPB.score(scores(total))
    assert (result.total, result.band) == (total, category)
    assert (result.bands["ewgsop2"], result.bands["below_10"]) == (ewgsop2, below_10)


def test_sub_scores_may_be_entered_directly_or_mixed_with_timed_results():
    result = SPPB.score({"balance_score": 2, **GAIT_FAST, "chair_stand_score": 1})
    assert dict(result.subscales) == {"balance": 2, "gait": 4, "chair_stands": 1}
    assert result.total == 7


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"balance_score": 3}, "balance_score"),  # and the timed stances too
        ({"gait_score": 5}, "gait_score"),
        ({"gait_course_m": 5}, "gait_course_m"),
        ({"gait_course_m": 3.5}, "gait_course_m"),
        ({"gait_trial1_seconds": 0}, "gait_trial1_seconds"),
        ({"gait_trial1_seconds": "slow"}, "gait_trial1_seconds"),
        ({"gait_trial2_seconds": -2}, "gait_trial2_seconds"),
        ({"chair_stands_seconds": 601}, "chair_stands_seconds"),
        ({"tandem_seconds": 10.5}, "tandem_seconds"),
        ({"side_by_side_seconds": 8}, "semi_tandem_seconds"),  # stopped: not attempted
        ({"chair_stands_seconds": None}, "chair_stands_seconds"),
    ],
)
def test_impossible_input_is_refused_naming_the_field(fields, field):
    data = {**BALANCE_HELD, **GAIT_FAST, **CHAIR_FAST, **fields}
    if field == "gait_score":
        data = {**BALANCE_HELD, **CHAIR_FAST, **fields}
    with pytest.raises(InputError) as error:
        SPPB.score(data)
    assert error.value.field == field


def test_a_direct_score_and_timed_results_together_are_refused():
    with pytest.raises(InputError) as error:
        SPPB.score({**BALANCE_HELD, **CHAIR_FAST, "gait_score": 3, "gait_trial1_seconds": 5})
    assert (error.value.field, error.value.code) == ("gait_score", "both_given")


TIME = st.one_of(st.just("unable"), st.floats(1, 600))


@given(
    st.floats(0, 10),
    st.sampled_from([3, 4]),
    TIME,
    st.one_of(st.none(), TIME),
    TIME,
)
def test_each_sub_score_stays_in_0_to_4_and_the_total_is_their_sum(
    tandem, course, trial1, trial2, chair
):
    data = {
        "side_by_side_seconds": 10,
        "semi_tandem_seconds": 10,
        "tandem_seconds": tandem,
        "gait_course_m": course,
        "gait_trial1_seconds": trial1,
        "gait_trial2_seconds": trial2,
        "chair_stands_seconds": chair,
    }
    result = SPPB.score(data)
    points = [p for p in result.subscales.values() if p is not None]
    assert len(points) == 3
    assert all(0 <= p <= 4 for p in points)
    assert result.total == sum(points)
    assert None not in result.bands.values()


@given(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4))
def test_direct_sub_scores_give_a_total_in_0_to_12(balance, gait, chair):
    result = SPPB.score({"balance_score": balance, "gait_score": gait, "chair_stand_score": chair})
    assert result.total is not None
    assert result.total == balance + gait + chair
    assert 0 <= result.total <= 12


def test_loinc_codes_are_the_phenx_panel_and_balance_total_and_the_mcid_is_perera():
    assert SPPB.loinc == {"panel": "62825-5", "balance": "66253-6"}
    assert SPPB.mcid == 0.5
