"""Grip strength against EWGSOP2 (clinical-reference 2.7): each sex's cut-off on both sides."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.grip_strength import GRIP_STRENGTH


@pytest.mark.parametrize(
    ("sex", "kg", "band"),
    [
        ("male", 26.9, "low"),
        ("male", 27, "not_low"),
        ("female", 15.9, "low"),
        ("female", 16, "not_low"),
    ],
)
def test_each_sex_cut_off_on_both_sides(sex, kg, band):
    result = GRIP_STRENGTH.score({"kg": kg, "sex": sex})
    assert (result.total, result.band) == (kg, band)
    assert result.flags == (("low_strength",) if band == "low" else ())


def test_the_norm_shown_is_the_cut_off_for_the_patients_sex():
    assert GRIP_STRENGTH.score({"kg": 20, "sex": "male"}).figures["norm"] == 27
    assert GRIP_STRENGTH.score({"kg": 20, "sex": "female"}).figures["norm"] == 16
    # the same 20 kg is low for a man and not for a woman
    assert GRIP_STRENGTH.score({"kg": 20, "sex": "male"}).band == "low"
    assert GRIP_STRENGTH.score({"kg": 20, "sex": "female"}).band == "not_low"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kg": -1, "sex": "male"}, "kg"),
        ({"kg": 101, "sex": "male"}, "kg"),
        ({"sex": "male"}, "kg"),
        ({"kg": 20}, "sex"),
        ({"kg": 20, "sex": "other"}, "sex"),
    ],
)
def test_impossible_input_is_refused_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        GRIP_STRENGTH.score(data)
    assert error.value.field == field


@given(st.floats(0, 100), st.sampled_from(["female", "male"]))
def test_every_possible_grip_is_classified(kg, sex):
    result = GRIP_STRENGTH.score({"kg": kg, "sex": sex})
    assert result.band == ("low" if kg < {"male": 27, "female": 16}[sex] else "not_low")
