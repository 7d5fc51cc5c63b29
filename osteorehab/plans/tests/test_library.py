"""The built-in exercise library's integrity: counts per category, codes and links, the
contraindication rules (clinical-reference 4.1-4.4), doses taken from the reference, both
languages, and the deliberately unsafe exercises the safety layer must be able to refuse.
No database needed."""

import ast
import re
from pathlib import Path

import pytest

from osteorehab.plans.exercises import (
    EQUIPMENT_LABELS,
    IMPACT_LEVELS,
    MUSCLE_GROUPS,
    Category,
    Contraindication,
    Exercise,
    Intensity,
)
from osteorehab.plans.library import EXERCISES

VERTEBRAL = Contraindication.VERTEBRAL_FRACTURE
RECENT = Contraindication.RECENT_FRACTURE
FALLS = Contraindication.HIGH_FALL_RISK
KYPHOSIS = Contraindication.SEVERE_KYPHOSIS
PAIN = Contraindication.ACUTE_PAIN
RESTRICTED = Contraindication.PHYSICIAN_RESTRICTED_IMPACT

MINIMUM_PER_CATEGORY = {
    Category.RESISTANCE: 12,
    Category.BALANCE: 10,
    Category.GAIT: 6,
    Category.IMPACT: 6,
    Category.POSTURE: 6,
    Category.AEROBIC: 5,
    Category.FLEXIBILITY: 5,
    Category.TAI_CHI: 5,
    Category.FUNCTIONAL: 6,
}
CJK = re.compile(r"[\u4e00-\u9fff]")
STEP = re.compile(r"^(\d)\. (\S.*)$")
ALL = list(EXERCISES.values())
LIBRARY_DIR = Path(__file__).resolve().parents[1] / "library"


def by_category(category: Category) -> list[Exercise]:
    return [e for e in ALL if e.category == category]


def impact_above(exercise: Exercise, level: str) -> bool:
    return IMPACT_LEVELS.index(exercise.impact) > IMPACT_LEVELS.index(level)


def numbers(exercise: Exercise) -> list[int]:
    dose = exercise.dose
    values = (dose.sets, dose.reps, dose.reps_max, dose.hold_seconds, dose.minutes, dose.impacts)
    return [value for value in values if value is not None]


# Counts and codes


def test_library_holds_at_least_66_exercises():
    assert len(EXERCISES) >= 66


@pytest.mark.parametrize(("category", "minimum"), MINIMUM_PER_CATEGORY.items())
def test_each_category_holds_its_minimum(category, minimum):
    assert len(by_category(category)) >= minimum


def test_codes_are_unique_lower_snake_case_and_the_keys():
    for code, exercise in EXERCISES.items():
        assert code == exercise.code
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code), code


def test_first_exercise_is_resistance_in_a_stable_order():
    # The prescription reads the library in order: the easiest, safest version comes first.
    assert list(EXERCISES)[:3] == [
        "knee_extension_ankle_weight",
        "knee_flexion_ankle_weight",
        "hip_abduction_ankle_weight",
    ]
    assert next(e.code for e in ALL if e.category == Category.FUNCTIONAL) == "sit_to_stand_hands"


# Links


def test_every_link_names_another_exercise_in_the_library():
    for exercise in ALL:
        links = [exercise.progression, exercise.regression, *exercise.alternatives]
        for code in links:
            if code is not None:
                assert code in EXERCISES, f"{exercise.code} -> {code}"
                assert code != exercise.code


@pytest.mark.parametrize("direction", ["progression", "regression"])
def test_progression_and_regression_chains_end_without_a_loop(direction):
    for exercise in ALL:
        seen = {exercise.code}
        step = getattr(exercise, direction)
        while step is not None:
            assert step not in seen, f"loop from {exercise.code} through {step}"
            seen.add(step)
            step = getattr(EXERCISES[step], direction)


