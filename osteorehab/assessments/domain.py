"""From a patient's baseline risk profile to the exercise safety constraints, and which
instruments each role completes at enrolment and at the check-ups.

Sources (clinical-reference): 3.1 WHO classification; 3.6 World Falls Guidelines fall-risk tiers
(operationalisation UNVERIFIED); 4.1 Too Fit To Fracture; 4.2 Strong, Steady and Straight;
4.3 Otago; 4.4 LIFTMOR. Pure Python, no Django.

An unknown fact (None) is treated as the riskier value, and the reason says so: a missing record
must never clear an exercise. A profile is therefore never less constrained for a field being
unknown than for any known value of it.

The reference gives no exercise rule for pain (1.13 bands pain but says nothing about exercise)
or for the time since a fracture, so `pain_nrs` and `recent_fracture_weeks` are carried in the
profile for the record but set no constraint.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from osteorehab.assessments.instruments.base import (
    Reason,
    Result,
    Source,
    gettext_noop,
    round_half_up,
)
from osteorehab.assessments.instruments.bone_density import BONE_DENSITY
from osteorehab.assessments.instruments.falls_wfg import TIERS

WHO_CLASSES = ("normal", "osteopenia", "osteoporosis", "severe_osteoporosis")  # as bone_density
FALL_RISKS = ("low", "intermediate", "high")  # as falls_risk_wfg
# The most impact the physician allows, from none to high: the impact levels of Strong, Steady
# and Straight (4.2; brisk walking is the ceiling after vertebral or multiple fractures).
IMPACT_LEVELS = ("none", "low", "moderate", "high")
OSTEOPOROSIS = frozenset({"osteoporosis", "severe_osteoporosis"})  # T <= -2.5 (3.1)
LOW_BONE_MASS = frozenset({"osteopenia", *OSTEOPOROSIS})  # T < -1.0 (3.1)
AT_RISK_OF_FALLS = frozenset({"intermediate", "high"})  # the WFG tiers above "low" (3.6)
MULTIPLE_FRACTURES = 2  # "multiple low-trauma fractures" (4.2): two or more
LIFTMOR_BELOW_T = -1.0  # LIFTMOR enrolled women with low bone mass, T < -1.0 (4.4)


@dataclass(frozen=True)
class Profile:
    """What the safety rules read; None is unknown."""

    who_class: str | None = None
    lowest_t_score: float | None = None
    vertebral_fracture: bool | None = None
    fragility_fractures: int | None = None  # prior low-trauma fractures
    recent_fracture_weeks: int | None = None  # weeks since the most recent fracture
    fall_risk: str | None = None
    pain_nrs: float | None = None
    physician_impact: str | None = None  # the most impact the physician allows
    frail: bool | None = None

    def __post_init__(self) -> None:
        # A misspelt class or tier would otherwise read as "not at risk" and clear exercise.
        if self.who_class is not None and self.who_class not in WHO_CLASSES:
            raise ValueError(f"who_class must be one of {', '.join(WHO_CLASSES)}")
        if self.fall_risk is not None and self.fall_risk not in FALL_RISKS:
            raise ValueError(f"fall_risk must be one of {', '.join(FALL_RISKS)}")
        if self.physician_impact is not None and self.physician_impact not in IMPACT_LEVELS:
            raise ValueError(f"physician_impact must be one of {', '.join(IMPACT_LEVELS)}")
        for name in ("fragility_fractures", "recent_fracture_weeks"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.pain_nrs is not None and not 0 <= self.pain_nrs <= 10:
            raise ValueError("pain_nrs must be between 0 and 10")


def profile_from_results(
    results: Mapping[str, Result],
    *,
    vertebral_fracture: bool | None,
    fragility_fractures: int | None,
    recent_fracture_weeks: int | None,
    physician_impact: str | None,
    frail: bool | None = None,
) -> Profile:
    """The profile from the latest Result of each instrument, keyed by instrument code, and the
    facts from the patient's record. A missing or not computable result leaves its facts unknown."""

    def latest(code: str) -> Result | None:
        result = results.get(code)
        if result is not None and result.instrument != code:
            raise ValueError(f"results[{code!r}] is a {result.instrument} result")
        return result if result is not None and result.valid else None

    bone, falls, pain = latest("bone_density"), latest("falls_risk_wfg"), latest("pain_nrs")
    return Profile(
        who_class=bone.figures.get("who_class") if bone else None,
        lowest_t_score=bone.figures.get("t_score") if bone else None,
        vertebral_fracture=vertebral_fracture,
        fragility_fractures=fragility_fractures,
        recent_fracture_weeks=recent_fracture_weeks,
        fall_risk=falls.band if falls else None,
        pain_nrs=pain.total if pain else None,
        physician_impact=physician_impact,
        frail=frail,
    )


@dataclass(frozen=True)
class Constraint:
    """A limit the exercise plan must respect; `reason` names the profile facts behind it."""

    code: str
    label: str
    reason: Reason
    source: Source


