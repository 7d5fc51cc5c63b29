"""Nutrition targets (clinical-reference 4.6): the IOM 2011 table at every age boundary on both
sides for each sex, ESPEN protein ranges, the IOF weekly calcium estimate, and refusals that
name the field."""

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments.base import InputError
from osteorehab.plans.nutrition import (
    RDA_TABLE,
    calcium_gap,
    calcium_intake_estimate,
    calcium_target_mg,
    calcium_upper_limit_mg,
    protein_target_g,
    rda_row,
    vitamin_d_target_iu,
    vitamin_d_upper_limit_iu,
)

# (age, sex, calcium mg/d, vitamin D IU/d, row) from the IOM 2011 table (clinical-reference 4.6)
IOM_TABLE = [
    (19, "female", 1000, 600, "19-50 y, both sexes"),
    (50, "female", 1000, 600, "19-50 y, both sexes"),
    (51, "female", 1200, 600, "women 51-70 y"),
    (70, "female", 1200, 600, "women 51-70 y"),
    (71, "female", 1200, 800, "> 70 y, both sexes"),
    (19, "male", 1000, 600, "19-50 y, both sexes"),
    (50, "male", 1000, 600, "19-50 y, both sexes"),
    (51, "male", 1000, 600, "men 51-70 y"),
    (70, "male", 1000, 600, "men 51-70 y"),
    (71, "male", 1200, 800, "> 70 y, both sexes"),
    (120, "female", 1200, 800, "> 70 y, both sexes"),
    (120, "male", 1200, 800, "> 70 y, both sexes"),
]


@pytest.mark.parametrize(("age", "sex", "calcium", "vitamin_d", "row"), IOM_TABLE)
def test_iom_table_on_both_sides_of_every_age_boundary(age, sex, calcium, vitamin_d, row):
    calcium_target = calcium_target_mg(age, sex)
    vitamin_d_target = vitamin_d_target_iu(age, sex)
    assert (calcium_target.amount, calcium_target.unit) == (calcium, "mg/d")
    assert (vitamin_d_target.amount, vitamin_d_target.unit) == (vitamin_d, "IU/d")
    assert calcium_target.row.label == vitamin_d_target.row.label == row
    for target in (calcium_target, vitamin_d_target):
        assert f"(row: {row})" in target.reason
        assert "clinical-reference 4.6" in target.reason
        assert f"aged {age}" in target.reason


def test_the_reason_reads_in_full():
    assert calcium_target_mg(60, "female").reason == (
        "calcium 1200 mg/d for a female aged 60 (row: women 51-70 y), "
        "IOM 2011 RDA (Ross et al. 2011, JCEM 96:53) [clinical-reference 4.6]"
    )


def test_the_reason_is_translated_with_its_template():
    words = {"calcium": "钙", "female": "女性", "women 51-70 y": "51-70 岁女性"}
    translated = calcium_target_mg(60, "female").reason.translated(lambda t: words.get(t, t))
    assert "钙 1200" in translated
    assert "51-70 岁女性" in translated


def test_every_adult_age_and_sex_falls_in_exactly_one_row():
    for sex in ("female", "male"):
        for age in range(19, 121):
            assert sum(row.covers(age, sex) for row in RDA_TABLE) == 1, (age, sex)
            assert rda_row(age, sex).covers(age, sex)


@pytest.mark.parametrize(
    ("age", "sex", "field"),
    [
        (18, "female", "age"),  # the table starts at 19
        (0, "male", "age"),
        (-1, "female", "age"),
        (121, "female", "age"),
        (50.5, "female", "age"),
        ("50", "female", "age"),
        (True, "female", "age"),
        (None, "female", "age"),
        (float("nan"), "female", "age"),
        (60, "other", "sex"),
        (60, "Female", "sex"),
        (60, None, "sex"),
        (60, "", "sex"),
    ],
)
def test_out_of_range_age_or_sex_is_refused_naming_the_field(age, sex, field):
    for target in (calcium_target_mg, vitamin_d_target_iu):
        with pytest.raises(ValueError, match=field) as error:
            target(age, sex)
        assert isinstance(error.value, InputError)
        assert error.value.field == field


def test_a_whole_number_given_as_float_is_accepted():
    age: Any = 51.0
    assert calcium_target_mg(age, "female").amount == 1200


