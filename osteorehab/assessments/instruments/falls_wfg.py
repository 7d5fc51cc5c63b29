"""World Falls Guidelines 2022 community fall-risk stratification (Montero-Odasso et al. 2022,
Age Ageing 51:afac205): low, intermediate or high risk, with the path that led there.
Source: clinical-reference 3.6, whose operationalisation is UNVERIFIED (to be checked against
the guideline's Figure 1), and so is every rule here. Licence: a published guideline algorithm.

1. A person who fell in the past 12 months is high risk with any severity indicator: a fall
   with injury, >= 2 falls, frailty, lying on the floor / unable to get up, loss of
   consciousness or suspected syncope.
2. Otherwise a faller, or a non-faller with concern about falling or unsteadiness, has gait and
   balance assessed: gait speed < 0.8 m/s or TUG > 15 s is impaired, intermediate risk; not
   impaired, low risk.
3. No fall and no concern or unsteadiness: low risk.

Discrepancy 7.12: NICE NG249 (2025) advises against falls-risk prediction tools; this 3-tier
stratification is the WFG's, not NICE's (NICE case-finds for a multifactorial assessment).
"""

from collections.abc import Mapping
from typing import Any

from .base import (
    YES_NO,
    Band,
    Banding,
    InputError,
    Instrument,
    Kind,
    Licence,
    Reason,
    Result,
    Source,
    classify_all,
    gettext_noop,
    number,
    round_half_up,
    whole_number,
    yes_no,
)

WFG_2022 = Source(
    "Montero-Odasso et al. 2022, Age Ageing 51:afac205 (World Falls Guidelines), "
    "stratification as operationalised in the reference",
    "3.6",
    unverified=True,
)
NICE_NOTE = Reason(
    "NICE NG249 (2025) recommends against falls-risk prediction tools and case-finds people "
    "with injurious or multiple falls, frailty or gait/balance problems for a multifactorial "
    "assessment; the low/intermediate/high tiers are the WFG's [clinical-reference 3.6, 7.12]"
)

# The operators of both cut-offs are flagged LOW in the reference (2.1, 2.6, 3.6).
GAIT_SPEED = Banding(
    "gait_speed",
    WFG_2022,
    (
        Band("impaired", gettext_noop("gait impaired"), below=0.8),
        Band("not_impaired", gettext_noop("gait not impaired"), min=0.8),
    ),
)
TUG = Banding(
    "tug",
    WFG_2022,
    (
        Band("not_impaired", gettext_noop("gait and balance not impaired"), max=15),
        Band("impaired", gettext_noop("gait and balance impaired"), above=15),
    ),
)
HIGH_RISK = "high_fall_risk"
GAIT_IMPAIRED = "gait_balance_impairment"
SEVERITY = {  # indicator field -> what it means (3.6)
    "fall_injury": gettext_noop("a fall with injury"),
    "unable_to_get_up": gettext_noop("unable to get up after a fall"),
    "lying_long": gettext_noop("lying on the floor after a fall"),
    "loss_of_consciousness": gettext_noop("loss of consciousness or suspected syncope"),
    "frailty": gettext_noop("frailty"),
}
SEVERAL_FALLS = 2  # >= 2 falls in 12 months is a severity indicator
TIERS = {
    "low": gettext_noop("low fall risk"),
    "intermediate": gettext_noop("intermediate fall risk"),
    "high": gettext_noop("high fall risk"),
}
ADVICE = {  # what each tier leads to (3.6)
    "high": gettext_noop("multifactorial falls assessment and intervention"),
    "intermediate": gettext_noop(
        "targeted strength-and-balance exercise, with or without education"
    ),
    "low": gettext_noop("education and general exercise"),
}


def _gait(data: Mapping[str, Any]) -> tuple[dict[str, str | None], list[Reason]]:
    """The gait and balance bands of whichever of gait speed and TUG were measured."""
    bands: dict[str, str | None] = {GAIT_SPEED.name: None, TUG.name: None}
    reasons: list[Reason] = []
    if data.get("gait_speed_m_s") is not None:
        # 0.05-3 m/s: slower is no walk test, faster is running; rounded to 2 dp (0.1.2).
        speed = number(data, "gait_speed_m_s", low=0.05, high=3.0, unit="m/s")
        found, why = classify_all([GAIT_SPEED], round_half_up(speed, 2))
        bands.update(found)
        reasons += why
    if data.get("tug_seconds") is not None:
        # 1-600 s: no one stands, walks 3 m and sits in under a second; 10 min is no test.
        tug = number(data, "tug_seconds", low=1, high=600, unit="seconds")
        found, why = classify_all([TUG], tug)
        bands.update(found)
        reasons += why
    return bands, reasons