def test_every_progression_is_mirrored_by_the_harder_exercises_regression():
    for exercise in ALL:
        if exercise.progression is not None:
            assert EXERCISES[exercise.progression].regression == exercise.code, exercise.code


@pytest.mark.parametrize(
    ("easier", "harder"),
    [
        ("knee_bends_supported", "knee_bends"),
        ("tandem_stance_supported", "tandem_stance"),
        ("one_leg_stand_supported", "one_leg_stand"),
        ("backwards_walking_supported", "backwards_walking"),
        ("tandem_walk_supported", "tandem_walk"),
        ("sit_to_stand_hands", "sit_to_stand"),
        ("kneel_to_stand_with_chair", "floor_to_stand_with_chair"),
        ("floor_to_stand_with_chair", "floor_to_stand"),
        ("tai_chi_golden_rooster_supported", "tai_chi_golden_rooster"),
        ("seated_band_back_extension", "standing_band_back_extension"),
        ("heel_drops", "stamping"),
    ],
)
def test_supported_versions_progress_to_less_support(easier, harder):
    assert EXERCISES[easier].progression == harder
    assert EXERCISES[harder].regression == easier
    assert not EXERCISES[easier].contraindications - EXERCISES[harder].contraindications


def test_impact_chain_climbs_one_level_at_a_time_from_low():
    chain: list[str] = []
    step: str | None = "brisk_marching_on_the_spot"
    while step is not None:
        chain.append(EXERCISES[step].impact)
        step = EXERCISES[step].progression
    assert chain == ["low", "moderate", "moderate", "moderate", "high"]


# Muscle groups, equipment, impact, intensity


def test_resistance_covers_every_muscle_group():
    covered = {group for e in by_category(Category.RESISTANCE) for group in e.muscle_groups}
    assert covered == set(MUSCLE_GROUPS)


def test_every_muscle_group_has_a_home_exercise_without_contraindications():
    home = [
        e
        for e in by_category(Category.RESISTANCE)
        if not e.contraindications and not e.high_intensity
    ]
    assert {group for e in home for group in e.muscle_groups} == set(MUSCLE_GROUPS)


def test_back_extensors_include_options_without_lying_face_down():
    back = [e for e in by_category(Category.RESISTANCE) if "back" in e.muscle_groups]
    assert {"seated_band_back_extension", "standing_band_back_extension"} <= {e.code for e in back}
    assert KYPHOSIS in EXERCISES["prone_back_extension"].contraindications


def test_muscle_groups_are_known_and_only_on_strength_or_everyday_movements():
    for exercise in ALL:
        assert set(exercise.muscle_groups) <= set(MUSCLE_GROUPS), exercise.code
        if exercise.muscle_groups:
            assert exercise.category in (Category.RESISTANCE, Category.FUNCTIONAL), exercise.code


def test_equipment_keys_are_known():
    for exercise in ALL:
        assert set(exercise.equipment) <= set(EQUIPMENT_LABELS), exercise.code
        assert len(set(exercise.equipment)) == len(exercise.equipment), exercise.code


def test_impact_is_a_known_level_and_every_level_is_used():
    assert all(e.impact in IMPACT_LEVELS for e in ALL)
    assert {e.impact for e in ALL} == set(IMPACT_LEVELS)


def test_impact_exercises_have_impact_and_span_low_to_high():
    impact = by_category(Category.IMPACT)
    assert all(e.impact != "none" for e in impact)
    assert {e.impact for e in impact} == {"low", "moderate", "high"}


def test_walking_is_low_impact():
    walking = [e for e in ALL if "walk" in e.code]
    assert len(walking) >= 10
    assert all(e.impact == "low" for e in walking), [e.code for e in walking]


def test_tai_chi_posture_and_flexibility_have_no_impact():
    for category in (Category.TAI_CHI, Category.POSTURE, Category.FLEXIBILITY):
        assert all(e.impact == "none" for e in by_category(category))


def test_high_intensity_is_vigorous():
    for exercise in ALL:
        if exercise.high_intensity:
            assert exercise.intensity == Intensity.VIGOROUS, exercise.code


