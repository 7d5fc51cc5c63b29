"""Six- and two-minute walk tests (clinical-reference 2.8, 2.9): the Enright & Sherrill
equations worked by hand, the lower limit of normal on both sides, and the 2MWT sample means."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, round_half_up
from osteorehab.assessments.instruments.walk_tests import SIX_MINUTE_WALK, TWO_MINUTE_WALK

MAN = {"age": 70, "sex": "male", "height_cm": 175, "weight_kg": 80}
WOMAN = {"age": 70, "sex": "female", "height_cm": 160, "weight_kg": 65}


def test_the_mens_equation_worked_by_hand():
    # 7.57*175 - 5.02*70 - 1.76*80 - 309 = 523.55 -> 524 m; LLN 524 - 153 = 371 m
    result = SIX_MINUTE_WALK.score({"distance_m": 400, **MAN})
    assert (result.figures["predicted_m"], result.figures["lln_m"]) == (524, 371)
    assert result.figures["percent_predicted"] == 76.3  # 400 / 524
    assert result.figures["norm"] == 371
    # BMI 26.1; 1140 - 5.61*26.12 - 6.94*70 = 507.7 -> 508 m
    assert (result.figures["bmi"], result.figures["predicted_bmi_m"]) == (26.1, 508)


def test_the_womens_equation_worked_by_hand():
    # 2.11*160 - 2.29*65 - 5.78*70 + 667 = 451.15 -> 451 m; LLN 451 - 139 = 312 m
    result = SIX_MINUTE_WALK.score({"distance_m": 451, **WOMAN})
    assert (result.figures["predicted_m"], result.figures["lln_m"]) == (451, 312)
    assert result.figures["percent_predicted"] == 100
    # BMI 25.39; 1017 - 6.24*25.390625 - 5.83*70 = 450.46 -> 450 m
    assert (result.figures["bmi"], result.figures["predicted_bmi_m"]) == (25.4, 450)


@pytest.mark.parametrize(
    ("patient", "distance", "band"),
    [
        (MAN, 370.9, "below_norm"),
        (MAN, 371, "not_below_norm"),
        (WOMAN, 311, "below_norm"),
        (WOMAN, 312, "not_below_norm"),
    ],
)
def test_the_lower_limit_of_normal_on_both_sides(patient, distance, band):
    result = SIX_MINUTE_WALK.score({"distance_m": distance, **patient})
    assert result.band == band
    assert result.flags == (("below_norm",) if band == "below_norm" else ())
    assert any("lower limit of normal (unverified)" in reason for reason in result.reasons)


def test_an_equation_that_predicts_no_distance_leaves_the_walk_unclassified():
    result = SIX_MINUTE_WALK.score(
        {"distance_m": 100, "age": 120, "sex": "female", "height_cm": 100, "weight_kg": 250}
    )
    assert (result.valid, result.total, result.band) == (True, 100, None)
    assert result.figures["predicted_m"] is None
    assert result.figures["percent_predicted"] is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"distance_m": -1, **MAN}, "distance_m"),
        ({"distance_m": 1001, **MAN}, "distance_m"),
        ({"distance_m": 400, **MAN, "height_cm": 99}, "height_cm"),
        ({"distance_m": 400, **MAN, "weight_kg": 251}, "weight_kg"),
        ({"distance_m": 400, **MAN, "age": 17}, "age"),
        ({"distance_m": 400, **MAN, "sex": "M"}, "sex"),
    ],
)
def test_six_minute_walk_refuses_impossible_input_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        SIX_MINUTE_WALK.score(data)
    assert error.value.field == field


@given(
    st.floats(0, 1000),
    st.integers(18, 120),
    st.sampled_from(["female", "male"]),
    st.floats(100, 230),
    st.floats(25, 250),
)
def test_percent_predicted_is_the_distance_over_the_shown_prediction(
    distance, age, sex, height, weight
):
    data = {
        "distance_m": distance,
        "age": age,
        "sex": sex,
        "height_cm": height,
        "weight_kg": weight,
    }
    result = SIX_MINUTE_WALK.score(data)
    predicted = result.figures["predicted_m"]
    if predicted is None:
        assert result.band is None
    else:
        assert predicted > 0
        assert result.figures["percent_predicted"] == round_half_up(distance / predicted * 100, 1)
        assert result.figures["lln_m"] == predicted - {"male": 153, "female": 139}[sex]
        assert result.band is not None


def test_the_six_minute_walk_mcid_is_perera_20_m():
    assert SIX_MINUTE_WALK.mcid == 20


@pytest.mark.parametrize(("sex", "mean"), [("male", 189.4), ("female", 176.0)])
def test_the_two_minute_walk_shows_the_sample_mean_and_is_not_classified(sex, mean):
    result = TWO_MINUTE_WALK.score({"distance_m": 150, "age": 70, "sex": sex})
    assert (result.total, result.band, result.bands, result.flags) == (150, None, {}, ())
    assert (result.figures["norm"], result.figures["mdc_m"]) == (mean, 42.5)


@pytest.mark.parametrize(("age", "has_norm"), [(18, True), (85, True), (86, False)])
def test_the_sample_mean_applies_to_ages_18_to_85(age, has_norm):
    result = TWO_MINUTE_WALK.score({"distance_m": 150, "age": age, "sex": "female"})
    assert (result.figures["norm"] is not None) == has_norm


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"distance_m": 401, "age": 70, "sex": "male"}, "distance_m"),
        ({"distance_m": 150, "age": 70}, "sex"),
        ({"distance_m": 150, "sex": "male"}, "age"),
    ],
)
def test_two_minute_walk_refuses_impossible_input_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        TWO_MINUTE_WALK.score(data)
    assert error.value.field == field