def _case_found(data: Mapping[str, Any], falls: int) -> Reason | None:
    """Why gait and balance are assessed: a fall without a severity indicator, or concern about
    falling or unsteadiness; None when neither (no fall, no concern, steady)."""
    if falls:
        return Reason("fell without a severity indicator")
    concern, unsteady = yes_no(data, "concern_about_falling"), yes_no(data, "unsteady")
    if concern and unsteady:
        return Reason("no fall, but concerned about falling and unsteady")
    if concern:
        return Reason("no fall, but concerned about falling")
    return Reason("no fall, but unsteady") if unsteady else None


def score(data: Mapping[str, Any]) -> Result:
    # at most one a day, as a plausibility limit
    falls = whole_number(data, "falls_12m", low=0, high=365, unit="count")
    reasons = [Reason("{falls} fall(s) in the past 12 months", falls=falls)]
    severity: list[str] = []
    if falls:
        severity = [meaning for name, meaning in SEVERITY.items() if yes_no(data, name)]
        if falls >= SEVERAL_FALLS:
            severity.append(
                Reason(
                    "{falls} falls (>= {several} in 12 months)", falls=falls, several=SEVERAL_FALLS
                )
            )
    else:
        for name in SEVERITY:
            if name != "frailty" and data.get(name) is True:
                raise InputError(name, "needs_a_fall", f"{name} needs a fall in the past 12 months")
    bands, gait_reasons = _gait(data)
    if severity:
        risk = "high"
        reasons.append(
            Reason("fell with a severity indicator: {severity}", severity=tuple(severity))
        )
    elif (why := _case_found(data, falls)) is not None:
        if bands[GAIT_SPEED.name] is None and bands[TUG.name] is None:
            raise InputError(
                "gait_speed_m_s",
                "required",
                f"{why}: gait and balance must be assessed; give gait_speed_m_s or tug_seconds",
            )
        risk = "intermediate" if "impaired" in bands.values() else "low"
        reasons.append(Reason("{why}: gait and balance assessed", why=why))
    else:
        risk = "low"
        reasons.append(Reason("no fall, not concerned about falling and not unsteady"))
    reasons += [
        *gait_reasons,
        Reason(
            "{risk}: {advice}, {citation} (unverified) [clinical-reference 3.6]",
            risk=TIERS[risk],
            advice=ADVICE[risk],
            citation=WFG_2022.citation,
        ),
        NICE_NOTE,
    ]
    flags = [HIGH_RISK] if risk == "high" else []
    if "impaired" in bands.values():
        flags.append(GAIT_IMPAIRED)
    return Result(
        instrument=FALLS_RISK_WFG.code,
        version=FALLS_RISK_WFG.version,
        valid=True,
        band=risk,
        bands={"risk": risk, **bands},
        flags=tuple(flags),
        reasons=tuple(reasons),
    )


FALLS_RISK_WFG = Instrument(
    code="falls_risk_wfg",
    name=gettext_noop("Fall-risk stratification (World Falls Guidelines 2022)"),
    version="World Falls Guidelines 2022, stratification as in clinical-reference 3.6; scorer 1",
    kind=Kind.CALCULATION,
    licence=Licence.FREE,
    source=WFG_2022,
    score=score,
    fields={
        "falls_12m": "falls in the past 12 months",
        **dict.fromkeys(SEVERITY, f"{YES_NO}, when falls_12m >= 1"),
        "concern_about_falling": f"{YES_NO}, when falls_12m = 0",
        "unsteady": f"{YES_NO}, when falls_12m = 0",
        "gait_speed_m_s": "m/s (or tug_seconds), when gait is assessed",
        "tug_seconds": "seconds (or gait_speed_m_s), when gait is assessed",
    },
    bandings=(GAIT_SPEED, TUG),
    labels=TIERS,
)