def test_aerobic_exercises_are_light_or_moderate():
    assert all(e.intensity != Intensity.VIGOROUS for e in by_category(Category.AEROBIC))
    assert EXERCISES["brisk_walking"].impact == "low"
    assert EXERCISES["stationary_cycling"].impact == "none"


def test_flexibility_avoids_spinal_flexion_except_the_toe_touch():
    flexing = [e.code for e in by_category(Category.FLEXIBILITY) if e.spinal_flexion]
    assert flexing == ["standing_toe_touch"]


# Contraindication rules


def test_vertebral_fracture_on_flexion_floor_lifts_high_intensity_and_real_impact():
    for exercise in ALL:
        if (
            exercise.spinal_flexion
            or exercise.floor_lift
            or exercise.high_intensity
            or impact_above(exercise, "low")
        ):
            assert VERTEBRAL in exercise.contraindications, exercise.code


def test_recent_fracture_on_impact_above_low_and_high_intensity():
    for exercise in ALL:
        if exercise.high_intensity or impact_above(exercise, "low"):
            assert RECENT in exercise.contraindications, exercise.code


def test_acute_pain_on_impact_above_low_high_intensity_and_heavy_lifts():
    for exercise in ALL:
        if exercise.high_intensity or impact_above(exercise, "low"):
            assert PAIN in exercise.contraindications, exercise.code
    for code in ("liftmor_deadlift", "liftmor_back_squat", "liftmor_overhead_press"):
        assert PAIN in EXERCISES[code].contraindications


def test_physician_restricted_impact_on_exactly_the_exercises_with_impact():
    for exercise in ALL:
        assert (RESTRICTED in exercise.contraindications) == (exercise.impact != "none"), (
            exercise.code
        )


def test_high_fall_risk_on_impact_above_low_and_unsupported_otago_levels_c_and_d():
    for exercise in ALL:
        if impact_above(exercise, "low"):
            assert FALLS in exercise.contraindications, exercise.code
        if exercise.otago_level in ("C", "D") and not exercise.supported:
            assert FALLS in exercise.contraindications, exercise.code


@pytest.mark.parametrize(
    "code",
    [
        "feet_together_eyes_closed_supported",  # eyes closed, even holding on
        "one_leg_stand",
        "tandem_stance",
        "tandem_walk",
        "heel_toe_walking_backwards",
        "tai_chi_golden_rooster",
        "walking_with_head_turns",
        "obstacle_stepping",
        "floor_to_stand",  # getting up from the floor without support
    ],
)
def test_high_fall_risk_on_single_leg_tandem_eyes_closed_and_unsupported_dynamic(code):
    assert FALLS in EXERCISES[code].contraindications


@pytest.mark.parametrize(
    "code",
    [
        "knee_bends_supported",
        "tandem_stance_supported",
        "one_leg_stand_supported",
        "tai_chi_golden_rooster_supported",
        "floor_to_stand_with_chair",
        "sit_to_stand_hands",
    ],
)
def test_the_supported_versions_stay_open_to_people_at_high_fall_risk(code):
    assert FALLS not in EXERCISES[code].contraindications


@pytest.mark.parametrize(
    "code",
    [
        "prone_back_extension",  # face down
        "curl_up",  # flat on the back without a pillow
        "seated_overhead_press",  # overhead loading
        "liftmor_overhead_press",
        "jumping_chin_up_drop_landing",
    ],
)
def test_severe_kyphosis_on_lying_face_down_flat_on_the_back_and_overhead_loads(code):
    assert KYPHOSIS in EXERCISES[code].contraindications


def test_lying_on_the_back_with_a_pillow_is_not_refused_for_kyphosis():
    exercise = EXERCISES["lying_shoulder_press_back"]
    assert "pillow" in exercise.equipment
    assert KYPHOSIS not in exercise.contraindications


