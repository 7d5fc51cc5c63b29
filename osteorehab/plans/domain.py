"""The exercise prescription: a weekly plan from the patient's profile, the osteoporosis safety
layer every plan passes whenever it is built, edited or progressed, and the progression and
regression proposals from logged sessions. Pure Python, no Django.

Sources (clinical-reference): 4.1 Too Fit To Fracture (strength >= 2 days/week, 8-12 reps,
1-3 sets, start lower; balance daily >= 15-20 min; aerobic bouts >= 10 min towards >= 5 days and
~150 min/week, moderate only after vertebral fracture; spinal extensors daily 5-10 min, holds
3-5 s; spine-sparing); 4.2 Strong, Steady and Straight (impact no greater than brisk walking
after vertebral or multiple fractures; strength and balance before impact at falls risk;
>= 50 moderate impacts per session on most days, frequency LOW); 4.3 Otago (graded support,
progression by load, repetitions and less support); 4.4 LIFTMOR (supervised high intensity);
4.5 WHO 2020 (150-300 min/week moderate aerobic; relative intensity 5-6 moderate, 7-8 vigorous
on a 0-10 scale, LOW); 1.13 pain NRS (MCID 2 points, unverified).

The software proposes; the therapist decides. Nothing here changes a plan: `prescribe` drafts
one, `violations` says why an exercise may not be in it, `propose` suggests a step up or down.
Where the reference gives no number (how many easy sessions justify a step up), the value is a
local program setting, named as such in the reason.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

from osteorehab.assessments.domain import (
    IMPACT_LEVELS,
    IMPACT_WORDS,
    MULTIPLE_FRACTURES,
    OSTEOPOROSIS,
    Constraint,
    Profile,
    safety_constraints,
)
from osteorehab.assessments.instruments.base import Reason, gettext_noop
from osteorehab.plans.exercises import (
    MUSCLE_WORDS,
    Category,
    Contraindication,
    Dose,
    Exercise,
    Intensity,
)

EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)  # Monday is 0
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STRENGTH_DAYS = (0, 3)  # >= 2 days/week, not on consecutive days (4.1, 4.2)
AEROBIC_DAYS = (0, 1, 2, 4, 5)  # >= 5 days/week (4.1)
IMPACT_DAYS = (1, 2, 4, 5)  # "most days" (4.2, frequency LOW): four of seven
SETS_START, SETS_MAX = 1, 3  # 1-3 sets, starting lower (4.1)
AEROBIC_BOUT_MIN = 10  # bouts >= 10 min (4.1)
BALANCE_MIN_PER_DAY = 15  # daily >= 15-20 min (4.1)
SPINE_MIN_PER_DAY = 5  # spinal extensor training daily 5-10 min (4.1)
# On the 0-10 effort scale: moderate 5-6, vigorous 7-8 (WHO 2020, 4.5, LOW confidence).
EFFORT_EASY_BELOW = 5
EFFORT_TOO_HIGH_ABOVE = 8
PAIN_RISE = 2  # the pain NRS MCID (1.13, unverified)
EASY_SESSIONS_TO_PROGRESS = 3  # local program setting: the reference gives no number


@dataclass(frozen=True)
class Facts:
    """What the prescription reads: the baseline profile and three facts the therapist records
    with the plan, for which the reference gives no threshold (None: not recorded yet)."""

    profile: Profile
    recent_fracture: bool | None = None
    severe_kyphosis: bool | None = None
    acute_pain: bool | None = None


PROFILE_FIELDS = {  # the fields of a profile given as JSON, and their types
    "who_class": str,
    "lowest_t_score": float,
    "vertebral_fracture": bool,
    "fragility_fractures": int,
    "recent_fracture_weeks": int,
    "fall_risk": str,
    "pain_nrs": float,
    "physician_impact": str,
    "frail": bool,
}
FACT_FIELDS = {"recent_fracture": bool, "severe_kyphosis": bool, "acute_pain": bool}


def facts_from_dict(data: Mapping[str, Any]) -> Facts:
    """Facts from JSON (the command line's `prescribe`): any field may be missing or null
    (unknown); an unknown field or a value of the wrong type is refused, naming it."""
    fields = {**PROFILE_FIELDS, **FACT_FIELDS}
    for name, value in data.items():
        kind = fields.get(name)
        if kind is None:
            raise ValueError(f"{name}: not a profile field; known: {', '.join(fields)}")
        numeric = kind in (int, float) and not isinstance(value, bool)
        fits = isinstance(value, kind) or (kind is float and isinstance(value, int) and numeric)
        if value is not None and not fits:
            raise ValueError(f"{name}: expected {kind.__name__} or null, got {value!r}")
    profile = Profile(**{name: data.get(name) for name in PROFILE_FIELDS})
    return Facts(profile, **{name: data.get(name) for name in FACT_FIELDS})


@dataclass(frozen=True)
class Violation:
    rule: str  # a safety constraint's code, or "contraindication"
    reason: Reason


def _impact_ceiling(facts: Facts, constraints: Mapping[str, Constraint]) -> tuple[str, Reason]:
    """The most impact allowed, and what set it: the physician's decision, and the profile's
    constraints on impact (an unknown decision or fact allows none)."""
    ceilings: list[tuple[str, Reason]] = []
    physician = facts.profile.physician_impact
    ceilings.append(
        (
            physician or "none",
            Reason("the physician's decision on impact")
            if physician
            else Reason("the physician's decision on impact is not recorded"),
        )
    )
    for code, level in (
        ("bone_density_unknown", "none"),
        ("strength_balance_before_impact", "none"),
        ("impact_up_to_brisk_walking", "low"),
    ):
        if code in constraints:
            ceilings.append((level, constraints[code].reason))
    return min(ceilings, key=lambda ceiling: IMPACT_LEVELS.index(ceiling[0]))


def applicable_contraindications(facts: Facts) -> dict[Contraindication, Reason]:
    """The contraindication tags that apply to this patient, each with why; an unknown fact
    applies (a missing record must never clear an exercise)."""
    profile = facts.profile
    known = {
        Contraindication.VERTEBRAL_FRACTURE: profile.vertebral_fracture,
        Contraindication.HIGH_FALL_RISK: None
        if profile.fall_risk is None
        else profile.fall_risk == "high",
        Contraindication.RECENT_FRACTURE: facts.recent_fracture,
        Contraindication.SEVERE_KYPHOSIS: facts.severe_kyphosis,
        Contraindication.ACUTE_PAIN: facts.acute_pain,
    }
    # PHYSICIAN_RESTRICTED_IMPACT is not read here: the physician allows impact up to a level,
    # which the impact ceiling applies (a walk within "low" stays allowed).
    return {
        tag: Reason("{tag}: not recorded, treated as present", tag=TAG_WORDS[tag])
        if value is None
        else Reason(TAG_WORDS[tag])
        for tag, value in known.items()
        if value is None or value
    }


TAG_WORDS = {
    Contraindication.VERTEBRAL_FRACTURE: gettext_noop("vertebral fracture"),
    Contraindication.HIGH_FALL_RISK: gettext_noop("high fall risk"),
    Contraindication.RECENT_FRACTURE: gettext_noop("recent fracture"),
    Contraindication.SEVERE_KYPHOSIS: gettext_noop("severe kyphosis"),
    Contraindication.ACUTE_PAIN: gettext_noop("acute pain"),
    Contraindication.PHYSICIAN_RESTRICTED_IMPACT: gettext_noop(
        "impact restricted by the physician"
    ),
}


@dataclass(frozen=True)
class Safety:
    """The safety layer for one patient, computed once and applied to every exercise."""

    constraints: Mapping[str, Constraint]
    impact_ceiling: str
    impact_why: Reason
    contraindications: Mapping[Contraindication, Reason]

    @classmethod
    def of(cls, facts: Facts) -> "Safety":
        constraints = {c.code: c for c in safety_constraints(facts.profile)}
        ceiling, why = _impact_ceiling(facts, constraints)
        return cls(constraints, ceiling, why, applicable_contraindications(facts))

    def violations(self, exercise: Exercise) -> list[Violation]:
        """Every safety rule the exercise breaks for this patient, each saying which and why."""
        found = [
            Violation(
                "contraindication",
                Reason("contraindicated with {why}", why=self.contraindications[tag]),
            )
            for tag in sorted(exercise.contraindications)
            if tag in self.contraindications
        ]
        if IMPACT_LEVELS.index(exercise.impact) > IMPACT_LEVELS.index(self.impact_ceiling):
            found.append(
                Violation(
                    "impact",
                    Reason(
                        "{impact} is more than allowed ({ceiling}): {why}",
                        impact=IMPACT_WORDS[exercise.impact],
                        ceiling=IMPACT_WORDS[self.impact_ceiling],
                        why=self.impact_why,
                    ),
                )
            )
        spine = self.constraints.get("spine_sparing")
        if spine and (exercise.spinal_flexion or exercise.floor_lift):
            found.append(
                Violation(
                    spine.code,
                    Reason(
                        "loaded or end-range spinal flexion or twisting, or lifting from the "
                        "floor, is excluded (spine-sparing): {why}",
                        why=spine.reason,
                    ),
                )
            )
        if exercise.high_intensity:
            for code in ("supervision_required_for_high_intensity", "bone_density_unknown"):
                if code in self.constraints:
                    found.append(
                        Violation(
                            code,
                            Reason(
                                "high-intensity work is not part of a home plan: it needs "
                                "trained supervision after screening and a month at lower "
                                "loads (LIFTMOR) [clinical-reference 4.4]: {why}",
                                why=self.constraints[code].reason,
                            ),
                        )
                    )
                    break
        moderate_only = self.constraints.get("aerobic_moderate_only")
        if moderate_only and exercise.intensity == Intensity.VIGOROUS:
            found.append(
                Violation(
                    moderate_only.code,
                    Reason(
                        "vigorous work is excluded, moderate intensity only: {why}",
                        why=moderate_only.reason,
                    ),
                )
            )
        return found


@dataclass(frozen=True)
class Item:
    """One exercise in the weekly plan: on which days, at what dose, and why."""

    exercise: str  # code
    days: tuple[int, ...]
    dose: Dose
    reason: Reason


@dataclass(frozen=True)
class Plan:
    items: tuple[Item, ...]
    impact_ceiling: str
    constraints: tuple[Constraint, ...]
    excluded: Mapping[str, tuple[Violation, ...]]  # every library exercise the layer refused

    def minutes_per_week(self, library: Mapping[str, Exercise], category: Category) -> int:
        return sum(
            (item.dose.minutes or 0) * len(item.days)
            for item in self.items
            if library[item.exercise].category == category
        )

    def as_dict(self, library: Mapping[str, Exercise]) -> dict[str, Any]:
        """The plan as the command line prints it (English)."""
        return {
            "impact_ceiling": self.impact_ceiling,
            "constraints": [
                {"code": c.code, "label": c.label, "reason": c.reason, "source": c.source.citation}
                for c in self.constraints
            ],
            "items": [
                {
                    "exercise": item.exercise,
                    "name": library[item.exercise].name_en,
                    "category": library[item.exercise].category.value,
                    "days": [DAY_NAMES[day] for day in item.days],
                    "dose": {k: v for k, v in asdict(item.dose).items() if v not in (None, "")},
                    "reason": item.reason,
                }
                for item in self.items
            ],
            "minutes_per_week": {
                category.value: minutes
                for category in Category
                if (minutes := self.minutes_per_week(library, category))
            },
            "excluded": {
                code: [violation.reason for violation in found]
                for code, found in self.excluded.items()
            },
        }


def _chain_start(exercise: Exercise, library: Mapping[str, Exercise]) -> Exercise:
    """The easiest exercise of a progression chain."""
    seen = {exercise.code}
    while exercise.regression and exercise.regression in library:
        exercise = library[exercise.regression]
        if exercise.code in seen:  # a loop in staff-edited data: stop where it closes
            break
        seen.add(exercise.code)
    return exercise


def _easiest_safe(
    candidates: Iterable[Exercise], library: Mapping[str, Exercise], safety: Safety
) -> list[Exercise]:
    """Safe exercises, each replaced by the easiest safe one of its chain, without repeats, in
    the library's order."""
    chosen: dict[str, Exercise] = {}
    for exercise in candidates:
        start = _chain_start(exercise, library)
        step: Exercise | None = start
        while step is not None and safety.violations(step):  # climb to the first safe step
            step = library.get(step.progression) if step.progression else None
        if step is not None and not safety.violations(step):
            chosen.setdefault(step.code, step)
    return list(chosen.values())


def prescribe(facts: Facts, library: Mapping[str, Exercise]) -> Plan:
    """A starting weekly plan: strength for each major muscle group twice a week at one set,
    balance and spinal extension every day, aerobic bouts five days a week, and impact only as
    far as the safety layer allows — each at the low end of the guideline's range (4.1)."""
    safety = Safety.of(facts)
    excluded = {
        code: tuple(found)
        for code, exercise in library.items()
        if (found := safety.violations(exercise))
    }
    by_category: dict[Category, list[Exercise]] = {}
    for exercise in library.values():
        by_category.setdefault(exercise.category, []).append(exercise)

    def safe(category: Category) -> list[Exercise]:
        return _easiest_safe(by_category.get(category, []), library, safety)

    items: list[Item] = []
    covered: set[str] = set()
    for exercise in safe(Category.RESISTANCE):
        if exercise.high_intensity or set(exercise.muscle_groups) <= covered:
            continue
        covered |= set(exercise.muscle_groups)
        items.append(
            Item(
                exercise.code,
                STRENGTH_DAYS,
                replace(exercise.dose, sets=SETS_START),
                Reason(
                    "strength ({groups}): 2 days a week, 8-12 repetitions, starting at 1 set "
                    "(Too Fit To Fracture) [clinical-reference 4.1]",
                    groups=tuple(MUSCLE_WORDS[group] for group in exercise.muscle_groups),
                ),
            )
        )
    for exercise in safe(Category.FUNCTIONAL)[:1]:
        items.append(
            Item(
                exercise.code,
                STRENGTH_DAYS,
                replace(exercise.dose, sets=SETS_START),
                Reason(
                    "an everyday movement practised with the strength work, starting at 1 set "
                    "[clinical-reference 4.1, 4.3]"
                ),
            )
        )
    balance = [*safe(Category.BALANCE)[:2], *safe(Category.TAI_CHI)[:1]]
    for exercise in balance:
        items.append(
            Item(
                exercise.code,
                EVERY_DAY,
                replace(exercise.dose, minutes=-(-BALANCE_MIN_PER_DAY // len(balance))),
                Reason(
                    "balance every day, at least 15-20 minutes in all, from supported to less "
                    "support (Too Fit To Fracture; Otago) [clinical-reference 4.1, 4.3]"
                ),
            )
        )
    for exercise in safe(Category.POSTURE)[:1]:
        items.append(
            Item(
                exercise.code,
                EVERY_DAY,
                replace(exercise.dose, minutes=SPINE_MIN_PER_DAY),
                Reason(
                    "spinal extension every day, 5-10 minutes with 3-5 second holds (Too Fit "
                    "To Fracture; Strong, Steady and Straight) [clinical-reference 4.1, 4.2]"
                ),
            )
        )
    for exercise in safe(Category.AEROBIC)[:1]:
        items.append(
            Item(
                exercise.code,
                AEROBIC_DAYS,
                replace(exercise.dose, minutes=AEROBIC_BOUT_MIN),
                Reason(
                    "aerobic bouts of 10 minutes, 5 days a week, building towards 150 minutes a "
                    "week (Too Fit To Fracture; WHO 2020) [clinical-reference 4.1, 4.5]"
                ),
            )
        )
    impact = [e for e in safe(Category.IMPACT) if not e.high_intensity]
    for exercise in impact[:1]:
        items.append(
            Item(
                exercise.code,
                IMPACT_DAYS,
                exercise.dose,
                Reason(
                    "impact on most days, at the lowest level first; the most allowed: "
                    "{ceiling} (Strong, Steady and Straight) [clinical-reference 4.2]",
                    ceiling=IMPACT_WORDS[safety.impact_ceiling],
                ),
            )
        )
    return Plan(tuple(items), safety.impact_ceiling, tuple(safety.constraints.values()), excluded)


def check(
    items: Sequence[Item], facts: Facts, library: Mapping[str, Exercise]
) -> dict[str, list[Violation]]:
    """The plan's items that break a safety rule (a plan edited by hand or progressed), by code;
    empty when the plan may be saved. An exercise not in the library is refused too."""
    safety = Safety.of(facts)
    found: dict[str, list[Violation]] = {}
    for item in items:
        exercise = library.get(item.exercise)
        if exercise is None:
            found[item.exercise] = [Violation("unknown", Reason("not in the exercise library"))]
        elif violations := safety.violations(exercise):
            found[item.exercise] = violations
    return found


class Completion(StrEnum):
    DONE = "done"
    PARTLY = "partly"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Session:
    """One logged session of one exercise, oldest first in a sequence."""

    completion: Completion
    effort: int | None = None  # 0-10
    pain: int | None = None  # 0-10
    skipped_for_pain: bool = False


class Step(StrEnum):
    UP = "up"
    DOWN = "down"


class Cause(StrEnum):
    """What in the logged sessions a step answers: the adjustment rules route each to its own
    rule (osteorehab.rules), so one item never gets two proposals from the same sessions."""

    EFFORT = "effort"  # effort above 8 of 10
    PAIN = "pain"  # pain rose, or a session was skipped for pain
    EASY = "easy"  # sustained easy sessions


@dataclass(frozen=True)
class Proposal:
    """A suggested change to one item, for the therapist to accept or decline."""

    exercise: str
    step: Step
    dose: Dose
    to_exercise: str  # the same code, or the easier / harder / alternative exercise
    reason: Reason
    cause: Cause


RECENT_SESSIONS = 6  # the logged sessions of an exercise the proposals read (local setting)
EFFORT_WHY = Reason(
    "effort above 8 of 10 (beyond vigorous, WHO 2020 relative intensity) [clinical-reference 4.5]"
)
PAIN_WHY = Reason(
    "pain rose by 2 points or more (the pain NRS minimal important change, unverified) "
    "or a session was skipped for pain [clinical-reference 1.13]"
)


def propose(
    item: Item,
    sessions: Sequence[Session],
    facts: Facts,
    library: Mapping[str, Exercise],
    taken: Collection[str] = frozenset(),
) -> Proposal | None:
    """A step down after high effort or rising pain (the safer direction is checked first), a
    step up after sustained easy sessions, or None. A step never proposes an exercise the
    safety layer refuses, nor one `taken` by another item of the plan."""
    recent = list(sessions[-EASY_SESSIONS_TO_PROGRESS:])
    pains = [s.pain for s in sessions if s.pain is not None]
    if any(s.effort is not None and s.effort > EFFORT_TOO_HIGH_ABOVE for s in recent[-2:]):
        return step_down(item, facts, library, EFFORT_WHY, Cause.EFFORT, taken)
    if any(s.skipped_for_pain for s in recent) or (
        len(pains) >= 2 and pains[-1] - pains[0] >= PAIN_RISE
    ):
        return step_down(item, facts, library, PAIN_WHY, Cause.PAIN, taken)
    easy = len(recent) == EASY_SESSIONS_TO_PROGRESS and all(
        s.completion == Completion.DONE and s.effort is not None and s.effort < EFFORT_EASY_BELOW
        for s in recent
    )
    if easy:
        return _up(item, library[item.exercise], library, Safety.of(facts), taken)
    return None


def easier(
    exercise: Exercise,
    library: Mapping[str, Exercise],
    safety: Safety,
    taken: Collection[str] = frozenset(),
) -> tuple[str, ...]:
    """The exercise's regression and its alternatives (the library's links), those the safety
    layer allows and not `taken` by another item of the plan, in that order."""
    codes = dict.fromkeys(code for code in (exercise.regression, *exercise.alternatives) if code)
    return tuple(
        code
        for code in codes
        if code in library and code not in taken and not safety.violations(library[code])
    )


def step_down(
    item: Item,
    facts: Facts,
    library: Mapping[str, Exercise],
    why: Reason,
    cause: Cause,
    taken: Collection[str] = frozenset(),
) -> Proposal:
    """One set fewer; at one set, the easier or alternative exercise; else therapist review."""
    exercise = library[item.exercise]
    if (item.dose.sets or 0) > SETS_START:
        dose = replace(item.dose, sets=(item.dose.sets or SETS_START) - 1)
        return Proposal(
            exercise.code,
            Step.DOWN,
            dose,
            exercise.code,
            Reason("one set fewer: {why}", why=why),
            cause,
        )
    for code in easier(exercise, library, Safety.of(facts), taken):
        return Proposal(
            exercise.code,
            Step.DOWN,
            library[code].dose,
            code,
            Reason("swap for an easier or alternative exercise: {why}", why=why),
            cause,
        )
    return Proposal(
        exercise.code,
        Step.DOWN,
        item.dose,
        exercise.code,
        Reason("no easier safe exercise in the library: therapist review: {why}", why=why),
        cause,
    )


def _up(
    item: Item,
    exercise: Exercise,
    library: Mapping[str, Exercise],
    safety: Safety,
    taken: Collection[str],
) -> Proposal | None:
    why = Reason(
        "{count} sessions in a row done with effort below 5 of 10 (a local program setting; "
        "moderate is 5-6, WHO 2020) [clinical-reference 4.5]",
        count=EASY_SESSIONS_TO_PROGRESS,
    )
    if item.dose.sets is not None and item.dose.sets < SETS_MAX:
        return Proposal(
            exercise.code,
            Step.UP,
            replace(item.dose, sets=item.dose.sets + 1),
            exercise.code,
            Reason("one set more, up to 3 (Too Fit To Fracture, 4.1): {why}", why=why),
            Cause.EASY,
        )
    harder = library.get(exercise.progression) if exercise.progression else None
    if harder is not None and harder.code not in taken and not safety.violations(harder):
        return Proposal(
            exercise.code,
            Step.UP,
            replace(harder.dose, sets=SETS_START) if harder.dose.sets else harder.dose,
            harder.code,
            Reason("the next exercise of the progression (Otago, 4.3): {why}", why=why),
            Cause.EASY,
        )
    return None


# What the therapist records with the plan (Facts beyond the profile), as a plan stores them.
RECORDED_FACTS = ("recent_fracture", "severe_kyphosis", "acute_pain")


# The parts of the care plan besides the exercise: each a list of entries {"key", "en", "zh"}
# (the entry in both languages, written when the version is), in the order they are shown.
SECTIONS = {
    "goals": gettext_noop("Goals"),
    "psychology": gettext_noop("Psychological work"),
    "education": gettext_noop("Education"),
    "nutrition": gettext_noop("Nutrition"),
    "medication": gettext_noop("Medication"),
    "home_safety": gettext_noop("Home safety"),
}


def gathered(sections: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The other parts of the plan, as a version keeps them, in SECTIONS' order."""
    return {name: list(sections.get(name, ())) for name in SECTIONS}


def content(
    items: Sequence[Item], facts: Facts, sections: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A plan version's document, as stored (JSON): the exercise items, the facts they were
    checked with, and the other parts of the plan."""
    return {
        "sections": gathered(sections) if sections else {},
        "facts": {name: getattr(facts, name) for name in RECORDED_FACTS},
        "items": [
            {
                "exercise": item.exercise,
                "days": list(item.days),
                "dose": {k: v for k, v in asdict(item.dose).items() if v not in (None, "")},
                "reason": item.reason.stored(),
            }
            for item in items
        ],
    }


def items_of(document: Mapping[str, Any]) -> list[Item]:
    """The items of a stored plan document."""
    return [
        Item(
            raw["exercise"],
            tuple(raw["days"]),
            Dose(**raw["dose"]),
            Reason.from_stored(raw["reason"]),
        )
        for raw in document.get("items", ())
    ]


def recorded_facts(document: Mapping[str, Any] | None, profile: Profile) -> Facts:
    """The facts for checking a stored plan against today's profile."""
    recorded = (document or {}).get("facts", {})
    return Facts(profile, **{name: recorded.get(name) for name in RECORDED_FACTS})


def dose_reason(dose: Dose) -> Reason:
    """A dose in words (the load apart: it is written in each language with the exercise)."""
    parts = []
    reps = f"{dose.reps}-{dose.reps_max}" if dose.reps and dose.reps_max else dose.reps
    if dose.sets and reps:
        parts.append(Reason("{sets} set(s) of {reps} repetitions", sets=dose.sets, reps=reps))
    elif reps:
        parts.append(Reason("{reps} repetitions", reps=reps))
    if dose.hold_seconds:
        parts.append(Reason("hold {seconds} seconds", seconds=dose.hold_seconds))
    if dose.minutes:
        parts.append(Reason("{minutes} minutes", minutes=dose.minutes))
    if dose.impacts:
        parts.append(Reason("{impacts} impacts", impacts=dose.impacts))
    return Reason.joined(parts)


def changes(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    names: Mapping[str, str],
    language: str = "en",
) -> list[Reason]:
    """What changed between two plan documents, in words: exercises added and removed, days and
    doses changed, recorded facts changed, entries of the other parts added, changed or
    removed. `names` gives each exercise code's name; `language` picks the entries' words."""
    before = {item.exercise: item for item in items_of(old or {})}
    after = {item.exercise: item for item in items_of(new)}
    found: list[Reason] = []
    for code, item in after.items():
        name = names.get(code, code)
        was = before.get(code)
        if was is None:
            found.append(Reason("added {name}", name=name))
            continue
        if was.days != item.days:
            found.append(
                Reason(
                    "{name}: days {old} → {new}",
                    name=name,
                    old=" ".join(DAY_NAMES[d] for d in was.days),
                    new=" ".join(DAY_NAMES[d] for d in item.days),
                )
            )
        if was.dose != item.dose:
            found.append(
                Reason(
                    "{name}: dose {old} → {new}",
                    name=name,
                    old=dose_reason(was.dose),
                    new=dose_reason(item.dose),
                )
            )
    found += [
        Reason("removed {name}", name=names.get(code, code)) for code in before if code not in after
    ]
    old_facts, new_facts = (old or {}).get("facts", {}), new.get("facts", {})
    for name in RECORDED_FACTS:
        if old_facts.get(name) != new_facts.get(name):
            found.append(
                Reason(
                    "{fact}: {old} → {new}",
                    fact=FACT_WORDS[name],
                    old=_yes_no(old_facts.get(name)),
                    new=_yes_no(new_facts.get(name)),
                )
            )
    return found + _section_changes(old, new, "zh" if language.startswith("zh") else "en")


def _section_changes(
    old: Mapping[str, Any] | None, new: Mapping[str, Any], language: str
) -> list[Reason]:
    if not new.get("sections"):  # a version that did not gather the other parts
        return []
    found: list[Reason] = []
    for section, label in SECTIONS.items():
        before = {e["key"]: e for e in (old or {}).get("sections", {}).get(section, ())}
        after = {e["key"]: e for e in new["sections"].get(section, ())}
        for key, entry in after.items():
            if key not in before:
                found.append(Reason("{part}: added {entry}", part=label, entry=entry[language]))
            elif before[key][language] != entry[language]:
                found.append(
                    Reason(
                        "{part}: {old} → {new}",
                        part=label,
                        old=before[key][language],
                        new=entry[language],
                    )
                )
        found += [
            Reason("{part}: removed {entry}", part=label, entry=entry[language])
            for key, entry in before.items()
            if key not in after
        ]
    return found


FACT_WORDS = {
    "recent_fracture": TAG_WORDS[Contraindication.RECENT_FRACTURE],
    "severe_kyphosis": TAG_WORDS[Contraindication.SEVERE_KYPHOSIS],
    "acute_pain": TAG_WORDS[Contraindication.ACUTE_PAIN],
}


def _yes_no(value: bool | None) -> str:
    if value is None:
        return gettext_noop("not recorded")
    return gettext_noop("yes") if value else gettext_noop("no")


def approval_needed(profile: Profile) -> Reason | None:
    """Why the physician must approve the plan, or None. The reference gives no fracture-risk
    threshold (FRAX and Garvan intervention thresholds are not in it), so this local program
    rule uses the bone and fracture facts the safety rules already read (3.1, 4.2): osteoporosis
    by WHO class, a vertebral fracture, or multiple fractures — or any of them unknown."""
    p = profile
    if p.who_class is None or p.vertebral_fracture is None or p.fragility_fractures is None:
        return Reason("bone density or fracture history not recorded")
    if p.vertebral_fracture:
        return Reason("vertebral fracture")
    if p.fragility_fractures >= MULTIPLE_FRACTURES:
        return Reason("multiple fractures")
    if p.who_class in OSTEOPOROSIS:
        return Reason("osteoporosis (WHO class)")
    return None
