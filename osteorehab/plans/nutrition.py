"""Daily targets for calcium, vitamin D and protein, and an estimate of calcium from food.
Pure Python, no Django: the web forms, the education pages and the tests all compute through
here.

Sources (clinical-reference 4.6):
- Calcium and vitamin D: IOM 2011 RDAs (Ross et al. 2011, JCEM 96:53), HIGH. The table starts at
  19 years; younger ages are refused, not borrowed from the nearest row.
- Tolerable upper intakes: vitamin D 4000 IU/d from 9 years (verified); calcium 2500 mg/d at
  19-50 years and 2000 mg/d from 51 years (LOW / unverified: shown as such).
- Protein: ESPEN 2014 (Deutz et al., Clin Nutr 33:929), verified: healthy older adults at least
  1.0-1.2 g/kg/day; acute or chronic illness 1.2-1.5 g/kg/day.
- Calcium from food: the IOF calculator's approach, a food-frequency questionnaire over a week
  (servings per week x calcium per serving), divided by 7 (MEDIUM). The reference did not
  retrieve the IOF food list or its mg values (LOW), so none is built in: the clinic supplies the
  calcium per serving of every food on its list, and a food without a value is refused by name.
  (The IOF page compares with FAO/WHO figures, e.g. 1300 mg/d after menopause; this module uses
  the IOM table, as the program does. The US BHOF worksheet's extra 250 mg for "other foods" is
  a different variant and is not added.)

Like the instruments, this refuses impossible input naming the field, and never clamps.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from osteorehab.assessments.instruments.base import (
    InputError,
    Reason,
    Source,
    cited,
    gettext_noop,
    round_half_up,
)
from osteorehab.assessments.instruments.measurement import AGE_HIGH, SEX_WORDS, SEXES

__all__ = [
    "AGE_FIRST",
    "CALCIUM_UPPER_LIMITS",
    "ESPEN_2014",
    "IOF_CALCULATOR",
    "IOM_2011",
    "PROTEIN_G_PER_KG",
    "RDA_TABLE",
    "SEXES",
    "VITAMIN_D_UPPER_LIMIT",
    "WEIGHT_KG_HIGH",
    "WEIGHT_KG_LOW",
    "CalciumGap",
    "Estimate",
    "ProteinRange",
    "RdaRow",
    "Target",
    "UpperLimit",
    "calcium_gap",
    "calcium_intake_estimate",
    "calcium_target_mg",
    "calcium_upper_limit_mg",
    "protein_target_g",
    "rda_row",
    "vitamin_d_target_iu",
    "vitamin_d_upper_limit_iu",
]

IOM_2011 = Source("IOM 2011 RDA (Ross et al. 2011, JCEM 96:53)", "4.6")
IOM_2011_UPPER_CALCIUM = Source(
    "IOM 2011 tolerable upper intake (Ross et al. 2011, JCEM 96:53)", "4.6", unverified=True
)
IOM_2011_UPPER_VITAMIN_D = Source(
    "IOM 2011 tolerable upper intake (Ross et al. 2011, JCEM 96:53)", "4.6"
)
ESPEN_2014 = Source("ESPEN 2014 (Deutz et al., Clin Nutr 33:929)", "4.6")
IOF_CALCULATOR = Source("IOF calcium calculator approach (weekly food frequency)", "4.6")

AGE_FIRST = 19  # the IOM table's first row starts at 19 years (clinical-reference 4.6)
DAYS_PER_WEEK = 7  # weekly servings divided by 7 (clinical-reference 4.6)

# Plausible adult body weight for a protein target (the brief's range; outside it, a slip in
# data entry, refused).
WEIGHT_KG_LOW, WEIGHT_KG_HIGH = 25, 300


@dataclass(frozen=True)
class RdaRow:
    """One row of the IOM 2011 table: ages `first`..`last` in completed years (inclusive; `last`
    None means no upper end), for the listed sexes."""

    label: str
    sexes: tuple[str, ...]
    first: int
    last: int | None
    calcium_mg: int
    vitamin_d_iu: int

    def covers(self, age: int, sex: str) -> bool:
        return sex in self.sexes and self.first <= age and (self.last is None or age <= self.last)


# IOM 2011 RDAs (clinical-reference 4.6, HIGH). Ages are completed years, so the table's
# "> 70 y" is ">= 71" here.
RDA_TABLE: tuple[RdaRow, ...] = (
    RdaRow(gettext_noop("19-50 y, both sexes"), SEXES, 19, 50, 1000, 600),
    RdaRow(gettext_noop("men 51-70 y"), ("male",), 51, 70, 1000, 600),
    RdaRow(gettext_noop("women 51-70 y"), ("female",), 51, 70, 1200, 600),
    RdaRow(gettext_noop("> 70 y, both sexes"), SEXES, 71, None, 1200, 800),
)

# ESPEN 2014 protein, g per kg body weight per day (clinical-reference 4.6, verified).
PROTEIN_G_PER_KG: Mapping[bool, tuple[float, float]] = {
    False: (1.0, 1.2),  # healthy older adults: at least 1.0-1.2
    True: (1.2, 1.5),  # acute or chronic illness: 1.2-1.5
}
PROTEIN_GROUP = {
    False: gettext_noop("healthy older adults: at least this"),
    True: gettext_noop("acute or chronic illness"),
}


@dataclass(frozen=True)
class Target:
    """A daily target and why: the table row used, with its source."""

    amount: int
    unit: str  # "mg/d" or "IU/d"
    row: RdaRow
    reason: Reason


@dataclass(frozen=True)
class ProteinRange:
    low_g: float  # per day, rounded to 1 decimal
    high_g: float
    g_per_kg: tuple[float, float]
    reason: Reason


@dataclass(frozen=True)
class UpperLimit:
    amount: int
    unit: str
    verified: bool  # False: the reference marks it LOW / unverified; show it as such
    reason: Reason


@dataclass(frozen=True)
class Estimate:
    """Average daily calcium from food, from a week's servings (IOF approach, 4.6)."""

    daily_mg: float  # weekly_mg / 7, unrounded (reported as whole mg)
    weekly_mg: float
    weekly_mg_by_food: Mapping[str, float]  # servings x mg per serving, per food
    reason: Reason


