"""Timed Up and Go (TUG), CDC STEADI form. From a standard armchair the patient stands, walks
3 m (10 ft) at normal pace, turns, walks back and sits, with the usual walking aid; the time in
seconds (lower is better). Source: clinical-reference 2.1. Licence: public (CDC).

The reference gives no age norm for the TUG: `age` is optional, checked, and changes nothing.
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
    number,
)
from .measurement import AGE_FIELD, EWGSOP2, SECONDS_HIGH, SECONDS_LOW, WFG_2022, age_years, given

STEADI = Source("CDC STEADI TUG form (LOINC 89422-0 description: 12 s)", "2.1")
STEADI_CUT_OFF_S = 12  # >= 12 s: at risk of falling; the norm the form shows

FALL_RISK = Banding(
    "steadi",
    STEADI,
    (
        Band("not_at_risk", gettext_noop("below the STEADI cut-off"), below=STEADI_CUT_OFF_S),
        Band("at_risk", gettext_noop("at risk of falling"), min=STEADI_CUT_OFF_S),
    ),
)
SHUMWAY_COOK = Banding(
    "shumway_cook_2000",
    Source("Shumway-Cook et al. 2000", "2.1"),
    (
        Band("not_at_risk", gettext_noop("below the cut-off"), below=13.5),
        # Barry et al. 2014 (meta-analysis): limited predictive value, better at ruling in.
        Band("at_risk", gettext_noop("fall risk (better at ruling in than out)"), min=13.5),
    ),
)
PERFORMANCE = Banding(
    "ewgsop2",
    Source(EWGSOP2, "2.1"),
    (
        Band("not_low", gettext_noop("not low physical performance"), below=20),
        Band("low", gettext_noop("low physical performance"), min=20),
    ),
)
# The reference flags the World Falls Guidelines operator (> 15 s) as LOW (2.1, 3.6).
GAIT_BALANCE = Banding(
    "wfg_2022",
    Source(WFG_2022, "2.1, 3.6", unverified=True),
    (
        Band("not_impaired", gettext_noop("no gait or balance impairment"), max=15),
        Band("impaired", gettext_noop("gait or balance impairment"), above=15),
    ),
)
FLAGS = {
    ("steadi", "at_risk"): "fall_risk",
    ("ewgsop2", "low"): "low_physical_performance",
    ("wfg_2022", "impaired"): "gait_balance_impairment",
}


def score(data: Mapping[str, Any]) -> Result:
    seconds = number(data, "seconds", low=SECONDS_LOW, high=SECONDS_HIGH, unit="seconds")
    reasons = []
    if given(data, "age"):
        age_years(data)
        reasons.append(
            Reason(
                "no age norm for the TUG: the cut-offs apply at every age [clinical-reference 2.1]"
            )
        )
    return measured_result(
        TUG,
        seconds,
        TUG.bandings,
        flags=FLAGS,
        figures={"norm": STEADI_CUT_OFF_S},
        reasons=reasons,
    )


TUG = Instrument(
    code="tug",
    name=gettext_noop("Timed Up and Go"),
    version="TUG (CDC STEADI); scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.LOWER,
    licence=Licence.FREE,
    source=STEADI,
    score=score,
    fields={"seconds": "s", "age": f"{AGE_FIELD}, optional"},
    bandings=(FALL_RISK, SHUMWAY_COOK, PERFORMANCE, GAIT_BALANCE),
    loinc={"panel": "89422-0", "time": "89423-8"},
)
