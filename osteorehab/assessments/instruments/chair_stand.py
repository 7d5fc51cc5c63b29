"""30-Second Chair Stand (CDC STEADI). From an armless chair about 43 cm (17 in) high, arms
crossed: the number of full stands in 30 s, a stand more than halfway up at 30 s counting.
A patient who must use the arms to stand stops and scores 0. Compared with the STEADI / Rikli &
Jones age and sex norms. Source: clinical-reference 2.2. Licence: public (CDC).
"""

from collections.abc import Mapping
from typing import Any

from .base import (
    Band,
    Banding,
    Better,
    Instrument,
    Kind,
    Licence,
    Reason,
    Result,
    Source,
    gettext_noop,
    measured_result,
    whole_number,
)
from .measurement import AGE_FIELD, SEX_FIELD, SEX_WORDS, AgeTable, age_years, norm_for, sex

STEADI = Source("CDC STEADI / Rikli & Jones, below-average chair-stand scores", "2.2")

# Below average (= increased fall risk) when stands < the figure; ages in completed years.
# No norm below 60 or above 94: the result says "no norm" and is not classified.
NORMS: AgeTable[Mapping[str, int]] = (
    (60, 64, {"male": 14, "female": 12}),
    (65, 69, {"male": 12, "female": 11}),
    (70, 74, {"male": 12, "female": 10}),
    (75, 79, {"male": 11, "female": 10}),
    (80, 84, {"male": 10, "female": 9}),
    (85, 89, {"male": 8, "female": 8}),
    (90, 94, {"male": 7, "female": 4}),
)
BELOW_NORM = "below_norm"

# Plausibility: faster than one full stand a second is not possible.
STANDS_HIGH = 30


def norm_banding(norm: int) -> Banding:
    return Banding(
        "steadi_norm",
        STEADI,
        (
            Band(BELOW_NORM, gettext_noop("below average: increased fall risk"), below=norm),
            Band("not_below_norm", gettext_noop("not below average"), min=norm),
        ),
    )


def score(data: Mapping[str, Any]) -> Result:
    stands = whole_number(data, "stands", low=0, high=STANDS_HIGH, unit="stands")
    age, patient_sex = age_years(data), sex(data)
    row = norm_for(NORMS, age)
    if row is None:
        reason = Reason(
            "no STEADI norm for age {age} (60-94 only): not classified [clinical-reference 2.2]",
            age=age,
        )
        return measured_result(
            CHAIR_STAND, stands, (), figures={"norm": None, "norm_group": None}, reasons=[reason]
        )
    first, last, by_sex = row
    norm = by_sex[patient_sex]
    group = f"{patient_sex} {first}-{last}"
    return measured_result(
        CHAIR_STAND,
        stands,
        (norm_banding(norm),),
        flags={("steadi_norm", BELOW_NORM): BELOW_NORM},
        figures={"norm": norm, "norm_group": group},
        reasons=[
            Reason(
                "STEADI norm for {sex} {first}-{last}: below average if < {norm} "
                "[clinical-reference 2.2]",
                sex=SEX_WORDS[patient_sex],
                first=first,
                last=last,
                norm=norm,
            )
        ],
    )


CHAIR_STAND = Instrument(
    code="chair_stand_30s",
    name=gettext_noop("30-Second Chair Stand"),
    version="30-s chair stand (CDC STEADI); scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=STEADI,
    score=score,
    fields={
        "stands": "stands in 30 s (0 if the arms were needed)",
        "age": AGE_FIELD,
        "sex": SEX_FIELD,
    },
)
