"""Garvan Fracture Risk Calculator (clinical-reference 3.3): Jerboa's check value, the capped
counts (0, 1, 2, >= 3) on both sides, the cohort age, every output an ESTIMATE within 0-100 %,
and risk rising with age, fractures, falls and lower T-score or weight."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, Licence
from osteorehab.assessments.instruments.garvan import (
    BASELINE_SURVIVAL,
    COEFFICIENTS,
    GARVAN,
    Person,
)

OUTPUTS = (
    "any_fracture_5y_percent",
    "any_fracture_10y_percent",
    "hip_fracture_5y_percent",
    "hip_fracture_10y_percent",
)


def garvan(**fields):
    data = {"sex": "female", "age": 60, "t_score": -2.5, "fractures_since_50": 1, "falls_12m": 1}
    return GARVAN.score({**data, **fields})


def test_the_check_value_of_the_reference_is_reproduced():
    result = garvan()  # woman 60 y, T -2.5, 1 fracture, 1 fall
    assert result.figures["hip_fracture_5y_percent"] == 5.58
    assert result.figures["hip_fracture_10y_percent"] == 10.86
    assert (result.figures["model"], result.total) == ("bmd", 31.01)


def test_the_coefficient_tables_are_complete_and_as_the_reference_gives_them():
    assert len(COEFFICIENTS) == 8
    assert len(BASELINE_SURVIVAL) == 8
    assert COEFFICIENTS[("female", "hip", "bmd")] == (0.0507, -0.8417, 0.8127, 0.3614)
    assert COEFFICIENTS[("male", "any", "weight")] == (0.09071, -0.00765, 1.00818, 0.12797)
    assert BASELINE_SURVIVAL[(10, "male", "any")] == 0.999848975


def test_every_output_is_labelled_an_estimate_with_its_source():
    result = garvan()
    assert "estimate" in result.flags
    estimates = [reason for reason in result.reasons if reason.startswith("ESTIMATE")]
    assert len(estimates) == 4
    assert "Nguyen et al. 2007" in result.figures["estimate_source"]
    assert "Jerboa" in result.figures["estimate_source"]


def test_the_licence_is_to_ask_and_the_reasons_say_so():
    assert GARVAN.licence is Licence.ASK
    assert "ask Garvan" in garvan().reasons[-1]


def test_the_weight_model_is_used_when_weight_is_given():
    result = garvan(t_score=None, weight_kg=60)
    assert result.figures["model"] == "weight"
    assert "weight model: body weight 60 kg" in result.reasons[0]


@pytest.mark.parametrize("name", ["fractures_since_50", "falls_12m"])
def test_counts_of_3_or_more_are_the_same_and_2_is_lower(name):
    two, three, five = (garvan(**{name: n}).figures for n in (2, 3, 5))
    assert three == five
    assert all(two[output] < three[output] for output in OUTPUTS)


@pytest.mark.parametrize(("age", "flagged"), [(59, True), (60, False), (50, True)])
def test_ages_below_the_dubbo_cohorts_60_are_flagged(age, flagged):
    assert ("outside_derivation_age" in garvan(age=age).flags) == flagged


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"weight_kg": 60}, "weight_kg"),  # both a T-score and a weight
        ({"t_score": None}, "t_score"),  # neither
        ({"age": 49}, "age"),
        ({"sex": "x"}, "sex"),
        ({"fractures_since_50": -1}, "fractures_since_50"),
        ({"fractures_since_50": 1.5}, "fractures_since_50"),
        ({"falls_12m": None}, "falls_12m"),
        ({"t_score": -12}, "t_score"),
        ({"t_score": None, "weight_kg": 600}, "weight_kg"),
    ],
)
def test_bad_input_is_refused_naming_the_field(fields, field):
    with pytest.raises(InputError) as error:
        garvan(**fields)
    assert error.value.field == field


people = st.builds(
    Person,
    sex=st.sampled_from(["female", "male"]),
    age=st.floats(50, 100),
    model=st.just("bmd"),
    x=st.floats(-5, 3),
    fractures=st.integers(0, 2),
    falls=st.integers(0, 2),
)
risks = st.sampled_from([(fracture, years) for fracture in ("any", "hip") for years in (5, 10)])


def rises(new: float, base: float) -> bool:
    """Higher, unless already at 100 % (at the extremes of the model, e.g. a man of 94 with a
    T-score of -5, the estimate saturates at 100 in floating point)."""
    return new > base or new == base == 100.0


@given(people, risks)
def test_risk_rises_with_age_fractures_falls_and_lower_t_score(person, risk):
    base = person.risk_percent(*risk)
    assert rises(replace(person, age=person.age + 1).risk_percent(*risk), base)
    assert rises(replace(person, fractures=person.fractures + 1).risk_percent(*risk), base)
    assert rises(replace(person, falls=person.falls + 1).risk_percent(*risk), base)
    assert rises(replace(person, x=person.x - 0.5).risk_percent(*risk), base)
    assert rises(person.risk_percent(risk[0], 10), person.risk_percent(risk[0], 5))


@given(
    st.sampled_from(["female", "male"]),
    st.floats(50, 120),
    st.integers(0, 50),
    st.integers(0, 365),
    st.one_of(
        st.builds(lambda t: {"t_score": t}, st.floats(-7, 7)),
        st.builds(lambda kg: {"weight_kg": kg}, st.floats(25, 300)),
    ),
)
def test_every_estimate_is_a_percentage_and_the_reported_ones_keep_the_order(
    sex, age, fractures, falls, x
):
    data = {"sex": sex, "age": age, "fractures_since_50": fractures, "falls_12m": falls, **x}
    figures = GARVAN.score(data).figures
    assert all(0 <= figures[output] <= 100 for output in OUTPUTS)
    assert figures["any_fracture_10y_percent"] >= figures["any_fracture_5y_percent"]
    assert figures["hip_fracture_10y_percent"] >= figures["hip_fracture_5y_percent"]
    older = GARVAN.score({**data, "age": min(120, age + 5)})
    assert all(older.figures[output] >= figures[output] for output in OUTPUTS)


@given(st.sampled_from(["female", "male"]), st.floats(25, 299), risks)
def test_risk_rises_as_weight_falls(sex, kg, risk):
    person = Person(sex, 70, "weight", kg, 0, 0)
    assert person.risk_percent(*risk) > replace(person, x=kg + 1).risk_percent(*risk)
