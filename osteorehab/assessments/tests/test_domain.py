"""Safety constraints from the risk profile (clinical-reference 3.1, 3.6, 4.1-4.4): each trigger
on both sides, unknown facts treated as the riskier value, the order, the profile read from real
scored results, and the batteries checked against the instrument registry."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.accounts.domain import CLINICAL_ROLES, Role
from osteorehab.assessments.domain import (
    BASELINE_BATTERY,
    FALL_RISKS,
    FOLLOW_UP_BATTERY,
    IMPACT_LEVELS,
    RULES,
    WHO_CLASSES,
    Profile,
    profile_from_results,
    safety_constraints,
)
from osteorehab.assessments.instruments import EXAMPLES, INSTRUMENTS
from osteorehab.assessments.instruments.base import Better, Kind, Licence, change_for_better

# Every fact known and at its lowest risk: nothing to constrain.
SAFE = Profile(
    who_class="normal",
    lowest_t_score=0.0,
    vertebral_fracture=False,
    fragility_fractures=0,
    recent_fracture_weeks=None,
    fall_risk="low",
    pain_nrs=0,
    physician_impact="high",
    frail=False,
)


def codes(profile):
    return [constraint.code for constraint in safety_constraints(profile)]


def constraint(profile, code):
    return next(c for c in safety_constraints(profile) if c.code == code)


def test_a_known_low_risk_profile_has_no_constraint():
    assert codes(SAFE) == []


@pytest.mark.parametrize(
    ("code", "present", "absent"),
    [
        ("physician_impact_limit", {"physician_impact": "none"}, {}),
        ("physician_impact_limit", {"physician_impact": "moderate"}, {}),
        ("impact_up_to_brisk_walking", {"vertebral_fracture": True}, {}),
        ("impact_up_to_brisk_walking", {"fragility_fractures": 2}, {"fragility_fractures": 1}),
        ("strength_balance_before_impact", {"fall_risk": "intermediate"}, {"fall_risk": "low"}),
        ("strength_balance_before_impact", {"fall_risk": "high"}, {"fall_risk": "low"}),
        (
            "supervision_required_for_high_intensity",
            {"who_class": "osteopenia"},
            {"who_class": "normal"},
        ),
        ("supervision_required_for_high_intensity", {"who_class": "osteoporosis"}, {}),
        ("supervision_required_for_high_intensity", {"who_class": "severe_osteoporosis"}, {}),
        # T < -1.0 on the value rounded to 1 dp: -1.05 is -1.1, -1.04 is -1.0 (0.1.2)
        (
            "supervision_required_for_high_intensity",
            {"lowest_t_score": -1.1},
            {"lowest_t_score": -1.0},
        ),
        (
            "supervision_required_for_high_intensity",
            {"lowest_t_score": -1.05},
            {"lowest_t_score": -1.04},
        ),
        ("spine_sparing", {"vertebral_fracture": True}, {}),
        ("spine_sparing", {"fragility_fractures": 2}, {"fragility_fractures": 1}),
        ("spine_sparing", {"who_class": "osteoporosis"}, {"who_class": "osteopenia"}),
        ("spine_sparing", {"who_class": "severe_osteoporosis"}, {"who_class": "osteopenia"}),
        ("aerobic_moderate_only", {"vertebral_fracture": True}, {"fragility_fractures": 3}),
        ("strength_form_over_intensity", {"vertebral_fracture": True}, {"fragility_fractures": 3}),
        ("physiotherapist_consultation", {"vertebral_fracture": True}, {"fragility_fractures": 3}),
        ("exercise_to_ability_falls_focus", {"frail": True}, {}),
        ("bone_density_unknown", {"who_class": None}, {"who_class": "normal"}),
    ],
)
def test_each_constraint_is_set_by_its_trigger_and_not_without_it(code, present, absent):
    assert code in codes(replace(SAFE, **present))
    assert code not in codes(replace(SAFE, **absent))


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (
            "vertebral_fracture",
            [
                "impact_up_to_brisk_walking",
                "spine_sparing",
                "aerobic_moderate_only",
                "strength_form_over_intensity",
                "physiotherapist_consultation",
            ],
        ),
        ("fragility_fractures", ["impact_up_to_brisk_walking", "spine_sparing"]),
        ("fall_risk", ["strength_balance_before_impact"]),
        (
            "who_class",
            ["bone_density_unknown", "supervision_required_for_high_intensity", "spine_sparing"],
        ),
        ("physician_impact", ["physician_impact_limit"]),
        ("frail", ["exercise_to_ability_falls_focus"]),
        ("pain_nrs", []),
        ("lowest_t_score", []),
    ],
)
def test_an_unknown_fact_is_treated_as_the_riskier_value_and_the_reason_says_so(field, expected):
    constraints = safety_constraints(replace(SAFE, **{field: None}))
    assert [c.code for c in constraints] == expected
    said = ("unknown", "not assessed", "not recorded", "no WHO")
    for c in constraints:
        assert any(words in c.reason for words in said), c.reason


def test_the_reasons_name_the_facts_that_triggered_them():
    profile = replace(
        SAFE, vertebral_fracture=True, fragility_fractures=3, who_class="osteoporosis"
    )
    assert constraint(profile, "spine_sparing").reason == (
        "vertebral fracture; 3 low-trauma fractures (multiple: >= 2); WHO class osteoporosis"
    )
    low_t = replace(SAFE, lowest_t_score=-1.8)
    supervision = constraint(low_t, "supervision_required_for_high_intensity")
    assert supervision.reason == "lowest T-score -1.8 (< -1.0)"
    falls = constraint(replace(SAFE, fall_risk="high"), "strength_balance_before_impact")
    assert falls.reason.startswith("high fall risk")
    assert "unverified" in falls.reason  # the WFG tiers are (3.6)


def test_a_profile_with_every_fact_unknown_gets_every_constraint_in_rule_order():
    assert codes(Profile()) == [rule.code for rule in RULES]
    assert safety_constraints(Profile()) == safety_constraints(Profile())


def test_the_order_is_the_rules_order_whatever_the_triggers():
    profile = replace(SAFE, frail=True, vertebral_fracture=True, physician_impact="none")
    order = [rule.code for rule in RULES]
    found = codes(profile)
    assert found == sorted(found, key=order.index)
    assert len(set(order)) == len(order)


def test_every_constraint_cites_its_source():
    for c in safety_constraints(Profile()):
        assert c.label
        assert c.source.citation
        assert c.source.section
    cited = {c.code: c.source.section for c in safety_constraints(Profile())}
    assert cited["impact_up_to_brisk_walking"] == "4.2"
    assert cited["spine_sparing"] == "4.1, 4.2"
    assert cited["supervision_required_for_high_intensity"] == "4.4"
    assert cited["physician_impact_limit"] == "none"  # the physician's order, not a reference rule


def test_pain_and_time_since_a_fracture_set_no_constraint_as_the_reference_gives_none():
    assert codes(replace(SAFE, pain_nrs=10, recent_fracture_weeks=1)) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"who_class": "Osteoporosis"},
        {"fall_risk": "moderate"},
        {"fragility_fractures": -1},
        {"recent_fracture_weeks": -2},
        {"pain_nrs": 11},
        {"physician_impact": "yes"},
    ],
)
def test_a_profile_refuses_values_that_would_silently_read_as_no_risk(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        Profile(**bad)


# Riskier values of each field, from a current value; None (unknown) is the riskiest.
def riskier(field, value):
    if value is None:
        return st.none()
    if field in ("who_class", "fall_risk"):
        order = WHO_CLASSES if field == "who_class" else FALL_RISKS
        return st.sampled_from((*order[order.index(value) :], None))
    if field in ("vertebral_fracture", "frail"):
        return st.sampled_from((value, True, None))
    if field == "physician_impact":  # allowing less impact is the riskier fact
        return st.sampled_from((*IMPACT_LEVELS[: IMPACT_LEVELS.index(value) + 1], None))
    if field == "fragility_fractures":
        return st.integers(value, value + 5) | st.none()
    return st.floats(-7.0, value, allow_nan=False) | st.none()  # lowest_t_score


profiles = st.builds(
    Profile,
    who_class=st.sampled_from((*WHO_CLASSES, None)),
    lowest_t_score=st.floats(-7.0, 7.0, allow_nan=False) | st.none(),
    vertebral_fracture=st.booleans() | st.none(),
    fragility_fractures=st.integers(0, 6) | st.none(),
    recent_fracture_weeks=st.integers(0, 520) | st.none(),
    fall_risk=st.sampled_from((*FALL_RISKS, None)),
    pain_nrs=st.integers(0, 10) | st.none(),
    physician_impact=st.sampled_from((*IMPACT_LEVELS, None)),
    frail=st.booleans() | st.none(),
)
RISK_FIELDS = (
    "who_class",
    "lowest_t_score",
    "vertebral_fracture",
    "fragility_fractures",
    "fall_risk",
    "physician_impact",
    "frail",
)


@given(profile=profiles, data=st.data())
def test_adding_a_risk_factor_never_removes_a_constraint(profile, data):
    field = data.draw(st.sampled_from(RISK_FIELDS))
    value = data.draw(riskier(field, getattr(profile, field)))
    if field == "lowest_t_score" and value is None and profile.who_class is not None:
        # A T-score is unknown only when there is no DXA result, and then so is the WHO class
        # (both come from the bone_density result): no such profile exists.
        return
    worse = replace(profile, **{field: value})
    assert set(codes(profile)) <= set(codes(worse))


@given(profile=profiles)
def test_a_vertebral_fracture_never_removes_a_constraint(profile):
    assert set(codes(profile)) <= set(codes(replace(profile, vertebral_fracture=True)))


def scored(code, **fields):
    return INSTRUMENTS[code].score({**EXAMPLES[code], **fields})


def test_the_profile_is_read_from_real_scored_results():
    results = {code: scored(code) for code in ("bone_density", "falls_risk_wfg", "pain_nrs")}
    assert results["bone_density"].figures["t_score"] == -2.5  # bmd 0.558, the 0.1.2 trap
    profile = profile_from_results(
        results,
        vertebral_fracture=False,
        fragility_fractures=1,
        recent_fracture_weeks=30,
        physician_impact="high",
        frail=False,
    )
    assert profile == Profile(
        who_class="osteoporosis",
        lowest_t_score=-2.5,
        vertebral_fracture=False,
        fragility_fractures=1,
        recent_fracture_weeks=30,
        fall_risk="intermediate",  # gait speed 0.72 m/s after one fall
        pain_nrs=6,
        physician_impact="high",
        frail=False,
    )
    assert codes(profile) == [
        "strength_balance_before_impact",
        "supervision_required_for_high_intensity",
        "spine_sparing",
    ]


def test_severe_osteoporosis_is_read_from_a_result_with_a_fragility_fracture():
    results = {"bone_density": scored("bone_density", fragility_fracture=True)}
    profile = profile_from_results(
        results,
        vertebral_fracture=True,
        fragility_fractures=1,
        recent_fracture_weeks=None,
        physician_impact="none",
    )
    assert profile.who_class == "severe_osteoporosis"
    assert (profile.fall_risk, profile.pain_nrs, profile.frail) == (None, None, None)


def test_missing_or_not_computable_results_leave_their_facts_unknown():
    results = {"pain_nrs": INSTRUMENTS["pain_nrs"].score({"items": [None]})}
    assert not results["pain_nrs"].valid
    profile = profile_from_results(
        results,
        vertebral_fracture=None,
        fragility_fractures=None,
        recent_fracture_weeks=None,
        physician_impact=None,
    )
    assert profile == Profile()


def test_a_result_filed_under_the_wrong_code_is_refused():
    with pytest.raises(ValueError, match="pain_nrs"):
        profile_from_results(
            {"bone_density": scored("pain_nrs")},
            vertebral_fracture=False,
            fragility_fractures=0,
            recent_fracture_weeks=None,
            physician_impact="high",
        )


def test_every_battery_is_non_empty_and_made_of_registered_instruments():
    for battery in (BASELINE_BATTERY, FOLLOW_UP_BATTERY):
        for name, instrument_codes in battery.items():
            assert instrument_codes, name
            assert set(instrument_codes) <= set(INSTRUMENTS), name


def test_the_baseline_battery_has_each_clinical_role_and_the_patient():
    assert set(BASELINE_BATTERY) == {*CLINICAL_ROLES, Role.PATIENT}


def test_each_baseline_instrument_has_one_owner():
    owned = [code for instrument_codes in BASELINE_BATTERY.values() for code in instrument_codes]
    assert len(owned) == len(set(owned))


def test_the_patient_self_reports_only_unlicensed_questionnaires():
    for code in BASELINE_BATTERY["patient"]:
        instrument = INSTRUMENTS[code]
        assert instrument.kind is Kind.QUESTIONNAIRE, code
        assert instrument.licence is not Licence.LICENSED, code


def test_the_baseline_covers_what_the_program_needs():
    owned = {code for instrument_codes in BASELINE_BATTERY.values() for code in instrument_codes}
    needs = {
        "anxiety": "gad7",
        "depression": "phq9",
        "self-efficacy": "see",
        "fear of falling": "short_fes_i",
        "kinesiophobia": "tsk17",
        "confidence": "confidence",
        "balance": "four_stage_balance",
        "strength": "chair_stand_30s",
        "gait": "gait_speed",
        "endurance": "two_minute_walk",
        "bone density": "bone_density",
        "fall risk": "falls_risk_wfg",
        "fracture risk": "frax",
        "pain": "pain_nrs",
    }
    assert set(needs.values()) <= owned


def test_the_follow_up_is_the_guides_check_up_and_each_part_has_a_baseline():
    assert FOLLOW_UP_BATTERY == {
        "psychological_check_up": ("gad7", "phq9", "confidence", "short_fes_i"),
        "motor_endurance_test": ("chair_stand_30s", "two_minute_walk"),
    }
    owned = {code for instrument_codes in BASELINE_BATTERY.values() for code in instrument_codes}
    for instrument_codes in FOLLOW_UP_BATTERY.values():
        assert set(instrument_codes) <= owned


# Scales whose total has no better direction: effort ratings (Borg, the generic 0-10 effort),
# yes/no screens and risk calculations.
NO_DIRECTION = {"effort", "borg", "steadi_key_questions", "falls_risk_wfg", "garvan", "frax"}


def test_every_repeated_scale_says_which_way_is_better():
    assert {code for code, i in INSTRUMENTS.items() if i.better is None} == NO_DIRECTION
    assert INSTRUMENTS["chair_stand_30s"].better == "higher"
    assert INSTRUMENTS["tug"].better == "lower"
    assert INSTRUMENTS["phq9"].better == "lower"
    assert INSTRUMENTS["confidence"].better == "higher"


@pytest.mark.parametrize(
    ("better", "before", "after", "expected"),
    [
        ("higher", 8, 11, 3),
        ("higher", 11, 8, -3),
        ("lower", 13.5, 11.2, 2.3),  # 2.3, not 2.2999… (an MCID of 2.3 is met)
        ("lower", 16.0, 13.7, 2.3),
        ("lower", 12, 12, 0),
    ],
)
def test_a_change_is_measured_the_better_way_at_reporting_precision(
    better, before, after, expected
):
    assert change_for_better(Better(better), before, after) == expected
