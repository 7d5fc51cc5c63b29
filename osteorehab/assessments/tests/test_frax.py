"""FRAX (clinical-reference 3.4, 8): only a record of probabilities calculated with the
official tool; nothing is computed, and 0 and 100 % are the limits on both sides."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, Licence
from osteorehab.assessments.instruments.frax import FRAX


def test_the_recorded_probabilities_come_back_with_the_calculator_link():
    result = FRAX.score(
        {"major_osteoporotic_10y_percent": 23, "hip_10y_percent": 7.5, "with_bmd": True}
    )
    assert (result.total, result.band, result.bands) == (23, None, {})
    assert result.figures == {
        "major_osteoporotic_10y_percent": 23,
        "hip_10y_percent": 7.5,
        "with_bmd": True,
        "calculator_url": "https://frax.shef.ac.uk/",
    }
    assert "not computed here" in result.reasons[0]


def test_frax_is_licensed_and_carries_no_bandings_or_items():
    assert FRAX.licence is Licence.LICENSED
    assert (FRAX.items, FRAX.bandings) == ((), ())


def test_with_bmd_is_optional():
    result = FRAX.score({"major_osteoporotic_10y_percent": 10, "hip_10y_percent": 2})
    assert result.figures["with_bmd"] is None
    assert "BMD use not recorded" in result.reasons[0]


@pytest.mark.parametrize("percent", [0, 100])
def test_0_and_100_percent_are_accepted(percent):
    result = FRAX.score({"major_osteoporotic_10y_percent": percent, "hip_10y_percent": percent})
    assert (result.total, result.figures["hip_10y_percent"]) == (percent, percent)


@pytest.mark.parametrize(
    ("major", "hip", "field"),
    [
        (-0.1, 1, "major_osteoporotic_10y_percent"),
        (100.1, 1, "major_osteoporotic_10y_percent"),
        (10, -0.1, "hip_10y_percent"),
        (10, 100.1, "hip_10y_percent"),
        ("23", 1, "major_osteoporotic_10y_percent"),
        (10, None, "hip_10y_percent"),
    ],
)
def test_anything_but_a_percentage_is_refused_naming_the_field(major, hip, field):
    with pytest.raises(InputError) as error:
        FRAX.score({"major_osteoporotic_10y_percent": major, "hip_10y_percent": hip})
    assert error.value.field == field


def test_with_bmd_must_be_true_or_false():
    with pytest.raises(InputError) as error:
        FRAX.score({"major_osteoporotic_10y_percent": 10, "hip_10y_percent": 2, "with_bmd": "yes"})
    assert error.value.field == "with_bmd"


@given(st.floats(0, 100), st.floats(0, 100))
def test_recorded_values_pass_through_unchanged(major, hip):
    result = FRAX.score({"major_osteoporotic_10y_percent": major, "hip_10y_percent": hip})
    assert (result.total, result.figures["hip_10y_percent"]) == (major, hip)
