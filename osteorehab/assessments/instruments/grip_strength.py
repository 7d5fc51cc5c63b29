"""Grip strength against the EWGSOP2 cut-offs for low muscle strength (probable sarcopenia):
< 27 kg in men, < 16 kg in women (Cruz-Jentoft et al. 2019, Age Ageing 48:16). `kg` is the
best of the trials on a Jamar-type dynamometer (protocol LOW in the reference).
Source: clinical-reference 2.7.
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
    Result,
    Source,
    gettext_noop,
    measured_result,
    number,
)
from .measurement import EWGSOP2, SEX_FIELD, sex

SOURCE = Source(EWGSOP2, "2.7")
LOW_BELOW_KG = {"male": 27, "female": 16}  # below this: low muscle strength

# Plausibility: 0 kg is a patient who cannot grip; Jamar-type dynamometers read up to 90 kg.
KG_LOW, KG_HIGH = 0, 100


def low_strength(cut_off: int) -> Banding:
    return Banding(
        "ewgsop2",
        SOURCE,
        (
            Band("low", gettext_noop("low muscle strength (probable sarcopenia)"), below=cut_off),
            Band("not_low", gettext_noop("not low muscle strength"), min=cut_off),
        ),
    )


LOW_STRENGTH = {patient_sex: low_strength(kg) for patient_sex, kg in LOW_BELOW_KG.items()}


def score(data: Mapping[str, Any]) -> Result:
    kg = number(data, "kg", low=KG_LOW, high=KG_HIGH, unit="kg")
    patient_sex = sex(data)
    return measured_result(
        GRIP_STRENGTH,
        kg,
        (LOW_STRENGTH[patient_sex],),
        flags={("ewgsop2", "low"): "low_strength"},
        figures={"norm": LOW_BELOW_KG[patient_sex]},
    )


GRIP_STRENGTH = Instrument(
    code="grip_strength",
    name=gettext_noop("Grip strength (EWGSOP2)"),
    version="EWGSOP2 (Cruz-Jentoft 2019) grip cut-offs; scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=SOURCE,
    score=score,
    fields={"kg": "kg, best trial", "sex": SEX_FIELD},
)
