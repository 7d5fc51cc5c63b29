"""Garvan Fracture Risk Calculator (Nguyen et al. 2007, Osteoporos Int 18:1109; 2008, Osteoporos
Int 19:1431): ESTIMATED 5- and 10-year risks of any fragility fracture and of hip fracture.
Source: clinical-reference 3.3 (confidence MEDIUM). Developed in the Dubbo Osteoporosis
Epidemiology Study (aged >= 60).

    risk = 1 - S0 ^ exp(b1·age + b2·X + b3·min(3, fractures) + b4·min(3, falls))

X is the femoral-neck T-score (BMD model) or the body weight in kg (weight model). Coefficients
and baseline survivals as reproduced in Jerboa (Erasmus MC, GarvanRiskFactor.java), not
cross-checked against the papers; Jerboa's check value is reproduced in the tests, and risks
are reported to 2 dp as that check value is. The Garvan site may have recalibrated since:
validate against the live calculator before clinical use.

Garvan's T-score is against young adults of the *same sex* (its FAQ; discrepancy 7.13), unlike
FRAX's female reference for men.

Licence (clinical-reference 3.3, 8): the model is published and the web tool free, but no licence
for re-implementation was found (UNVERIFIED): ask Garvan.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import (
    Instrument,
    Kind,
    Licence,
    Reason,
    Result,
    Source,
    choice,
    gettext_noop,
    number,
    one_of,
    round_half_up,
    sd_score,
    whole_number,
)

NGUYEN = Source(
    "Nguyen et al. 2007, Osteoporos Int 18:1109 and 2008, Osteoporos Int 19:1431; coefficients "
    "as reproduced in Jerboa GarvanRiskFactor.java (Erasmus MC), not cross-checked",
    "3.3",
)

# (sex, fracture, model) -> coefficients of (age, T-score or weight, prior fractures, falls)
COEFFICIENTS = {
    ("female", "hip", "bmd"): (0.0507, -0.8417, 0.8127, 0.3614),
    ("female", "any", "bmd"): (0.0321, -0.4022, 0.5691, 0.2038),
    ("male", "hip", "bmd"): (0.107, -1.007, 0.599, 0.212),
    ("male", "any", "bmd"): (0.0883, -0.2986, 0.8454, 0.0981),
    ("female", "hip", "weight"): (0.0866, -0.0444, 1.1916, 0.2946),
    ("female", "any", "weight"): (0.0511, -0.0099, 0.6709, 0.1985),
    ("male", "hip", "weight"): (0.138, -0.008, 0.854, 0.233),
    ("male", "any", "weight"): (0.09071, -0.00765, 1.00818, 0.12797),
}
# (years, sex, fracture) -> baseline survival S0; the reference gives one set for both models
BASELINE_SURVIVAL = {
    (5, "female", "hip"): 0.999896685,
    (5, "female", "any"): 0.995750118,
    (5, "male", "hip"): 0.999998862,
    (5, "male", "any"): 0.999921076,
    (10, "female", "hip"): 0.999793070,
    (10, "female", "any"): 0.990905138,
    (10, "male", "hip"): 0.999997778,
    (10, "male", "any"): 0.999848975,
}
COUNTED_UP_TO = 3  # fractures and falls enter as 0, 1, 2, >= 3
DUBBO_FROM_AGE = 60
ESTIMATE = "estimate"
OUTSIDE_COHORT = "outside_derivation_age"
FRACTURES = {"any": gettext_noop("any fragility fracture"), "hip": gettext_noop("hip fracture")}


@dataclass(frozen=True)
class Person:
    sex: str
    age: float
    model: str  # "bmd" or "weight"
    x: float  # the femoral-neck T-score (BMD model) or the weight in kg (weight model)
    fractures: int  # since age 50
    falls: int  # in the past 12 months

    def risk_percent(self, fracture: str, years: int) -> float:
        """One Garvan estimate in per cent, unrounded."""
        b_age, b_x, b_fx, b_falls = COEFFICIENTS[(self.sex, fracture, self.model)]
        linear = (
            b_age * self.age
            + b_x * self.x
            + b_fx * min(COUNTED_UP_TO, self.fractures)
            + b_falls * min(COUNTED_UP_TO, self.falls)
        )
        return 100 * (1 - BASELINE_SURVIVAL[(years, self.sex, fracture)] ** math.exp(linear))


def score(data: Mapping[str, Any]) -> Result:
    sex = choice(data, "sex", ("female", "male"))
    # From 50: the model counts fractures since age 50. Up to 120 as a plausibility limit.
    age = number(data, "age", low=50, high=120, unit="years")
    # 50 fractures and a fall a day: plausibility limits
    fractures = whole_number(data, "fractures_since_50", low=0, high=50, unit="count")
    falls = whole_number(data, "falls_12m", low=0, high=365, unit="count")
    if one_of(data, "t_score", "weight_kg") == "t_score":
        person = Person(sex, age, "bmd", sd_score(data, "t_score"), fractures, falls)
        reasons = [
            Reason(
                "BMD model: femoral-neck T-score {t:g}, which Garvan defines against young "
                "adults of the same sex (for men unlike FRAX's female reference) "
                "[clinical-reference 3.2, 7.13]",
                t=person.x,
            )
        ]
    else:
        # 25-300 kg: outside it, a unit slip (pounds, grams) rather than a weight
        weight = number(data, "weight_kg", low=25, high=300, unit="kg")
        person = Person(sex, age, "weight", weight, fractures, falls)
        reasons = [
            Reason("weight model: body weight {kg:g} kg [clinical-reference 3.3]", kg=weight)
        ]
    figures: dict[str, Any] = {"model": person.model}
    for fracture, label in FRACTURES.items():
        for years in (5, 10):
            risk = round_half_up(person.risk_percent(fracture, years), 2)
            figures[f"{fracture}_fracture_{years}y_percent"] = risk
            reasons.append(
                Reason(
                    "ESTIMATE: {years}-year risk of {fracture} {risk:g} % (Garvan)",
                    years=years,
                    fracture=label,
                    risk=risk,
                )
            )
    reasons.append(
        Reason(
            "the estimates come from {citation} (confidence MEDIUM) [clinical-reference 3.3]",
            citation=NGUYEN.citation,
        )
    )
    flags = [ESTIMATE]
    if age < DUBBO_FROM_AGE:
        flags.append(OUTSIDE_COHORT)
        reasons.append(
            Reason(
                "age {age:g} is below the Dubbo study's {dubbo} years: the estimate "
                "extrapolates beyond the cohort the model was derived in [clinical-reference 3.3]",
                age=age,
                dubbo=DUBBO_FROM_AGE,
            )
        )
    reasons.append(
        Reason(
            "re-implementation licence unclear (unverified): ask Garvan before clinical or "
            "commercial use, and validate against the live calculator [clinical-reference 3.3, 8]"
        )
    )
    return Result(
        instrument=GARVAN.code,
        version=GARVAN.version,
        valid=True,
        total=figures["any_fracture_10y_percent"],
        flags=tuple(flags),
        figures={**figures, "estimate_source": NGUYEN.citation},
        reasons=tuple(reasons),
    )


GARVAN = Instrument(
    code="garvan",
    name=gettext_noop("Garvan Fracture Risk Calculator (estimate)"),
    version="Garvan (Nguyen 2007/2008), coefficients as in Jerboa; scorer 1",
    kind=Kind.CALCULATION,
    licence=Licence.ASK,
    source=NGUYEN,
    score=score,
    fields={
        "sex": "female, male",
        "age": "years",
        "fractures_since_50": "fractures since age 50 (3 or more count as 3)",
        "falls_12m": "falls in the past 12 months (3 or more count as 3)",
        "t_score": "SD, femoral neck, same-sex reference (or weight_kg)",
        "weight_kg": "kg (or t_score)",
    },
    range=(0, 100),
)