def test_ordinary_home_exercises_carry_no_contraindication():
    for code in ("knee_extension_ankle_weight", "seated_back_extension", "stationary_cycling"):
        assert EXERCISES[code].contraindications == frozenset()


# The deliberately unsafe exercises


@pytest.mark.parametrize(
    ("code", "category", "flags", "tags"),
    [
        ("curl_up", Category.RESISTANCE, {"spinal_flexion"}, {VERTEBRAL, KYPHOSIS}),
        ("standing_toe_touch", Category.FLEXIBILITY, {"spinal_flexion"}, {VERTEBRAL}),
        ("weighted_trunk_twist", Category.RESISTANCE, {"spinal_flexion"}, {VERTEBRAL}),
        (
            "liftmor_deadlift",
            Category.RESISTANCE,
            {"high_intensity", "floor_lift"},
            {VERTEBRAL, RECENT, PAIN},
        ),
        (
            "liftmor_back_squat",
            Category.RESISTANCE,
            {"high_intensity"},
            {VERTEBRAL, RECENT, PAIN, KYPHOSIS},  # the bar loads the top of the back
        ),
        (
            "vertical_jumps",
            Category.IMPACT,
            {"high_intensity"},
            {VERTEBRAL, RECENT, FALLS, PAIN, RESTRICTED},
        ),
        (
            "jumping_chin_up_drop_landing",
            Category.IMPACT,
            {"high_intensity"},
            {VERTEBRAL, RECENT, FALLS, PAIN, RESTRICTED, KYPHOSIS},
        ),
        ("golfers_lift_floor", Category.FUNCTIONAL, {"floor_lift"}, {VERTEBRAL}),
    ],
)
def test_deliberately_unsafe_exercises_exist_with_their_flags(code, category, flags, tags):
    exercise = EXERCISES[code]
    assert exercise.category == category
    for flag in ("spinal_flexion", "floor_lift", "high_intensity"):
        assert getattr(exercise, flag) == (flag in flags), flag
    assert exercise.contraindications == frozenset(tags)


def test_liftmor_lifts_are_5_by_5_with_a_barbell_under_supervision():
    for code in ("liftmor_deadlift", "liftmor_back_squat", "liftmor_overhead_press"):
        exercise = EXERCISES[code]
        assert exercise.equipment == ("barbell",)
        assert (exercise.dose.sets, exercise.dose.reps, exercise.dose.reps_max) == (5, 5, 5)
        assert "80-85%" in exercise.dose.load_en
        assert "1RM" in exercise.dose.load_zh
        assert "[clinical-reference 4.4]" in exercise.source
    assert EXERCISES["liftmor_deadlift"].intensity == Intensity.VIGOROUS
    assert EXERCISES["jumping_chin_up_drop_landing"].equipment == ("pull_up_bar",)
    assert EXERCISES["vertical_jumps"].impact == "high"


# Otago


def test_otago_leg_strengthening_with_ankle_cuff_weights_from_about_1_kg():
    for code in (
        "knee_extension_ankle_weight",
        "knee_flexion_ankle_weight",
        "hip_abduction_ankle_weight",
    ):
        exercise = EXERCISES[code]
        assert "ankle_weights" in exercise.equipment
        assert exercise.dose.load_en == "Ankle cuff weight, about 1 kg to start"
        assert "1公斤" in exercise.dose.load_zh
        assert "[clinical-reference 4.3]" in exercise.source
    for code in ("calf_raises_supported", "toe_raises_supported"):
        assert EXERCISES[code].muscle_groups == ("legs",)


def test_otago_levels_are_a_to_d_and_all_four_are_used():
    levels = {e.otago_level for e in ALL}
    assert levels <= {"", "A", "B", "C", "D"}
    assert {"A", "B", "C", "D"} <= levels


def test_otago_levels_a_and_b_hold_on_and_c_and_d_do_not():
    for exercise in ALL:
        if exercise.otago_level:
            assert exercise.category == Category.BALANCE, exercise.code
            assert exercise.supported == (exercise.otago_level in ("A", "B")), exercise.code