TOO_FIT_TO_FRACTURE = Source(
    "Giangregorio et al. 2014, Osteoporos Int 25:821; 2015, 26:891 (Too Fit To Fracture)", "4.1"
)
STRONG_STEADY_STRAIGHT = Source(
    "Royal Osteoporosis Society, Strong, Steady and Straight 2019; Brooke-Wavell et al. 2022, "
    "Br J Sports Med",
    "4.2",
)
SPINE_SPARING = Source(
    f"{TOO_FIT_TO_FRACTURE.citation}; {STRONG_STEADY_STRAIGHT.citation}", "4.1, 4.2"
)
STEADY = Source(
    f"{STRONG_STEADY_STRAIGHT.citation} ('Steady'); Otago Exercise Programme "
    "(Campbell & Robertson, ACC NZ 2003/2007)",
    "4.2, 4.3",
)
LIFTMOR = Source("Watson et al. 2018, J Bone Miner Res 33:211 (LIFTMOR)", "4.4")
PHYSICIAN_ORDER = Source("the physician's restriction in the patient's record", "none")
NO_DXA = Source(
    "local conservative default: no WHO 1994 (TRS 843) class to check exercise against", "3.1"
)


IMPACT_WORDS = {
    "none": gettext_noop("No impact"),
    "low": gettext_noop("Low impact: no more than brisk walking"),
    "moderate": gettext_noop("Moderate impact: stamps, hops, jumps, jogging"),
    "high": gettext_noop("High impact"),
}


def _physician(p: Profile) -> list[Reason]:
    if p.physician_impact is None:
        return [Reason("the physician's decision on impact is not recorded: no impact until it is")]
    if p.physician_impact == "high":
        return []
    return [Reason("the physician allows: {level}", level=IMPACT_WORDS[p.physician_impact])]


def _no_who_class(p: Profile) -> list[Reason]:
    if p.who_class is not None:
        return []
    facts = [Reason("no WHO bone-density class (no DXA result entered)")]
    if p.lowest_t_score is not None:
        facts.append(
            Reason(
                "a T-score of {t:g} without a WHO class (the WHO classification applies to "
                "postmenopausal women and men >= 50, clinical-reference 3.1)",
                t=p.lowest_t_score,
            )
        )
    return facts


def _vertebral(p: Profile) -> list[Reason]:
    if p.vertebral_fracture is None:
        return [Reason("vertebral fracture unknown, treated as present until recorded")]
    return [Reason("vertebral fracture")] if p.vertebral_fracture else []


def _multiple_fractures(p: Profile) -> list[Reason]:
    if p.fragility_fractures is None:
        return [
            Reason("number of low-trauma fractures unknown, treated as multiple until recorded")
        ]
    if p.fragility_fractures >= MULTIPLE_FRACTURES:
        return [
            Reason(
                "{count} low-trauma fractures (multiple: >= {multiple})",
                count=p.fragility_fractures,
                multiple=MULTIPLE_FRACTURES,
            )
        ]
    return []


def _who_class(p: Profile) -> Reason:
    code = p.who_class or ""
    return Reason("WHO class {who_class}", who_class=BONE_DENSITY.words(code) or code)


def _osteoporosis(p: Profile) -> list[Reason]:
    if p.who_class is None:
        return [Reason("WHO class unknown, treated as osteoporosis until a DXA result is entered")]
    return [_who_class(p)] if p.who_class in OSTEOPOROSIS else []


def _low_bone_mass(p: Profile) -> list[Reason]:
    facts = []
    if p.who_class is None:
        facts.append(
            Reason("WHO class unknown, treated as low bone mass until a DXA result is entered")
        )
    elif p.who_class in LOW_BONE_MASS:
        facts.append(_who_class(p))
    # Rounded to 1 dp before it is compared, like every T-score (clinical-reference 0.1.2).
    if p.lowest_t_score is not None and round_half_up(p.lowest_t_score, 1) < LIFTMOR_BELOW_T:
        facts.append(Reason("lowest T-score {t:g} (< -1.0)", t=round_half_up(p.lowest_t_score, 1)))
    return facts


def _falls(p: Profile) -> list[Reason]:
    if p.fall_risk is None:
        return [Reason("fall risk not assessed, treated as at risk until assessed")]
    if p.fall_risk in AT_RISK_OF_FALLS:
        return [
            Reason(
                "{risk} (World Falls Guidelines tiers, unverified operationalisation, "
                "clinical-reference 3.6)",
                risk=TIERS[p.fall_risk],
            )
        ]
    return []


def _frail(p: Profile) -> list[Reason]:
    if p.frail is None:
        return [Reason("frailty unknown, treated as present until recorded")]
    return [Reason("frail")] if p.frail else []


def _any(*triggers: Callable[[Profile], list[Reason]]) -> Callable[[Profile], list[Reason]]:
    return lambda p: [fact for trigger in triggers for fact in trigger(p)]


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    source: Source
    triggers: Callable[[Profile], list[Reason]]  # the facts that call for it; empty: not needed