@pytest.mark.parametrize(
    ("weight", "ill", "low", "high", "per_kg"),
    [
        (60, False, 60.0, 72.0, (1.0, 1.2)),  # healthy older adults: at least 1.0-1.2 g/kg
        (60, True, 72.0, 90.0, (1.2, 1.5)),  # acute or chronic illness: 1.2-1.5 g/kg
        (70, False, 70.0, 84.0, (1.0, 1.2)),
        (25, False, 25.0, 30.0, (1.0, 1.2)),  # lowest weight accepted
        (300, True, 360.0, 450.0, (1.2, 1.5)),  # highest weight accepted
        (65.5, True, 78.6, 98.3, (1.2, 1.5)),  # 78.6 and 98.25 -> 98.3 (half up)
    ],
)
def test_espen_protein_ranges(weight, ill, low, high, per_kg):
    target = protein_target_g(weight, ill=ill)
    assert (target.low_g, target.high_g, target.g_per_kg) == (low, high, per_kg)
    assert "ESPEN 2014" in target.reason
    assert "clinical-reference 4.6" in target.reason
    assert f"{per_kg[0]:.1f}-{per_kg[1]:.1f} g/kg/day" in target.reason


@pytest.mark.parametrize(
    ("weight", "ill", "field"),
    [
        (24.9, False, "weight_kg"),
        (300.1, False, "weight_kg"),
        (0, True, "weight_kg"),
        (-60, False, "weight_kg"),
        (float("nan"), False, "weight_kg"),
        (float("inf"), False, "weight_kg"),
        ("60", False, "weight_kg"),
        (True, False, "weight_kg"),
        (60, None, "ill"),
        (60, "yes", "ill"),
        (60, 1, "ill"),
    ],
)
def test_protein_refuses_impossible_input_naming_the_field(weight, ill, field):
    with pytest.raises(InputError, match=field) as error:
        protein_target_g(weight, ill=ill)
    assert error.value.field == field


FOOD_LIST = {"milk": 300.0, "yogurt": 200.0, "cheese": 150.0}  # test values, not clinical data


def test_calcium_estimate_is_weekly_servings_times_mg_divided_by_7():
    estimate = calcium_intake_estimate({"milk": 7, "yogurt": 3.5}, FOOD_LIST)
    assert estimate.weekly_mg_by_food == {"milk": 2100.0, "yogurt": 700.0}
    assert estimate.weekly_mg == 2800.0
    assert estimate.daily_mg == 400.0
    assert estimate.reason.startswith("about 400 mg calcium a day from food: 2800 mg a week")
    assert "clinical-reference 4.6" in estimate.reason


def test_calcium_estimate_of_no_servings_is_zero():
    assert calcium_intake_estimate({}, FOOD_LIST).daily_mg == 0
    assert calcium_intake_estimate({"milk": 0}, FOOD_LIST).daily_mg == 0


def test_calcium_estimate_is_not_rounded_but_its_reason_is():
    estimate = calcium_intake_estimate({"cheese": 1}, FOOD_LIST)
    assert estimate.daily_mg == pytest.approx(150 / 7)
    assert estimate.reason.startswith("about 21 mg calcium a day")


def test_a_food_without_a_configured_mg_value_is_refused_by_name():
    with pytest.raises(InputError, match="tofu") as error:
        calcium_intake_estimate({"milk": 7, "tofu": 2, "kale": 1}, FOOD_LIST)
    assert error.value.field == "servings_per_week"
    assert error.value.params["foods"] == ("kale", "tofu")
    with pytest.raises(InputError, match="milk"):
        calcium_intake_estimate({"milk": 1}, {})  # no mg values are built in


@pytest.mark.parametrize(
    ("servings", "food_list", "field"),
    [
        ({"milk": -1}, FOOD_LIST, "servings_per_week[milk]"),
        ({"milk": float("nan")}, FOOD_LIST, "servings_per_week[milk]"),
        ({"milk": float("inf")}, FOOD_LIST, "servings_per_week[milk]"),
        ({"milk": "7"}, FOOD_LIST, "servings_per_week[milk]"),
        ({"milk": None}, FOOD_LIST, "servings_per_week[milk]"),
        ({"milk": True}, FOOD_LIST, "servings_per_week[milk]"),
        ({"milk": 1}, {"milk": -300}, "mg_per_serving[milk]"),
        ({"milk": 1}, {"milk": None}, "mg_per_serving[milk]"),
    ],
)
def test_negative_or_non_numeric_amounts_are_refused_naming_the_field(servings, food_list, field):
    with pytest.raises(InputError) as error:
        calcium_intake_estimate(servings, food_list)
    assert error.value.field == field
    assert field in str(error.value)