def test_otago_balance_exercises_come_with_and_without_support():
    levelled = [e for e in by_category(Category.BALANCE) if e.otago_level]
    assert len([e for e in levelled if e.supported]) >= 6
    assert len([e for e in levelled if not e.supported]) >= 6


def test_otago_walking_plan_is_about_30_minutes():
    plan = EXERCISES["otago_walking_plan"]
    assert plan.dose.minutes == 30
    assert "[clinical-reference 4.3]" in plan.source


# Doses and sources


def test_doses_are_sane():
    for exercise in ALL:
        dose = exercise.dose
        if dose.reps is not None and dose.reps_max is not None:
            assert dose.reps <= dose.reps_max, exercise.code
        if dose.reps_max is not None:
            assert dose.reps is not None, exercise.code
        if dose.sets is not None:
            assert 1 <= dose.sets <= 5, exercise.code
        assert all(value > 0 for value in numbers(exercise)), exercise.code
        assert bool(dose.load_en) == bool(dose.load_zh), exercise.code


def test_home_strength_starts_at_one_set_of_8_to_12():
    for exercise in by_category(Category.RESISTANCE):
        if not exercise.high_intensity:
            dose = exercise.dose
            assert (dose.sets, dose.reps, dose.reps_max) == (1, 8, 12), exercise.code
            assert "8-12 reps" in exercise.source, exercise.code


def test_moderate_impacts_are_50_per_session():
    for exercise in ALL:
        if exercise.impact == "moderate":
            assert exercise.dose.impacts == 50, exercise.code
            assert "[clinical-reference 4.2]" in exercise.source


def test_aerobic_bouts_are_10_minutes():
    assert all(e.dose.minutes == 10 for e in by_category(Category.AEROBIC))


def test_posture_holds_start_at_3_seconds():
    for exercise in by_category(Category.POSTURE):
        assert exercise.dose.hold_seconds == 3, exercise.code
        assert "holds 3-5 s" in exercise.source


def test_every_source_cites_a_section_of_clinical_reference_4():
    for exercise in ALL:
        assert re.search(r"\[clinical-reference 4\.[1-5]", exercise.source), exercise.code


def test_a_dose_without_numbers_says_the_reference_gives_none():
    for exercise in ALL:
        if not numbers(exercise):
            assert "the reference gives none" in exercise.source, exercise.code


# Both languages


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.code)
def test_both_languages_are_written_and_chinese_is_chinese(exercise):
    assert exercise.name_en.strip()
    assert exercise.instructions_en.strip()
    assert CJK.search(exercise.name_zh)
    assert CJK.search(exercise.instructions_zh)
    assert not CJK.search(exercise.name_en + exercise.instructions_en + exercise.dose.load_en)
    if exercise.dose.load_zh:
        assert CJK.search(exercise.dose.load_zh)


def step(line: str) -> re.Match[str]:
    match = STEP.match(line)
    assert match is not None, line
    return match


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.code)
def test_instructions_are_3_to_6_numbered_steps_in_each_language(exercise):
    for text in (exercise.instructions_en, exercise.instructions_zh):
        lines = text.split("\n")
        assert 3 <= len(lines) <= 6
        numbers = [int(step(line).group(1)) for line in lines]
        assert numbers == list(range(1, len(lines) + 1))


@pytest.mark.parametrize("exercise", ALL, ids=lambda e: e.code)
def test_instructions_hold_no_number_the_reference_does_not_give(exercise):
    # Doses live in Dose, from the reference; the steps themselves carry no figures.
    for text in (exercise.instructions_en, exercise.instructions_zh):
        for line in text.split("\n"):
            assert not re.search(r"\d", step(line).group(2)), line


# Purity


def test_library_modules_import_nothing_from_django():
    for path in sorted(LIBRARY_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith("django"), (path.name, name)
                assert name.startswith(("osteorehab.plans.", "__future__")), (path.name, name)
