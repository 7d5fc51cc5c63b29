"""The shape of an exercise in the library: what it trains, how it is dosed, what it asks of the
spine and of balance, and when it must not be prescribed. Pure Python, no Django.

The built-in exercises (`library/`) are written in our own words in English and Simplified
Chinese; staff can add and edit exercises in the database, which hold the same fields. The
prescription and its safety layer (`domain.py`) read only these fields.

Sources (clinical-reference): 4.1 Too Fit To Fracture (doses, spine-sparing); 4.2 Strong, Steady
and Straight (impact levels; after vertebral or multiple fractures, impact no greater than brisk
walking, no high spinal flexion); 4.3 Otago (strength and balance exercises with graded support);
4.4 LIFTMOR (high-intensity resistance and impact, supervised); 4.5 WHO 2020.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from osteorehab.assessments.domain import IMPACT_LEVELS
from osteorehab.assessments.instruments.base import gettext_noop

__all__ = ["IMPACT_LEVELS", "Category", "Contraindication", "Dose", "Exercise", "Intensity"]


class Category(StrEnum):
    RESISTANCE = "resistance"  # major muscle groups, incl. back extensors (4.1, 4.2)
    BALANCE = "balance"  # static and dynamic, with Otago levels (4.3)
    GAIT = "gait"  # gait and centre-of-gravity shifting drills
    IMPACT = "impact"  # low / moderate / high (4.2)
    POSTURE = "posture"  # posture and spinal extension ("Straight", 4.1, 4.2)
    AEROBIC = "aerobic"  # low-intensity aerobic (4.1, 4.5)
    FLEXIBILITY = "flexibility"
    TAI_CHI = "tai_chi"  # tai chi forms (balance, 4.1)
    FUNCTIONAL = "functional"  # sit-to-stand, hip-hinge lifting, getting up from the floor


CATEGORY_LABELS = {
    Category.RESISTANCE: gettext_noop("Strength (resistance)"),
    Category.BALANCE: gettext_noop("Balance"),
    Category.GAIT: gettext_noop("Gait and weight shifting"),
    Category.IMPACT: gettext_noop("Impact"),
    Category.POSTURE: gettext_noop("Posture and spinal extension"),
    Category.AEROBIC: gettext_noop("Aerobic"),
    Category.FLEXIBILITY: gettext_noop("Flexibility"),
    Category.TAI_CHI: gettext_noop("Tai chi"),
    Category.FUNCTIONAL: gettext_noop("Everyday movements"),
}


class Intensity(StrEnum):
    """How hard the exercise is meant to be, on the 0-10 effort scale: light below 5, moderate
    5-6, vigorous 7-8 (WHO 2020 relative intensity, 4.5, LOW confidence)."""

    LIGHT = "light"
    MODERATE = "moderate"
    VIGOROUS = "vigorous"


class Contraindication(StrEnum):
    """Tags for when an exercise must not be prescribed (the issue's list)."""

    VERTEBRAL_FRACTURE = "vertebral_fracture"
    RECENT_FRACTURE = "recent_fracture"
    HIGH_FALL_RISK = "high_fall_risk"
    SEVERE_KYPHOSIS = "severe_kyphosis"
    ACUTE_PAIN = "acute_pain"
    PHYSICIAN_RESTRICTED_IMPACT = "physician_restricted_impact"


CONTRAINDICATION_LABELS = {
    Contraindication.VERTEBRAL_FRACTURE: gettext_noop("Vertebral fracture"),
    Contraindication.RECENT_FRACTURE: gettext_noop("Recent fracture"),
    Contraindication.HIGH_FALL_RISK: gettext_noop("High fall risk"),
    Contraindication.SEVERE_KYPHOSIS: gettext_noop("Severe kyphosis"),
    Contraindication.ACUTE_PAIN: gettext_noop("Acute pain"),
    Contraindication.PHYSICIAN_RESTRICTED_IMPACT: gettext_noop(
        "Impact restricted by the physician"
    ),
}

EQUIPMENT_LABELS = {
    "chair": gettext_noop("A sturdy chair"),
    "counter": gettext_noop("A kitchen counter or table to hold"),
    "wall": gettext_noop("A wall"),
    "ankle_weights": gettext_noop("Ankle cuff weights"),
    "dumbbells": gettext_noop("Hand weights"),
    "band": gettext_noop("An elastic resistance band"),
    "step": gettext_noop("A low step"),
    "mat": gettext_noop("An exercise mat"),
    "pillow": gettext_noop("A pillow or folded towel"),
    "barbell": gettext_noop("A barbell and rack (supervised gym)"),
    "pull_up_bar": gettext_noop("A pull-up bar (supervised gym)"),
    "walking_aid": gettext_noop("The usual walking aid"),
}

MUSCLE_GROUPS = ("legs", "arms", "chest", "shoulders", "back")  # one exercise each (4.1)
MUSCLE_WORDS = {
    "legs": gettext_noop("legs"),
    "arms": gettext_noop("arms"),
    "chest": gettext_noop("chest"),
    "shoulders": gettext_noop("shoulders"),
    "back": gettext_noop("back"),
}


@dataclass(frozen=True)
class Dose:
    """The starting dose of one exercise in one session. A range of repetitions is reps..reps_max
    (e.g. 8-12, 4.1); holds, minutes and impacts per session where they apply."""

    sets: int | None = None
    reps: int | None = None
    reps_max: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    impacts: int | None = None  # impacts per session (4.2: >= 50 moderate impacts)
    load_en: str = ""  # e.g. "ankle cuff weight, about 1 kg" (Otago, 4.3)
    load_zh: str = ""


@dataclass(frozen=True)
class Exercise:
    code: str  # stable, lower_snake_case
    category: Category
    name_en: str
    name_zh: str
    instructions_en: str  # numbered steps in our own words, one per line
    instructions_zh: str
    dose: Dose
    source: (
        str  # the guideline it follows, e.g. "Otago Exercise Programme [clinical-reference 4.3]"
    )
    equipment: tuple[str, ...] = ()  # keys of EQUIPMENT_LABELS
    muscle_groups: tuple[str, ...] = ()  # of MUSCLE_GROUPS, for resistance work
    impact: str = "none"  # of IMPACT_LEVELS
    intensity: Intensity = Intensity.LIGHT
    # LIFTMOR-type high-intensity resistance or impact (> 80-85 % 1RM, jumping chin-ups, 4.4)
    high_intensity: bool = False
    # loaded, rapid, repetitive or end-range spinal flexion or twisting (4.1, 4.2)
    spinal_flexion: bool = False
    floor_lift: bool = False  # lifting from or lowering to the floor (4.1)
    supported: bool = False  # done holding on to a chair or counter (Otago support levels, 4.3)
    otago_level: str = ""  # "A".."D" for the Otago balance exercises (4.3); else ""
    contraindications: frozenset[Contraindication] = field(default_factory=frozenset)
    progression: str | None = None  # the code of the next harder exercise
    regression: str | None = None  # the code of the next easier one
    alternatives: tuple[str, ...] = ()  # codes of exercises that train the same thing
