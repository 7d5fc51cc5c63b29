"""Walk tests, distance in metres (higher is better).

Six-minute walk (6MWT; ATS 2002 protocol: 30-m corridor, standard encouragement) against the
Enright & Sherrill 1998 reference equations: predicted distance, lower limit of normal (LOW in
the reference) and percent of predicted. Source: clinical-reference 2.8.

Two-minute walk (2MWT) beside the Bohannon 2015 sample means; the reference gives neither a
cut-off nor the regression coefficients, so the distance is shown, not classified.
Source: clinical-reference 2.9.
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
    cited,
    gettext_noop,
    measured_result,
    number,
    round_half_up,
)
from .measurement import (
    AGE_FIELD,
    PERERA_2006,
    SEX_FIELD,
    SEX_WORDS,
    AgeTable,
    age_years,
    norm_for,
    sex,
)

ENRIGHT_SHERRILL = Source(
    "Enright & Sherrill 1998, Am J Respir Crit Care Med 158:1384 "
    "(as tabulated in the ERS/ATS 2014 field-test standard, Table 5)",
    "2.8",
)
LLN_SOURCE = Source("Enright & Sherrill 1998, lower limit of normal", "2.8", unverified=True)
# Men's BMI equation only partly verified, women's LOW: both shown as unverified.
BMI_SOURCE = Source("Enright & Sherrill 1998, BMI-based equations", "2.8", unverified=True)
LLN_BELOW_PREDICTED_M = {"male": 153, "female": 139}

BOHANNON_2015 = Source(
    "Bohannon et al. 2015, Arch Phys Med Rehabil 96:472 (NIH Toolbox, n = 1137, 18-85 y)", "2.9"
)
SAMPLE_MEAN_M: AgeTable[Mapping[str, float]] = ((18, 85, {"male": 189.4, "female": 176.0}),)
MDC_2MWT_M = 42.5

# Plausibility: walking, not running, covers under 1 km in six minutes and 400 m in two.
# Heights and weights of adults.
SIX_MINUTES_HIGH_M, TWO_MINUTES_HIGH_M = 1000, 400
HEIGHT_LOW, HEIGHT_HIGH = 100, 230
WEIGHT_LOW, WEIGHT_HIGH = 25, 250


def predicted_m(patient_sex: str, age: int, height_cm: float, weight_kg: float) -> float:
    if patient_sex == "male":
        return 7.57 * height_cm - 5.02 * age - 1.76 * weight_kg - 309
    return 2.11 * height_cm - 2.29 * weight_kg - 5.78 * age + 667


def predicted_from_bmi_m(patient_sex: str, age: int, bmi: float) -> float:
    if patient_sex == "male":
        return 1140 - 5.61 * bmi - 6.94 * age
    return 1017 - 6.24 * bmi - 5.83 * age


def lower_limit(lln_m: float) -> Banding:
    return Banding(
        "enright_sherrill_lln",
        LLN_SOURCE,
        (
            Band("below_norm", gettext_noop("below the lower limit of normal"), below=lln_m),
            Band("not_below_norm", gettext_noop("not below the lower limit"), min=lln_m),
        ),
    )


def six_minute_score(data: Mapping[str, Any]) -> Result:
    distance = number(data, "distance_m", low=0, high=SIX_MINUTES_HIGH_M, unit="m")
    age, patient_sex = age_years(data), sex(data)
    height = number(data, "height_cm", low=HEIGHT_LOW, high=HEIGHT_HIGH, unit="cm")
    weight = number(data, "weight_kg", low=WEIGHT_LOW, high=WEIGHT_HIGH, unit="kg")
    bmi = weight / (height / 100) ** 2
    from_bmi = int(round_half_up(predicted_from_bmi_m(patient_sex, age, bmi)))
    # Predictions to whole metres, as distances are reported; percent from the shown figure.
    predicted = int(round_half_up(predicted_m(patient_sex, age, height, weight)))
    figures: dict[str, Any] = {
        "predicted_m": None,
        "lln_m": None,
        "percent_predicted": None,
        "norm": None,
        "bmi": round_half_up(bmi, 1),
        "predicted_bmi_m": from_bmi if from_bmi > 0 else None,
    }
    if predicted <= 0:
        reason = Reason(
            "the equation predicts no distance for these inputs [clinical-reference 2.8]"
        )
        return measured_result(SIX_MINUTE_WALK, distance, (), figures=figures, reasons=[reason])
    lln = predicted - LLN_BELOW_PREDICTED_M[patient_sex]
    percent = round_half_up(distance / predicted * 100, 1)
    figures |= {"predicted_m": predicted, "lln_m": lln, "percent_predicted": percent, "norm": lln}
    reasons = [
        Reason(
            "predicted {predicted} m by the {sex} equation of {citation} "
            "[clinical-reference 2.8]; {percent:g} percent of predicted",
            predicted=predicted,
            sex=SEX_WORDS[patient_sex],
            citation=ENRIGHT_SHERRILL.citation,
            percent=percent,
        )
    ]
    if from_bmi > 0:
        reasons.append(
            Reason(
                "BMI {bmi:g}: {predicted} m by {source}",
                bmi=figures["bmi"],
                predicted=from_bmi,
                source=cited(BMI_SOURCE),
            )
        )
    return measured_result(
        SIX_MINUTE_WALK,
        distance,
        (lower_limit(lln),),
        flags={("enright_sherrill_lln", "below_norm"): "below_norm"},
        figures=figures,
        reasons=reasons,
    )


def two_minute_score(data: Mapping[str, Any]) -> Result:
    distance = number(data, "distance_m", low=0, high=TWO_MINUTES_HIGH_M, unit="m")
    age, patient_sex = age_years(data), sex(data)
    row = norm_for(SAMPLE_MEAN_M, age)
    mean = row[2][patient_sex] if row else None
    if mean is None:
        reason = Reason(
            "no sample mean for age {age} (the sample was 18-85 y) [clinical-reference 2.9]",
            age=age,
        )
    else:
        reason = Reason(
            "sample mean for {sex} aged 18-85: {mean:g} m ({citation} [clinical-reference 2.9]); "
            "the reference gives no cut-off",
            sex=gettext_noop("women") if patient_sex == "female" else gettext_noop("men"),
            mean=mean,
            citation=BOHANNON_2015.citation,
        )
    return measured_result(
        TWO_MINUTE_WALK,
        distance,
        (),
        figures={"norm": mean, "mdc_m": MDC_2MWT_M},
        reasons=[
            reason,
            Reason("minimal detectable change {mdc:g} m [clinical-reference 2.9]", mdc=MDC_2MWT_M),
        ],
    )


SIX_MINUTE_WALK = Instrument(
    code="six_minute_walk",
    name=gettext_noop("Six-minute walk test"),
    version="6MWT, Enright & Sherrill 1998 equations; scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=ENRIGHT_SHERRILL,
    score=six_minute_score,
    fields={
        "distance_m": "m",
        "age": AGE_FIELD,
        "sex": SEX_FIELD,
        "height_cm": "cm",
        "weight_kg": "kg",
    },
    # Perera 2006, older adults: small meaningful change about 20 m; substantial about 50 m.
    mcid=20,
    mcid_source=Source(PERERA_2006, "2.8"),
)

TWO_MINUTE_WALK = Instrument(
    code="two_minute_walk",
    name=gettext_noop("Two-minute walk test"),
    version="2MWT, Bohannon 2015 sample means; scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=BOHANNON_2015,
    score=two_minute_score,
    fields={"distance_m": "m", "age": AGE_FIELD, "sex": SEX_FIELD},
)