@pytest.mark.parametrize(
    ("estimate", "target", "gap", "met"),
    [
        (400, 1200, 800, False),
        (1200, 1200, 0, True),  # exactly the target meets it (>=)
        (1199.5, 1200, 0, True),  # rounded to whole mg first: 1200
        (1199.4, 1200, 1, False),  # 1199
        (1500, 1200, -300, True),
        (0, 1000, 1000, False),
    ],
)
def test_calcium_gap(estimate, target, gap, met):
    result = calcium_gap(estimate, target)
    assert (result.gap_mg, result.met) == (gap, met)
    assert ("meets" in result.reason) is met


@pytest.mark.parametrize(
    ("estimate", "target", "field"),
    [
        (-1, 1200, "estimate_mg"),
        (float("nan"), 1200, "estimate_mg"),
        ("400", 1200, "estimate_mg"),
        (400, -1, "target_mg"),
        (400, 0, "target_mg"),
        (400, None, "target_mg"),
    ],
)
def test_calcium_gap_refuses_impossible_input_naming_the_field(estimate, target, field):
    with pytest.raises(InputError) as error:
        calcium_gap(estimate, target)
    assert error.value.field == field


def test_the_gap_works_with_a_target_and_an_estimate():
    target = calcium_target_mg(75, "male").amount
    estimate = calcium_intake_estimate({"milk": 14}, FOOD_LIST).daily_mg
    assert calcium_gap(estimate, target).gap_mg == 1200 - 600


@pytest.mark.parametrize("age", [19, 50, 51, 70, 71, 120])
def test_vitamin_d_upper_intake_is_4000_iu_verified(age):
    limit = vitamin_d_upper_limit_iu(age)
    assert (limit.amount, limit.unit, limit.verified) == (4000, "IU/d", True)
    assert "unverified" not in limit.reason


@pytest.mark.parametrize(("age", "amount"), [(19, 2500), (50, 2500), (51, 2000), (120, 2000)])
def test_calcium_upper_intake_is_shown_as_unverified(age, amount):
    limit = calcium_upper_limit_mg(age)
    assert (limit.amount, limit.unit, limit.verified) == (amount, "mg/d", False)
    assert "(unverified)" in limit.reason


@pytest.mark.parametrize("function", [calcium_upper_limit_mg, vitamin_d_upper_limit_iu])
def test_upper_intakes_refuse_ages_outside_the_table(function):
    with pytest.raises(InputError) as error:
        function(18)
    assert error.value.field == "age"


@given(st.sampled_from(["female", "male"]), st.integers(19, 119))
def test_targets_never_decrease_with_age_within_a_sex(sex, age):
    assert calcium_target_mg(age + 1, sex).amount >= calcium_target_mg(age, sex).amount
    assert vitamin_d_target_iu(age + 1, sex).amount >= vitamin_d_target_iu(age, sex).amount


amounts = st.floats(0, 100, allow_nan=False, allow_infinity=False)


@given(
    st.dictionaries(st.sampled_from(sorted(FOOD_LIST)), amounts, max_size=3),
    st.floats(0, 10, allow_nan=False),
)
def test_the_estimate_scales_linearly_with_servings(servings, factor):
    base = calcium_intake_estimate(servings, FOOD_LIST)
    scaled = calcium_intake_estimate(
        {food: count * factor for food, count in servings.items()}, FOOD_LIST
    )
    assert math.isclose(scaled.daily_mg, base.daily_mg * factor, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(base.daily_mg * 7, base.weekly_mg, rel_tol=1e-9, abs_tol=1e-9)


@given(st.floats(25, 300), st.booleans())
def test_protein_range_is_ordered_and_in_proportion_to_weight(weight, ill):
    target = protein_target_g(weight, ill=ill)
    assert target.low_g <= target.high_g
    low_per_kg, high_per_kg = target.g_per_kg
    assert abs(target.low_g - weight * low_per_kg) <= 0.05 + 1e-9
    assert abs(target.high_g - weight * high_per_kg) <= 0.05 + 1e-9
