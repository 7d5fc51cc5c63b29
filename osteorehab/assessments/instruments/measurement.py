"""What the physical-function tests share (clinical-reference 2): the patient's age and sex,
whole-number inputs, age-banded norm tables, and the result of one measured value classified by
every banding, with the flags its bands raise.

Like base.py this refuses bad input naming the field and never guesses a default.
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from .base import choice, gettext_noop, whole_number

# Citations used by several tests; each use cites its own clinical-reference section.
EWGSOP2 = "Cruz-Jentoft et al. 2019, Age Ageing 48:16 (EWGSOP2)"
PERERA_2006 = "Perera et al. 2006, J Am Geriatr Soc"
WFG_2022 = "Montero-Odasso et al. 2022, Age Ageing 51:afac205 (World Falls Guidelines)"

SEXES = ("female", "male")
SEX_WORDS = {"female": gettext_noop("female"), "male": gettext_noop("male")}
SEX_FIELD = "female or male"
# The program serves adults; 120 years is the oldest plausible age. Norm tables cover narrower
# ranges and answer "no norm" outside them (clinical-reference 2.2).
AGE_LOW, AGE_HIGH = 18, 120
AGE_FIELD = "years (completed)"

# Plausibility for a timed test: finished in under a second is a slip in data entry; not
# finished within 10 minutes, it was not completed.
SECONDS_LOW, SECONDS_HIGH = 1, 600

Norm = TypeVar("Norm")
AgeTable = tuple[tuple[int, int, Norm], ...]  # (first age, last age, norm), in completed years


def age_years(data: Mapping[str, Any]) -> int:
    return whole_number(data, "age", low=AGE_LOW, high=AGE_HIGH, unit="years")


def sex(data: Mapping[str, Any]) -> str:
    return choice(data, "sex", SEXES)


def given(data: Mapping[str, Any], name: str) -> bool:
    return data.get(name) is not None


def norm_for(table: AgeTable[Norm], age: int) -> tuple[int, int, Norm] | None:
    """The table row for an age, or None: outside the table there is no norm, and the result
    says so instead of borrowing the nearest row."""
    return next((row for row in table if row[0] <= age <= row[1]), None)