@dataclass(frozen=True)
class CalciumGap:
    estimate_mg: int  # rounded to whole mg before comparing (clinical-reference 0.1.2)
    target_mg: int
    gap_mg: int  # target - estimate: positive is a shortfall, 0 or negative is met
    met: bool
    reason: Reason


def _age(age: Any) -> int:
    if isinstance(age, bool) or not isinstance(age, int | float) or math.isnan(age):
        raise InputError("age", "not_a_number", "age must be a whole number of years")
    if not AGE_FIRST <= age <= AGE_HIGH:
        raise InputError(
            "age",
            "out_of_range",
            f"age must be between {AGE_FIRST} and {AGE_HIGH} years (the IOM 2011 table starts "
            f"at {AGE_FIRST}); got {age:g}",
            low=AGE_FIRST,
            high=AGE_HIGH,
        )
    if not float(age).is_integer():
        raise InputError("age", "not_whole", "age must be a whole number of years (completed)")
    return int(age)


def _sex(sex: Any) -> str:
    if sex not in SEXES:
        raise InputError(
            "sex", "not_an_option", f"sex must be one of: {', '.join(SEXES)}", options=SEXES
        )
    return str(sex)


def _amount(value: Any, name: str, unit: str) -> float:
    """A non-negative finite number by name, refused otherwise (never clamped)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(name, "not_a_number", f"{name} must be a number of {unit}")
    if value < 0:
        raise InputError(name, "negative", f"{name} must not be negative; got {value:g}")
    return float(value)


def rda_row(age: int, sex: str) -> RdaRow:
    """The IOM 2011 row for an adult of this age (completed years) and sex."""
    checked_age, checked_sex = _age(age), _sex(sex)
    matches = [row for row in RDA_TABLE if row.covers(checked_age, checked_sex)]
    if len(matches) != 1:  # a data error in RDA_TABLE, caught by the tests
        raise ValueError(f"RDA_TABLE: {len(matches)} rows for age {checked_age}, {checked_sex}")
    return matches[0]


def _target(age: int, sex: str, nutrient: str, unit: str) -> Target:
    row = rda_row(age, sex)
    amount = row.calcium_mg if nutrient == "calcium" else row.vitamin_d_iu
    reason = Reason(
        "{nutrient} {amount} {unit} for a {sex} aged {age} (row: {row}), {source}",
        nutrient=gettext_noop("calcium") if nutrient == "calcium" else gettext_noop("vitamin D"),
        amount=amount,
        unit=unit,
        sex=SEX_WORDS[sex],
        age=int(age),
        row=row.label,
        source=cited(IOM_2011),
    )
    return Target(amount, unit, row, reason)


def calcium_target_mg(age: int, sex: str) -> Target:
    """Recommended calcium per day, mg (IOM 2011 RDA, clinical-reference 4.6)."""
    return _target(age, sex, "calcium", "mg/d")


def vitamin_d_target_iu(age: int, sex: str) -> Target:
    """Recommended vitamin D per day, IU (IOM 2011 RDA, clinical-reference 4.6)."""
    return _target(age, sex, "vitamin_d", "IU/d")


# Tolerable upper intakes (clinical-reference 4.6). Vitamin D: 4000 IU/d from 9 years
# (verified). Calcium: 2500 mg/d at 19-50 y, 2000 mg/d from 51 y (LOW / unverified).
VITAMIN_D_UPPER_LIMIT = 4000
CALCIUM_UPPER_LIMITS: tuple[tuple[int, int | None, int, str], ...] = (
    (19, 50, 2500, gettext_noop("19-50 y")),  # first age, last age (None: no end), mg/d, row
    (51, None, 2000, gettext_noop(">= 51 y")),
)


def vitamin_d_upper_limit_iu(age: int) -> UpperLimit:
    """Tolerable upper intake of vitamin D (4000 IU/d from 9 y, verified, 4.6)."""
    checked = _age(age)
    reason = Reason(
        "tolerable upper intake of vitamin D {amount} IU/d (age {age}; applies from 9 y), {source}",
        amount=VITAMIN_D_UPPER_LIMIT,
        age=checked,
        source=cited(IOM_2011_UPPER_VITAMIN_D),
    )
    return UpperLimit(VITAMIN_D_UPPER_LIMIT, "IU/d", True, reason)


def calcium_upper_limit_mg(age: int) -> UpperLimit:
    """Tolerable upper intake of calcium (4.6): LOW confidence in the reference, so marked
    unverified; check against the primary source before relying on it."""
    checked = _age(age)
    ages, amount = next(
        (label, mg)
        for first, last, mg, label in CALCIUM_UPPER_LIMITS
        if first <= checked and (last is None or checked <= last)
    )
    reason = Reason(
        "tolerable upper intake of calcium {amount} mg/d (age {age}, row {ages}), {source}",
        amount=amount,
        age=checked,
        ages=ages,
        source=cited(IOM_2011_UPPER_CALCIUM),
    )
    return UpperLimit(amount, "mg/d", False, reason)


def protein_target_g(weight_kg: float, *, ill: bool) -> ProteinRange:
    """Protein per day, g, as a (low, high) range (ESPEN 2014, clinical-reference 4.6):
    healthy older adults at least 1.0-1.2 g/kg/day; acute or chronic illness 1.2-1.5."""
    if not isinstance(ill, bool):
        raise InputError("ill", "not_yes_no", "ill must be true or false")
    if (
        isinstance(weight_kg, bool)
        or not isinstance(weight_kg, int | float)
        or not math.isfinite(weight_kg)
    ):
        raise InputError("weight_kg", "not_a_number", "weight_kg must be a number of kg")
    if not WEIGHT_KG_LOW <= weight_kg <= WEIGHT_KG_HIGH:
        raise InputError(
            "weight_kg",
            "out_of_range",
            f"weight_kg must be between {WEIGHT_KG_LOW} and {WEIGHT_KG_HIGH} kg; got {weight_kg:g}",
            low=WEIGHT_KG_LOW,
            high=WEIGHT_KG_HIGH,
        )
    low_per_kg, high_per_kg = PROTEIN_G_PER_KG[ill]
    low = round_half_up(weight_kg * low_per_kg, 1)
    high = round_half_up(weight_kg * high_per_kg, 1)
    reason = Reason(
        "protein {low:g}-{high:g} g/day: {low_per_kg:.1f}-{high_per_kg:.1f} g/kg/day "
        "x {weight:g} kg ({group}), {source}",
        low=low,
        high=high,
        low_per_kg=low_per_kg,
        high_per_kg=high_per_kg,
        weight=weight_kg,
        group=PROTEIN_GROUP[ill],
        source=cited(ESPEN_2014),
    )
    return ProteinRange(low, high, (low_per_kg, high_per_kg), reason)


def calcium_intake_estimate(
    servings_per_week: Mapping[str, float], mg_per_serving: Mapping[str, float]
) -> Estimate:
    """Average daily calcium from food (IOF approach, clinical-reference 4.6): for each food,
    servings per week x calcium per serving, summed and divided by 7.

    `mg_per_serving` is the clinic's food list (no values are built in: the reference did not
    retrieve them). A food in `servings_per_week` without a value there is refused by name, as
    is a negative or non-numeric number of servings or mg."""
    unknown = sorted(food for food in servings_per_week if food not in mg_per_serving)
    if unknown:
        raise InputError(
            "servings_per_week",
            "unknown_food",
            "no calcium per serving is configured for: " + ", ".join(unknown),
            foods=tuple(unknown),
        )
    weekly_by_food: dict[str, float] = {}
    for food, servings in servings_per_week.items():
        count = _amount(servings, f"servings_per_week[{food}]", "servings per week")
        mg = _amount(mg_per_serving[food], f"mg_per_serving[{food}]", "mg per serving")
        weekly_by_food[food] = count * mg
    weekly = math.fsum(weekly_by_food.values())
    daily = weekly / DAYS_PER_WEEK
    reason = Reason(
        "about {daily} mg calcium a day from food: {weekly} mg a week from {foods} food(s) "
        "(servings per week x mg per serving, from the clinic's food list), divided by 7, "
        "{source}",
        daily=int(round_half_up(daily)),
        weekly=int(round_half_up(weekly)),
        foods=len(weekly_by_food),
        source=cited(IOF_CALCULATOR),
    )
    return Estimate(daily, weekly, weekly_by_food, reason)


def calcium_gap(estimate_mg: float, target_mg: float) -> CalciumGap:
    """How far the estimated daily calcium is below the target. Both are rounded to whole mg
    before comparing (clinical-reference 0.1.2); the target is met when estimate >= target (the
    reference says only "compared with the recommendation": >= is the program's reading)."""
    estimate = round_half_up(_amount(estimate_mg, "estimate_mg", "mg/d"))
    target = round_half_up(_amount(target_mg, "target_mg", "mg/d"))
    if target == 0:
        raise InputError("target_mg", "out_of_range", "target_mg must be more than 0 mg/d")
    gap = int(target - estimate)
    met = estimate >= target
    if met:
        reason = Reason(
            "estimated {estimate} mg/d meets the target of {target} mg/d",
            estimate=int(estimate),
            target=int(target),
        )
    else:
        reason = Reason(
            "estimated {estimate} mg/d is {gap} mg/d below the target of {target} mg/d",
            estimate=int(estimate),
            gap=gap,
            target=int(target),
        )
    return CalciumGap(int(estimate), int(target), gap, met, reason)
