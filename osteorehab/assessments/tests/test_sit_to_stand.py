"""Five Times Sit to Stand (clinical-reference 2.10): every cut-off and every age norm on both
sides, "no norm" outside 60-89, and refusal of impossible input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.assessments.instruments.sit_to_stand import FIVE_TIMES_SIT_TO_STAND as FTSTS


@pytest.mark.parametrize(
    ("seconds", "banding", "band"),
    [
        (11.99, "lusardi_2017", "not_raised"),
        (12, "lusardi_2017", "raised"),
        (13.59, "guralnik_2000", "not_at_risk"),
        (13.6, "guralnik_2000", "at_risk"),
        (15, "buatois_2008", "not_at_risk"),
        (15.01, "buatois_2008", "at_risk"),
        (15, "ewgsop2", "not_low"),
        (15.01, "ewgsop2", "low"),
    ],
)
def test_every_cut_off_on_both_sides(seconds, banding, band):
    assert FTSTS.score({"seconds": seconds, "age": 50}).bands[banding] == band


@pytest.mark.parametrize(
    ("age", "norm"),
    [(60, 11.4), (69, 11.4), (70, 12.6), (79, 12.6), (80, 14.8), (89, 14.8)],
)
def test_every_age_norm_on_both_sides_at_both_ends_of_its_ages(age, norm):
    at = FTSTS.score({"seconds": norm, "age": age})
    above = FTSTS.score({"seconds": round(norm + 0.01, 2), "age": age})
    assert (at.bands["bohannon_2006"], at.figures["norm"]) == ("not_below_norm", norm)
    assert (above.bands["bohannon_2006"], "below_norm" in above.flags) == ("below_norm", True)


@pytest.mark.parametrize("age", [59, 90])
def test_outside_60_to_89_there_is_no_norm(age):
    result = FTSTS.score({"seconds": 20, "age": age})
    assert "bohannon_2006" not in result.bands
    assert result.figures["norm"] is None
    assert result.band == "raised"  # the cut-offs still apply


def test_a_slow_patient_raises_every_flag_and_the_primary_band_is_the_fall_cut_off():
    result = FTSTS.score({"seconds": 16, "age": 75})
    assert result.band == "raised"
    assert set(result.flags) == {
        "fall_risk",
        "recurrent_fall_risk",
        "low_strength",
        "mobility_disability_risk",
        "below_norm",
    }
    assert FTSTS.score({"seconds": 9, "age": 75}).flags == ()
    assert FTSTS.mcid == 2.3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"age": 70}, "seconds"),
        ({"seconds": 0.5, "age": 70}, "seconds"),
        ({"seconds": -12, "age": 70}, "seconds"),
        ({"seconds": 12}, "age"),
        ({"seconds": 12, "age": 70.2}, "age"),
    ],
)
def test_impossible_input_is_refused_naming_the_field(data, field):
    with pytest.raises(InputError) as error:
        FTSTS.score(data)
    assert error.value.field == field


@given(st.floats(1, 600), st.integers(18, 120))
def test_every_time_is_classified_by_every_banding(seconds, age):
    result = FTSTS.score({"seconds": seconds, "age": age})
    assert result.total == seconds
    assert None not in result.bands.values()
    assert ("bohannon_2006" in result.bands) == (60 <= age <= 89)
