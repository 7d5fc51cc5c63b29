"""The prescription, its safety layer and the progression proposals, on a small library written
here (the built-in library has its own tests, and the property tests run on both)."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osteorehab.assessments.domain import FALL_RISKS, IMPACT_LEVELS, WHO_CLASSES, Profile
from osteorehab.assessments.instruments.base import Reason
from osteorehab.plans.domain import (
    Completion,
    Facts,
    Item,
    Proposal,
    Safety,
    Session,
    Step,
    check,
    prescribe,
    propose,
)
from osteorehab.plans.exercises import Category, Contraindication, Dose, Exercise, Intensity
from osteorehab.plans.library import EXERCISES

C = Contraindication


def exercise(code: str, category: Category, **fields) -> Exercise:
    return Exercise(
        code=code,
        category=category,
        name_en=code,
        name_zh=code,
        instructions_en="1. Do it.",
        instructions_zh="1. 做。",
        dose=fields.pop("dose", Dose(sets=1, reps=8, reps_max=12)),
        source="test",
        **fields,
    )


LIBRARY = {
    e.code: e
    for e in (
        exercise("knee_extension", Category.RESISTANCE, muscle_groups=("legs",)),
        exercise("band_row", Category.RESISTANCE, muscle_groups=("back", "arms")),
        exercise("wall_push_up", Category.RESISTANCE, muscle_groups=("chest", "shoulders")),
        exercise(
            "curl_up",
            Category.RESISTANCE,
            muscle_groups=("chest",),
            spinal_flexion=True,
            contraindications=frozenset({C.VERTEBRAL_FRACTURE}),
        ),
        exercise(
            "deadlift",
            Category.RESISTANCE,
            muscle_groups=("legs", "back"),
            high_intensity=True,
            floor_lift=True,
            intensity=Intensity.VIGOROUS,
            contraindications=frozenset({C.VERTEBRAL_FRACTURE, C.ACUTE_PAIN}),
        ),
        exercise("sit_to_stand", Category.FUNCTIONAL, muscle_groups=("legs",)),
        exercise(
            "supported_tandem",
            Category.BALANCE,
            supported=True,
            progression="tandem_stance",
            dose=Dose(hold_seconds=10),
        ),
        exercise(
            "tandem_stance",
            Category.BALANCE,
            regression="supported_tandem",
            contraindications=frozenset({C.HIGH_FALL_RISK}),
            dose=Dose(hold_seconds=10),
        ),
        exercise("cloud_hands", Category.TAI_CHI, dose=Dose(minutes=5)),
        exercise("back_extension", Category.POSTURE, dose=Dose(reps=5, hold_seconds=3)),
        exercise(
            "brisk_walk",
            Category.AEROBIC,
            impact="low",
            intensity=Intensity.MODERATE,
            contraindications=frozenset({C.PHYSICIAN_RESTRICTED_IMPACT}),
            dose=Dose(minutes=10),
        ),
        exercise("bike", Category.AEROBIC, intensity=Intensity.MODERATE, dose=Dose(minutes=10)),
        exercise(
            "heel_drops",
            Category.IMPACT,
            impact="moderate",
            dose=Dose(impacts=50),
            contraindications=frozenset({C.VERTEBRAL_FRACTURE, C.HIGH_FALL_RISK}),
            progression="jumps",
        ),
        exercise(
            "jumps",
            Category.IMPACT,
            impact="high",
            regression="heel_drops",
            dose=Dose(impacts=50),
            contraindications=frozenset({C.VERTEBRAL_FRACTURE, C.HIGH_FALL_RISK}),
        ),
    )
}

# Every fact known and at its lowest risk, impact allowed up to high.
SAFE = Facts(
    Profile(
        who_class="osteopenia",
        lowest_t_score=-0.9,
        vertebral_fracture=False,
        fragility_fractures=0,
        fall_risk="low",
        pain_nrs=2,
        physician_impact="high",
        frail=False,
    ),
    recent_fracture=False,
    severe_kyphosis=False,
    acute_pain=False,
)
VERTEBRAL = replace(
    SAFE,
    profile=replace(
        SAFE.profile, who_class="severe_osteoporosis", lowest_t_score=-3.1, vertebral_fracture=True
    ),
)


def codes(plan) -> list[str]:
    return [item.exercise for item in plan.items]


def test_a_low_risk_patient_gets_every_part_of_the_week_at_the_starting_dose():
    plan = prescribe(SAFE, LIBRARY)
    assert codes(plan) == [
        "knee_extension",
        "band_row",
        "wall_push_up",
        "sit_to_stand",
        "supported_tandem",
        "cloud_hands",
        "back_extension",
        "brisk_walk",
        "heel_drops",
    ]
    assert plan.impact_ceiling == "high"
    strength = plan.items[0]
    assert (strength.days, strength.dose.sets, strength.dose.reps, strength.dose.reps_max) == (
        (0, 3),
        1,
        8,
        12,
    )
    assert "[clinical-reference 4.1]" in strength.reason
    assert plan.minutes_per_week(LIBRARY, Category.AEROBIC) == 50  # 10 min x 5 days
    balance = plan.minutes_per_week(LIBRARY, Category.BALANCE) + plan.minutes_per_week(
        LIBRARY, Category.TAI_CHI
    )
    assert balance == 2 * 8 * 7  # 15 min a day, shared by two exercises, rounded up


def test_after_a_vertebral_fracture_spine_loading_impact_and_high_intensity_are_refused():
    plan = prescribe(VERTEBRAL, LIBRARY)
    assert "curl_up" not in codes(plan)
    assert "heel_drops" not in codes(plan)
    assert plan.impact_ceiling == "low"  # no greater than brisk walking (4.2)
    assert "brisk_walk" in codes(plan)
    rules = {v.rule for v in plan.excluded["curl_up"]}
    assert rules == {"contraindication", "spine_sparing"}
    deadlift = {v.rule for v in plan.excluded["deadlift"]}
    assert {"spine_sparing", "supervision_required_for_high_intensity"} <= deadlift
    impact = next(v for v in plan.excluded["heel_drops"] if v.rule == "impact")
    assert impact.reason.startswith("Moderate impact: stamps, hops, jumps, jogging is more than")
    assert "vertebral fracture" in impact.reason


def test_without_the_physicians_decision_there_is_no_impact_not_even_brisk_walking():
    facts = replace(SAFE, profile=replace(SAFE.profile, physician_impact=None))
    plan = prescribe(facts, LIBRARY)
    assert plan.impact_ceiling == "none"
    assert "bike" in codes(plan)
    assert "brisk_walk" not in codes(plan)
    assert "not recorded" in plan.excluded["brisk_walk"][0].reason


def test_at_high_fall_risk_balance_stays_supported_and_impact_waits():
    facts = replace(SAFE, profile=replace(SAFE.profile, fall_risk="high"))
    plan = prescribe(facts, LIBRARY)
    assert "supported_tandem" in codes(plan)
    assert "tandem_stance" in plan.excluded
    assert plan.impact_ceiling == "none"  # strength and balance before impact (4.2)


def test_unrecorded_therapist_facts_count_as_present():
    facts = Facts(SAFE.profile)  # recent fracture, kyphosis, acute pain not recorded
    safety = Safety.of(facts)
    assert C.ACUTE_PAIN in safety.contraindications
    assert "not recorded, treated as present" in safety.contraindications[C.ACUTE_PAIN]
    assert "deadlift" in prescribe(facts, LIBRARY).excluded


def test_a_hand_edited_plan_that_breaks_a_rule_is_refused_naming_the_rule():
    items = [item_of("curl_up")]
    assert check(items, SAFE, LIBRARY) == {}
    found = check(items, VERTEBRAL, LIBRARY)
    assert [v.rule for v in found["curl_up"]] == ["contraindication", "spine_sparing"]
    assert "spine-sparing" in found["curl_up"][1].reason
    unknown = check([replace(items[0], exercise="cartwheel")], SAFE, LIBRARY)
    assert unknown["cartwheel"][0].rule == "unknown"


def item_of(code: str, sets: int | None = 1) -> Item:
    """A plan item for the exercise at its library dose with `sets`."""
    return Item(code, (0, 3), replace(LIBRARY[code].dose, sets=sets), Reason.joined(()))


EASY = Session(Completion.DONE, effort=3, pain=1)


def proposed(item: Item, sessions: list[Session], facts: Facts = SAFE) -> Proposal:
    proposal = propose(item, sessions, facts, LIBRARY)
    assert proposal is not None
    return proposal


def test_sustained_easy_sessions_propose_one_more_set_then_the_next_exercise():
    up = proposed(item_of("knee_extension"), [EASY] * 3)
    assert (up.step, up.dose.sets, up.to_exercise) == (Step.UP, 2, "knee_extension")
    assert "local program setting" in up.reason
    at_max = proposed(item_of("supported_tandem", sets=None), [EASY] * 3)
    assert (at_max.step, at_max.to_exercise) == (Step.UP, "tandem_stance")
    assert propose(item_of("knee_extension"), [EASY] * 2, SAFE, LIBRARY) is None


def test_a_progression_the_safety_layer_refuses_is_never_proposed():
    risky = replace(SAFE, profile=replace(SAFE.profile, fall_risk="high"))
    assert propose(item_of("supported_tandem", sets=None), [EASY] * 3, risky, LIBRARY) is None


def test_high_effort_or_rising_pain_proposes_a_step_down():
    hard = [EASY, Session(Completion.DONE, effort=9)]
    down = proposed(item_of("knee_extension", sets=2), hard)
    assert (down.step, down.dose.sets) == (Step.DOWN, 1)
    assert "effort above 8" in down.reason
    pain = [Session(Completion.DONE, effort=4, pain=2), Session(Completion.PARTLY, pain=5)]
    swap = proposed(item_of("tandem_stance", sets=None), pain)
    assert (swap.step, swap.to_exercise) == (Step.DOWN, "supported_tandem")
    skipped = [Session(Completion.SKIPPED, skipped_for_pain=True)]
    review = proposed(item_of("knee_extension"), skipped)
    assert review.step == Step.DOWN
    assert "therapist review" in review.reason  # at one set with no easier exercise


facts = st.builds(
    Facts,
    profile=st.builds(
        Profile,
        who_class=st.sampled_from((*WHO_CLASSES, None)),
        lowest_t_score=st.floats(-7.0, 7.0, allow_nan=False) | st.none(),
        vertebral_fracture=st.booleans() | st.none(),
        fragility_fractures=st.integers(0, 6) | st.none(),
        fall_risk=st.sampled_from((*FALL_RISKS, None)),
        physician_impact=st.sampled_from((*IMPACT_LEVELS, None)),
        frail=st.booleans() | st.none(),
    ),
    recent_fracture=st.booleans() | st.none(),
    severe_kyphosis=st.booleans() | st.none(),
    acute_pain=st.booleans() | st.none(),
)


@pytest.mark.parametrize("library", [LIBRARY, EXERCISES], ids=["small", "built-in"])
@settings(max_examples=300)
@given(facts=facts)
def test_no_prescribed_exercise_ever_breaks_a_safety_rule(library, facts):
    plan = prescribe(facts, library)
    assert check(plan.items, facts, library) == {}
    safety = Safety.of(facts)
    for item in plan.items:
        exercise = library[item.exercise]
        assert IMPACT_LEVELS.index(exercise.impact) <= IMPACT_LEVELS.index(plan.impact_ceiling)
        assert not (exercise.contraindications & set(safety.contraindications))


@pytest.mark.parametrize("library", [LIBRARY, EXERCISES], ids=["small", "built-in"])
@settings(max_examples=200)
@given(facts=facts, efforts=st.lists(st.integers(0, 10), min_size=1, max_size=6))
def test_no_proposal_ever_leads_to_an_exercise_the_safety_layer_refuses(library, facts, efforts):
    sessions = [Session(Completion.DONE, effort=effort) for effort in efforts]
    safety = Safety.of(facts)
    for item in prescribe(facts, library).items:
        proposal = propose(item, sessions, facts, library)
        if proposal is not None:
            assert not safety.violations(library[proposal.to_exercise])


def test_the_physicians_level_allows_impact_up_to_it_and_no_further():
    low = replace(SAFE, profile=replace(SAFE.profile, physician_impact="low"))
    plan = prescribe(low, LIBRARY)
    assert plan.impact_ceiling == "low"
    assert "brisk_walk" in codes(plan)  # tagged physician-restricted, but within "low"
    assert {v.rule for v in plan.excluded["heel_drops"]} == {"impact"}
