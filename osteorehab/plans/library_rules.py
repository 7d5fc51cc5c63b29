"""What every exercise of the library must satisfy, built-in or added by staff: a sane dose, and
the contraindication tags its flags call for, so that the safety layer (`domain.py`), which reads
only the tags and flags, refuses it where it must. Pure Python, no Django.

The tag rules follow clinical-reference 4.1-4.4: after a vertebral fracture no loaded or
end-range spinal flexion or twisting, no lifting from the floor (4.1), impact no greater than
brisk walking (4.2) and no high-intensity work outside supervision (4.4); high impact and
high-intensity work wait after a recent fracture and in acute pain; Otago levels C and D without
support are for people not at high risk of falls (4.3). The built-in library satisfies every
rule (tested), and a staff edit that breaks one is refused, naming the field.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from osteorehab.assessments.instruments.base import Reason, gettext_noop
from osteorehab.plans.exercises import (
    CONTRAINDICATION_LABELS,
    EQUIPMENT_LABELS,
    IMPACT_LEVELS,
    MUSCLE_GROUPS,
    Category,
    Contraindication,
    Exercise,
    Intensity,
)

SETS_RANGE = (1, 5)
OTAGO_LEVELS = ("A", "B", "C", "D")
OTAGO_SUPPORTED = ("A", "B")  # levels A and B hold on to a chair or counter (4.3)
MUSCLE_CATEGORIES = (Category.RESISTANCE, Category.FUNCTIONAL)

FLEXION = gettext_noop("spinal flexion or twisting")
FLOOR_LIFT = gettext_noop("lifting from or to the floor")
HIGH_INTENSITY = gettext_noop("high intensity")
IMPACT_ABOVE_LOW = gettext_noop("impact above low")
UNSUPPORTED_C_D = gettext_noop("Otago level C or D without support")
DIRECTIONS = (
    ("progression", gettext_noop("progressions")),
    ("regression", gettext_noop("regressions")),
)


@dataclass(frozen=True)
class Problem:
    """One rule an exercise breaks: the field to correct, and why."""

    field: str
    reason: Reason


def _above(impact: str, level: str) -> bool:
    return IMPACT_LEVELS.index(impact) > IMPACT_LEVELS.index(level)


def required_tags(exercise: Exercise) -> dict[Contraindication, tuple[str, ...]]:
    """The contraindication tags the exercise's flags call for, each with what calls for it."""
    impact = _above(exercise.impact, "low")
    calls: dict[Contraindication, list[str]] = {}

    def need(tag: Contraindication, why: str, when: bool) -> None:
        if when:
            calls.setdefault(tag, []).append(why)

    need(Contraindication.VERTEBRAL_FRACTURE, FLEXION, exercise.spinal_flexion)
    need(Contraindication.VERTEBRAL_FRACTURE, FLOOR_LIFT, exercise.floor_lift)
    for tag in (
        Contraindication.VERTEBRAL_FRACTURE,
        Contraindication.RECENT_FRACTURE,
        Contraindication.ACUTE_PAIN,
    ):
        need(tag, HIGH_INTENSITY, exercise.high_intensity)
        need(tag, IMPACT_ABOVE_LOW, impact)
    need(Contraindication.HIGH_FALL_RISK, IMPACT_ABOVE_LOW, impact)
    unsupported = exercise.otago_level in ("C", "D") and not exercise.supported
    need(Contraindication.HIGH_FALL_RISK, UNSUPPORTED_C_D, unsupported)
    return {tag: tuple(why) for tag, why in calls.items()}


def _dose_problems(exercise: Exercise) -> list[Problem]:
    dose = exercise.dose
    found = []
    numbers = {
        "sets": dose.sets,
        "reps": dose.reps,
        "reps_max": dose.reps_max,
        "hold_seconds": dose.hold_seconds,
        "minutes": dose.minutes,
        "impacts": dose.impacts,
    }
    for name, value in numbers.items():
        if value is not None and value <= 0:
            found.append(Problem(name, Reason("Must be more than 0.")))
    if dose.sets is not None and not SETS_RANGE[0] <= dose.sets <= SETS_RANGE[1]:
        found.append(
            Problem(
                "sets", Reason("From {low} to {high} sets.", low=SETS_RANGE[0], high=SETS_RANGE[1])
            )
        )
    if dose.reps_max is not None and dose.reps is None:
        found.append(Problem("reps", Reason("Give the repetitions to start with as well.")))
    if dose.reps is not None and dose.reps_max is not None and dose.reps > dose.reps_max:
        found.append(
            Problem(
                "reps_max",
                Reason(
                    "Up to {reps_max} repetitions is fewer than the {reps} to start with.",
                    reps=dose.reps,
                    reps_max=dose.reps_max,
                ),
            )
        )
    for name, load, other in (
        ("load_en", dose.load_en, dose.load_zh),
        ("load_zh", dose.load_zh, dose.load_en),
    ):
        if other and not load:
            found.append(Problem(name, Reason("Give the load in both languages.")))
    return found


