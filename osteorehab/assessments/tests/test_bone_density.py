"""WHO densitometric classification (clinical-reference 3.1, 3.2): every band boundary on both
sides, on the T-score rounded to 1 dp; the float trap of 0.1.2; severe osteoporosis; Z-scores
where the WHO classification does not apply; the reference population for men (7.13)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError, round_half_up
from osteorehab.assessments.instruments.bone_density import (
    BONE_DENSITY,
    FEMALE_REFERENCE,
    MALE_FEMORAL_NECK,
    WHO,
)


def dxa(**fields):
    """A postmenopausal woman's femoral-neck result without a fracture, fields overridden."""
    data = {
        "site": "femoral_neck",
        "sex": "female",
        "age": 67,
        "fragility_fracture": False,
        "postmenopausal": True,
    }
    return BONE_DENSITY.score({**data, **fields})


@pytest.mark.parametrize(
    ("t_score", "who_class"),
    [
        (0.0, "normal"),
        (-1.0, "normal"),
        (-1.1, "osteopenia"),
        (-2.4, "osteopenia"),
        (-2.5, "osteoporosis"),
        (-4.0, "osteoporosis"),
        # rounded to 1 dp, half up, before classifying (0.1.2)
        (-1.04, "normal"),
        (-1.05, "osteopenia"),
        (-2.44, "osteopenia"),
        (-2.45, "osteoporosis"),
    ],
)
def test_every_who_boundary_on_both_sides(t_score, who_class):
    result = dxa(t_score=t_score)
    assert (result.band, result.figures["who_class"], result.bands["who"]) == (who_class,) * 3
    assert result.total == round_half_up(t_score, 1)


def test_the_float_trap_of_the_reference_classifies_as_osteoporosis():
    raw = (0.558 - 0.858) / 0.120
    assert raw == -2.4999999999999996  # naively > -2.5, osteopenia
    result = dxa(bmd_g_cm2=0.558)
    assert (result.total, result.figures["t_score"], result.band) == (-2.5, -2.5, "osteoporosis")


@pytest.mark.parametrize(
    ("site", "bmd", "t_score", "who_class"),
    [
        ("femoral_neck", 0.858, 0.0, "normal"),
        ("femoral_neck", 0.738, -1.0, "normal"),  # exactly one SD below
        ("femoral_neck", 0.726, -1.1, "osteopenia"),
        ("femoral_neck", 0.57, -2.4, "osteopenia"),
        ("total_hip", 0.942, 0.0, "normal"),
        ("total_hip", 0.820, -1.0, "normal"),
        ("total_hip", 0.80, -1.2, "osteopenia"),  # -1.164 rounds to -1.2
        ("total_hip", 0.637, -2.5, "osteoporosis"),
    ],
)
def test_t_from_bmd_uses_the_nhanes_iii_young_women(site, bmd, t_score, who_class):
    result = dxa(site=site, bmd_g_cm2=bmd)
    assert (result.total, result.band) == (t_score, who_class)
    assert "NHANES III non-Hispanic white women 20-29 y" in result.reasons[0]


def test_the_reference_values_are_the_references():
    assert (
        FEMALE_REFERENCE["femoral_neck"].mean_g_cm2,
        FEMALE_REFERENCE["femoral_neck"].sd_g_cm2,
    ) == (
        0.858,
        0.120,
    )
    assert (FEMALE_REFERENCE["total_hip"].mean_g_cm2, FEMALE_REFERENCE["total_hip"].sd_g_cm2) == (
        0.942,
        0.122,
    )
    assert "lumbar_spine" not in FEMALE_REFERENCE  # manufacturer databases (ISCD 2013)
    assert MALE_FEMORAL_NECK.source.unverified


@pytest.mark.parametrize(
    ("t_score", "fracture", "who_class"),
    [
        (-2.5, True, "severe_osteoporosis"),
        (-2.4, True, "osteopenia"),
        (-2.5, False, "osteoporosis"),
        (-0.5, True, "normal"),
    ],
)
def test_severe_osteoporosis_needs_t_at_or_below_minus_2_5_and_a_fracture(
    t_score, fracture, who_class
):
    result = dxa(t_score=t_score, fragility_fracture=fracture)
    assert result.band == who_class


def test_a_fracture_above_minus_2_5_keeps_the_who_class_and_says_the_clinical_label_is_separate():
    result = dxa(t_score=-2.0, fragility_fracture=True)
    assert result.band == "osteopenia"
    assert any("separate label" in reason for reason in result.reasons)