# In the order they are shown: the limits on impact first, then on load, then the rest.
RULES = (
    Rule(
        # A clinical order from the care team's physician, not a rule of the reference.
        "physician_impact_limit",
        gettext_noop("Impact exercise only as far as the physician allows"),
        PHYSICIAN_ORDER,
        _physician,
    ),
    Rule(
        # The reference ties no impact rule to bone density alone (4.2 limits impact only after
        # fractures), so an unknown class is not treated as osteoporosis for impact: the
        # clinician is told instead that nothing has been checked against a DXA result.
        "bone_density_unknown",
        gettext_noop(
            "Bone density unknown: impact and high-intensity work are not cleared until a DXA "
            "result is entered"
        ),
        NO_DXA,
        _no_who_class,
    ),
    Rule(
        "impact_up_to_brisk_walking",
        gettext_noop("Impact no greater than brisk walking"),
        STRONG_STEADY_STRAIGHT,
        _any(_vertebral, _multiple_fractures),
    ),
    Rule(
        "strength_balance_before_impact",
        gettext_noop(
            "Strength-and-balance training (Otago/FaME-type, supervised at first) before any "
            "impact work"
        ),
        STEADY,
        _falls,
    ),
    Rule(
        # LIFTMOR's evidence is in low bone mass (T < -1.0) and its protocol needs trained
        # staff, screening and about a month at lower loads first (4.4).
        "supervision_required_for_high_intensity",
        gettext_noop(
            "High-intensity resistance or impact training (LIFTMOR-type) only supervised by "
            "trained staff, after screening and about a month of familiarisation at lower loads"
        ),
        LIFTMOR,
        _low_bone_mass,
    ),
    Rule(
        # 4.2 after vertebral or multiple low-trauma fractures; 4.1 is the osteoporosis
        # exercise recommendation (Osteoporosis Canada), whose spine-sparing advice carries no
        # narrower population in the reference.
        "spine_sparing",
        gettext_noop(
            "Spine-sparing: no loaded, rapid, repetitive or end-range spinal flexion or twisting "
            "(no sit-ups or toe-touching); hip-hinge; no lifting from or lowering to the floor"
        ),
        SPINE_SPARING,
        _any(_vertebral, _multiple_fractures, _osteoporosis),
    ),
    Rule(
        "aerobic_moderate_only",
        gettext_noop("Aerobic exercise at moderate intensity only"),
        TOO_FIT_TO_FRACTURE,
        _vertebral,
    ),
    Rule(
        "strength_form_over_intensity",
        gettext_noop("Strength training: form and alignment before intensity"),
        TOO_FIT_TO_FRACTURE,
        _vertebral,
    ),
    Rule(
        "physiotherapist_consultation",
        gettext_noop("Physiotherapist consultation"),
        TOO_FIT_TO_FRACTURE,
        _vertebral,
    ),
    Rule(
        "exercise_to_ability_falls_focus",
        gettext_noop("Exercise according to ability, with emphasis on falls reduction"),
        STRONG_STEADY_STRAIGHT,
        _frail,
    ),
)


def safety_constraints(profile: Profile) -> tuple[Constraint, ...]:
    """Every constraint the profile calls for, in the order of RULES."""
    constraints = []
    for rule in RULES:
        facts = rule.triggers(profile)
        if facts:
            constraints.append(Constraint(rule.code, rule.label, Reason.joined(facts), rule.source))
    return tuple(constraints)


# Which instrument codes each role completes at enrolment; each code has one owner. Psychological:
# anxiety, depression, exercise self-efficacy, fear of falling, kinesiophobia, confidence. Physical:
# balance, strength, gait, endurance. Bone density, fall and fracture risk, pain.
BASELINE_BATTERY: Mapping[str, tuple[str, ...]] = {
    # The patient could fill in PHQ-9 and GAD-7 alone, but the counsellor gives them in the
    # enrolment interview so that an answer above 0 on PHQ-9 item 9 is followed up at once (1.1).
    "counsellor": ("phq9", "gad7"),
    "therapist": (
        "four_stage_balance",
        "tug",
        "chair_stand_30s",
        "grip_strength",
        "gait_speed",
        "two_minute_walk",
    ),
    # FRAX as the score from the official web tool (3.4); falls_risk_wfg uses the therapist's
    # gait speed or TUG, and its high tier leads to a multifactorial assessment (3.6).
    "physician": ("bone_density", "frax", "falls_risk_wfg"),
    # The nurse takes pain at intake, as part of the daily management and feedback they record.
    "nurse": ("pain_nrs",),
    # Self-report: free or ask-first questionnaires and 0-10 ratings only, nothing licensed and no
    # physical tests (8). Short FES-I rather than FES-I, to compare with the check-ups.
    "patient": ("see", "tsk17", "short_fes_i", "confidence"),
}

# The bi-weekly check-up, its parts as the developers' guide names them.
FOLLOW_UP_BATTERY: Mapping[str, tuple[str, ...]] = {
    "psychological_check_up": ("gad7", "phq9", "confidence", "short_fes_i"),
    "motor_endurance_test": ("chair_stand_30s", "two_minute_walk"),
}

# What a patient answers on their own phone: their baseline questionnaires and the bi-weekly
# psychological check-up.
SELF_REPORT = tuple(
    dict.fromkeys([*BASELINE_BATTERY["patient"], *FOLLOW_UP_BATTERY["psychological_check_up"]])
)
