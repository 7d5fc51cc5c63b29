"""WHO densitometric classification of a DXA result (WHO 1994, Technical Report Series 843):
normal, low bone mass (osteopenia), osteoporosis, severe (established) osteoporosis. The T-score
is entered from the DXA report or computed from BMD (g/cm²) against the NHANES III young-adult
reference; the Z-score is entered from the report (the reference gives no age-matched values).
Source: clinical-reference 3.1 and 3.2. Licence: a published classification rule, free.

The T-score is rounded to 1 dp before it is classified (clinical-reference 0.1.2): computed
naively, (0.558 - 0.858) / 0.120 is -2.4999999999999996 and would read as osteopenia.

Men (discrepancy 7.13): FRAX and ISCD 2013 score men's hips against the white *female*
reference; Garvan's FAQ uses young adults of the same sex. We classify on the female reference,
as the reference recommends, and give the male-reference femoral-neck T-score (unverified
values) as a separate figure for tools that expect it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import (
    YES_NO,
    Band,
    Banding,
    Better,
    InputError,
    Instrument,
    Kind,
    Licence,
    Reason,
    Result,
    Source,
    choice,
    classify_all,
    gettext_noop,
    number,
    one_of,
    round_half_up,
    sd_score,
    yes_no,
)

WHO_1994 = Source("WHO 1994, Technical Report Series 843", "3.1")
ISCD_2005 = Source("ISCD official positions 2005, J Clin Densitom", "3.1")


@dataclass(frozen=True)
class Reference:
    """A young-adult reference group: T = (BMD - mean) / SD (clinical-reference 3.2)."""

    population: str
    mean_g_cm2: float
    sd_g_cm2: float
    source: Source

    def t_score(self, bmd_g_cm2: float) -> float:
        return round_half_up((bmd_g_cm2 - self.mean_g_cm2) / self.sd_g_cm2, 1)


# Women's references, used for men too (ISCD 2013; FRAX "the same absolute values are used in
# men"). None for the lumbar spine: each manufacturer uses its own database (ISCD 2013).
FEMALE_REFERENCE = {
    "femoral_neck": Reference(
        "NHANES III non-Hispanic white women 20-29 y, femoral neck (Hologic)",
        0.858,
        0.120,
        Source("Looker et al. 1998, Osteoporos Int 8:468 (NHANES III)", "3.2"),
    ),
    "total_hip": Reference(
        "NHANES III non-Hispanic white women 20-29 y, total hip",
        0.942,
        0.122,
        Source("NHANES III, as in public NHANES analysis code (MEDIUM)", "3.2"),
    ),
}
MALE_FEMORAL_NECK = Reference(
    "NHANES III white men 20-29 y, femoral neck",
    0.934,
    0.137,
    Source("NHANES III white men 20-29 y (from memory)", "3.2", unverified=True),
)
SITES = ("femoral_neck", "total_hip", "lumbar_spine")

WHO = Banding(
    "who",
    WHO_1994,
    (
        Band("normal", gettext_noop("normal"), min=-1.0),
        Band("osteopenia", gettext_noop("low bone mass (osteopenia)"), above=-2.5, below=-1.0),
        Band("osteoporosis", gettext_noop("osteoporosis"), max=-2.5),
    ),
)
SEVERE = "severe_osteoporosis"  # WHO: T <= -2.5 and >= 1 fragility fracture (3.1)
# Premenopausal women and men < 50 are judged on the Z-score instead (ISCD 2005).
Z_FOR_AGE = Banding(
    "z_for_age",
    ISCD_2005,
    (
        Band("below_expected", gettext_noop("below the expected range for age"), max=-2.0),
        Band("within_expected", gettext_noop("within the expected range for age"), above=-2.0),
    ),
)
WHO_FROM_AGE = 50  # men >= 50 (and postmenopausal women) are classified by T (ISCD 2005)

ENTERED_T = Reason(
    "T-score as entered from the DXA report: its reference population is the device's "
    "(ISCD 2013: NHANES III for femoral neck and total hip, the manufacturer's own database "
    "for the spine; a uniform white female reference for men) [clinical-reference 3.2, 7.13]"
)


def _sd_score(data: Mapping[str, Any], name: str) -> float:
    """A T- or Z-score as entered, rounded to 1 dp like a computed one (0.1.2)."""
    return round_half_up(sd_score(data, name), 1)


def _t_score(
    data: Mapping[str, Any], site: str, sex: str
) -> tuple[float, float | None, list[Reason]]:
    """The T-score rounded to 1 dp, a man's femoral-neck T-score against the male reference
    (when computed from BMD), and which reference population gave them."""
    if one_of(data, "t_score", "bmd_g_cm2") == "t_score":
        return _sd_score(data, "t_score"), None, [ENTERED_T]
    # 0.1-2.5 g/cm²: beyond any adult hip or spine BMD; a value in mg/cm² is refused.
    bmd = number(data, "bmd_g_cm2", low=0.1, high=2.5, unit="g/cm²")
    reference = FEMALE_REFERENCE.get(site)
    if reference is None:
        raise InputError(
            "bmd_g_cm2",
            "no_reference",
            f"no reference values for {site} (each manufacturer uses its own database, "
            "ISCD 2013): enter the T-score from the DXA report",
        )
    t = reference.t_score(bmd)
    reasons = [
        Reason(
            "T = ({bmd:g} - {mean:g}) / {sd:g} = {t:g} (rounded to 1 dp), reference "
            "{population}, {citation} [clinical-reference 3.2, 7.13]",
            bmd=bmd,
            mean=reference.mean_g_cm2,
            sd=reference.sd_g_cm2,
            t=t,
            population=reference.population,
            citation=reference.source.citation,
        )
    ]
    if sex != "male":
        return t, None, reasons
    reasons.append(Reason("the female reference is used for men too, as ISCD 2013 and FRAX do"))
    if site != "femoral_neck":
        return t, None, reasons
    male_t = MALE_FEMORAL_NECK.t_score(bmd)
    reasons.append(
        Reason(
            "against {population} (as Garvan's FAQ defines T) it would be {t:g}, from values "
            "the reference marks unverified [clinical-reference 3.2, 7.13]",
            population=MALE_FEMORAL_NECK.population,
            t=male_t,
        )
    )
    return t, male_t, reasons


def score(data: Mapping[str, Any]) -> Result:
    site = choice(data, "site", SITES)
    sex = choice(data, "sex", ("female", "male"))
    age = number(data, "age", low=18, high=120, unit="years")  # adult DXA only
    fracture = yes_no(data, "fragility_fracture")
    postmenopausal = yes_no(data, "postmenopausal") if sex == "female" else None
    t, male_t, reasons = _t_score(data, site, sex)
    z = _sd_score(data, "z_score") if data.get("z_score") is not None else None
    bands: dict[str, str | None] = {WHO.name: None, Z_FOR_AGE.name: None}
    if postmenopausal or (sex == "male" and age >= WHO_FROM_AGE):
        who_bands, who_reasons = classify_all([WHO], t)
        bands.update(who_bands)
        reasons += who_reasons
        if bands[WHO.name] == "osteoporosis" and fracture:
            bands[WHO.name] = SEVERE
            reasons.append(
                Reason(
                    "T {t:g} <= -2.5 with a fragility fracture: severe (established) "
                    "osteoporosis, {citation} [clinical-reference 3.1]",
                    t=t,
                    citation=WHO_1994.citation,
                )
            )
        elif fracture:
            reasons.append(
                Reason(
                    "a fragility fracture with T above -2.5: the WHO class stays as it is; a "
                    "clinical diagnosis of osteoporosis from the fracture is a separate label "
                    "[clinical-reference 3.1]"
                )
            )
    else:
        who = (
            Reason("premenopausal women")
            if sex == "female"
            else Reason("men under {age}", age=WHO_FROM_AGE)
        )
        reasons.append(
            Reason(
                "the WHO T-score classification does not apply to {who}: the Z-score is used "
                "(Z <= -2.0 below the expected range for age), {citation} "
                "[clinical-reference 3.1]",
                who=who,
                citation=ISCD_2005.citation,
            )
        )
        if z is None:
            reasons.append(Reason("no Z-score entered: enter it from the DXA report"))
        else:
            z_bands, z_reasons = classify_all([Z_FOR_AGE], z)
            bands.update(z_bands)
            reasons += z_reasons
    who_class = bands[WHO.name]
    return Result(
        instrument=BONE_DENSITY.code,
        version=BONE_DENSITY.version,
        valid=True,
        total=t,
        band=who_class,
        bands=bands,
        figures={
            "t_score": t,
            "z_score": z,
            "who_class": who_class,
            "t_score_male_reference": male_t,
        },
        reasons=tuple(reasons),
    )


BONE_DENSITY = Instrument(
    code="bone_density",
    labels={"severe_osteoporosis": gettext_noop("severe (established) osteoporosis")},
    name=gettext_noop("Bone density (WHO classification)"),
    version="WHO 1994 TRS 843 with NHANES III references; scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=WHO_1994,
    score=score,
    fields={
        "site": ", ".join(SITES),
        "sex": "female, male",
        "age": "years",
        "t_score": "SD (or bmd_g_cm2)",
        "bmd_g_cm2": "g/cm² (or t_score)",
        "z_score": "SD, optional, from the DXA report",
        "fragility_fracture": YES_NO,
        "postmenopausal": f"{YES_NO}, women only",
    },
    bandings=(WHO, Z_FOR_AGE),
)