def _tag_problems(exercise: Exercise) -> list[Problem]:
    required = required_tags(exercise)
    found = [
        Problem(
            "contraindications",
            Reason(
                "Tick “{tag}”: the exercise has {why}.",
                tag=CONTRAINDICATION_LABELS[tag],
                why=why,
            ),
        )
        for tag, why in required.items()
        if tag not in exercise.contraindications
    ]
    # The physician's impact restriction applies to exactly the exercises with impact: on one
    # without, it would refuse an exercise the restriction is not about.
    restricted = Contraindication.PHYSICIAN_RESTRICTED_IMPACT
    label = CONTRAINDICATION_LABELS[restricted]
    if exercise.impact != "none" and restricted not in exercise.contraindications:
        found.append(
            Problem(
                "contraindications",
                Reason("Tick “{tag}”: the exercise has impact.", tag=label),
            )
        )
    if exercise.impact == "none" and restricted in exercise.contraindications:
        found.append(
            Problem(
                "contraindications",
                Reason("Untick “{tag}”: the exercise has no impact.", tag=label),
            )
        )
    return found


def problems(exercise: Exercise) -> list[Problem]:
    """Every rule the exercise breaks, each naming the field to correct; empty when it may be in
    the library."""
    found = _dose_problems(exercise)
    if exercise.category == Category.IMPACT and exercise.impact == "none":
        found.append(Problem("impact", Reason("An impact exercise must have some impact.")))
    if exercise.high_intensity and exercise.intensity != Intensity.VIGOROUS:
        found.append(Problem("intensity", Reason("High-intensity work is vigorous.")))
    found += _tag_problems(exercise)
    if exercise.otago_level:
        if exercise.otago_level not in OTAGO_LEVELS:
            found.append(Problem("otago_level", Reason("Otago levels are A to D.")))
        elif exercise.category != Category.BALANCE:
            found.append(
                Problem("otago_level", Reason("Only balance exercises have an Otago level."))
            )
        elif exercise.supported != (exercise.otago_level in OTAGO_SUPPORTED):
            found.append(
                Problem(
                    "supported",
                    Reason("Otago levels A and B hold on to a support; C and D do not."),
                )
            )
    if exercise.muscle_groups and exercise.category not in MUSCLE_CATEGORIES:
        found.append(
            Problem(
                "muscle_groups",
                Reason("Only strength exercises and everyday movements name muscle groups."),
            )
        )
    if set(exercise.muscle_groups) - set(MUSCLE_GROUPS):
        found.append(Problem("muscle_groups", Reason("Unknown muscle group.")))
    if set(exercise.equipment) - set(EQUIPMENT_LABELS):
        found.append(Problem("equipment", Reason("Unknown equipment.")))
    return found


def link_problems(
    code: str,
    *,
    progression: str | None,
    regression: str | None,
    alternatives: Iterable[str],
    links: Mapping[str, tuple[str | None, str | None]],
) -> list[Problem]:
    """The exercise's links, checked against the rest of the library (`links`: every other
    exercise's code -> (progression, regression)): none names the exercise itself, and following
    progressions (or regressions) from it never comes back round."""
    found = []
    if progression == code:
        found.append(Problem("progression", Reason("An exercise cannot be its own progression.")))
    if regression == code:
        found.append(Problem("regression", Reason("An exercise cannot be its own regression.")))
    if code in alternatives:
        found.append(Problem("alternatives", Reason("An exercise cannot be its own alternative.")))
    chains = {**links, code: (progression, regression)}
    for direction, (field, words) in enumerate(DIRECTIONS):
        if chains[code][direction] == code:
            continue
        path = [code]
        step = chains[code][direction]
        while step is not None and step not in path:
            path.append(step)
            step = chains.get(step, (None, None))[direction]
        if step is not None:
            found.append(
                Problem(
                    field,
                    Reason(
                        "Following the {direction} comes back round: {path}.",
                        direction=words,
                        path=" → ".join([*path, step]),
                    ),
                )
            )
    return found
