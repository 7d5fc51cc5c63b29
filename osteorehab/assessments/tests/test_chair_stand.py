"""30-second chair stand (clinical-reference 2.2): both sides of every cell of the STEADI age
and sex table, "no norm" outside 60-94, and refusal of impossible input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.chair_stand import CHAIR_STAND

# Restated from the reference, not imported: below average if stands < the figure.
TABLE = [
    (60, 64, 14, 12),
    (65, 69, 12, 11),
    (70, 74, 12, 10),
    (75, 79, 11, 10),
    (80, 84, 10, 9),
    (85, 89, 8, 8),
    (90, 94, 7, 4),
]
CELLS = [
    (age, sex, norm)
    for first, last, men, women in TABLE
    for age in (first, last)
    for sex, norm in (("male", men), ("female", women))
]


@pytest.mark.parametrize(("age", "sex", "norm"), CELLS)
def test_both_sides_of_every_cell_at_both_ends_of_its_ages(age, sex, norm):
    below = CHAIR_STAND.score({"stands": norm - 1, "age": age, "sex": sex})
    at = CHAIR_STAND.score({"stands": norm, "age": age, "sex": sex})
    assert (below.band, below.flags, below.figures["norm"]) == ("below_norm", ("below_norm",), norm)
    assert (at.band, at.flags, at.figures["norm"]) == ("not_below_norm", (), norm)


def test_the_norm_group_is_shown():
    result = CHAIR_STAND.score({"stands": 10, "age": 72, "sex": "female"})
    assert (result.figures["norm_group"], result.figures["norm"]) == ("female 70-74", 10)
    assert "below average if < 10" in result.reasons[0]


def test_a_man_turning_65_moves_to_the_next_row():
    assert CHAIR_STAND.score({"stands": 13, "age": 64, "sex": "male"}).band == "below_norm"
    assert CHAIR_STAND.score({"stands": 13, "age": 65, "sex": "male"}).band == "not_below_norm"


@pytest.mark.parametrize("age", [18, 59, 95, 120])
def test_outside_60_to_94_there_is_no_norm_and_no_classification(age):
    result = CHAIR_STAND.score({"stands": 3, "age": age, "sex": "female"})
    assert (result.valid, result.total, result.band, result.flags) == (True, 3, None, ())
    assert result.figures["norm"] is None
    assert "no STEADI norm" in result.reasons[0]


def test_zero_stands_when_the_arms_were_needed_is_below_every_norm():
    for first, *_ in TABLE:
        assert CHAIR_STAND.score({"stands": 0, "age": first, "sex": "female"}).band == "below_norm"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stands": -1, "age": 70, "sex": "male"}, "stands"),
        ({"stands": 31, "age": 70, "sex": "male"}, "stands"),
        ({"stands": 10.5, "age": 70, "sex": "male"}, "stands"),
        ({"age": 70, "sex": "male"}, "stands"),
        ({"stands": 10, "age": 64.5, "sex": "male"}, "age"),
        ({"stands": 10, "age": 121, "sex": "male"}, "age"),
        ({"stands": 10, "sex": "male"}, "age"),
        ({"stands": 10, "age": 70, "sex": "m"}, "sex"),
        ({"stands": 10, "age": 70}, "sex"),
    ],
)
def test_impossible_input_is_refused_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        CHAIR_STAND.score(data)
    assert error.value.field == field


@given(st.integers(0, 30), st.integers(18, 120), st.sampled_from(["female", "male"]))
def test_classified_exactly_when_the_age_is_in_the_table(stands, age, sex):
    result = CHAIR_STAND.score({"stands": stands, "age": age, "sex": sex})
    assert result.total == stands
    assert (result.band is not None) == (60 <= age <= 94)
    assert ("below_norm" in result.flags) == (result.band == "below_norm")