def test_men_are_scored_against_the_female_reference_with_the_male_one_beside_it():
    result = dxa(sex="male", age=70, bmd_g_cm2=0.7)
    assert (result.total, result.band) == (-1.3, "osteopenia")  # (0.7 - 0.858) / 0.120
    assert result.figures["t_score_male_reference"] == -1.7  # (0.7 - 0.934) / 0.137, unverified
    assert "used for men too" in result.reasons[1]
    assert "unverified" in result.reasons[2]


def test_women_and_entered_t_scores_have_no_male_reference_figure():
    assert dxa(bmd_g_cm2=0.7).figures["t_score_male_reference"] is None
    man = dxa(sex="male", age=70, t_score=-1.3)
    assert man.figures["t_score_male_reference"] is None
    assert "as entered from the DXA report" in man.reasons[0]
    assert "7.13" in man.reasons[0]


@pytest.mark.parametrize(
    ("sex", "age", "postmenopausal", "who_applies"),
    [
        ("male", 50, None, True),
        ("male", 49, None, False),
        ("female", 45, True, True),
        ("female", 55, False, False),
    ],
)
def test_the_who_classification_applies_to_postmenopausal_women_and_men_from_50(
    sex, age, postmenopausal, who_applies
):
    result = dxa(sex=sex, age=age, postmenopausal=postmenopausal, t_score=-2.6)
    assert result.band == ("osteoporosis" if who_applies else None)
    assert result.total == -2.6


@pytest.mark.parametrize(
    ("z_score", "band"),
    [
        (-2.0, "below_expected"),
        (-1.9, "within_expected"),
        (-1.95, "below_expected"),
        (-1.94, "within_expected"),
    ],
)
def test_z_score_boundary_where_the_who_classification_does_not_apply(z_score, band):
    result = dxa(sex="male", age=40, t_score=-2.6, z_score=z_score)
    assert (result.band, result.bands["z_for_age"]) == (None, band)
    assert result.figures["z_score"] == round_half_up(z_score, 1)


def test_without_a_z_score_a_young_man_is_not_classified():
    result = dxa(sex="male", age=40, t_score=-2.6)
    assert (result.bands, result.figures["z_score"]) == ({"who": None, "z_for_age": None}, None)
    assert "enter it from the DXA report" in result.reasons[-1]


def test_the_z_score_is_reported_but_not_banded_where_the_who_classification_applies():
    result = dxa(t_score=-1.5, z_score=-2.3)
    assert (result.figures["z_score"], result.bands["z_for_age"]) == (-2.3, None)


def test_a_lumbar_spine_t_score_is_entered_not_computed():
    assert dxa(site="lumbar_spine", t_score=-2.7).band == "osteoporosis"
    with pytest.raises(InputError) as error:
        dxa(site="lumbar_spine", bmd_g_cm2=0.8)
    assert (error.value.field, error.value.code) == ("bmd_g_cm2", "no_reference")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"t_score": -1.0, "bmd_g_cm2": 0.8}, "bmd_g_cm2"),
        ({}, "t_score"),
        ({"t_score": -25}, "t_score"),
        ({"t_score": "-2.5"}, "t_score"),
        ({"bmd_g_cm2": 558}, "bmd_g_cm2"),  # mg/cm², not g/cm²
        ({"t_score": -1.0, "z_score": 9}, "z_score"),
        ({"t_score": -1.0, "site": "wrist"}, "site"),
        ({"t_score": -1.0, "sex": "f"}, "sex"),
        ({"t_score": -1.0, "age": 10}, "age"),
        ({"t_score": -1.0, "fragility_fracture": None}, "fragility_fracture"),
        ({"t_score": -1.0, "fragility_fracture": "yes"}, "fragility_fracture"),
        ({"t_score": -1.0, "postmenopausal": None}, "postmenopausal"),
    ],
)
def test_bad_input_is_refused_naming_the_field(fields, field):
    with pytest.raises(InputError) as error:
        dxa(**fields)
    assert error.value.field == field


def test_the_who_bands_leave_no_gap_and_no_overlap_at_one_decimal():
    for tenths in range(-70, 71):
        assert WHO.classify(tenths / 10) is not None


@given(st.floats(-7, 7, allow_nan=False), st.booleans())
def test_the_class_follows_the_rounded_t_score(t_score, fracture):
    result = dxa(t_score=t_score, fragility_fracture=fracture)
    t = round_half_up(t_score, 1)
    assert result.total == t
    expected = "normal" if t >= -1.0 else "osteopenia" if t > -2.5 else "osteoporosis"
    if expected == "osteoporosis" and fracture:
        expected = "severe_osteoporosis"
    assert result.band == expected


@given(st.floats(0.1, 2.5, allow_nan=False))
def test_t_from_femoral_neck_bmd_is_the_formula_rounded_to_one_decimal(bmd):
    assert dxa(bmd_g_cm2=bmd).total == round_half_up((bmd - 0.858) / 0.120, 1)
