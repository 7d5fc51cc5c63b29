"""Berg Balance Scale (BBS). Fourteen tasks rated by the clinician 0-4; total 0-56 (higher is
better). Three published bandings disagree (clinical-reference 7.8): the three fall-risk bands
call 41-56 low risk, while Berg 1992 puts < 45 at risk, and Shumway-Cook 1997 moves the cut-off
with the fall history; Muir et al. 2008 advise likelihood ratios instead of the single 45
cut-off. All are shown. Source: clinical-reference 2.4. Licence: freely available according to
secondary sources (unconfirmed).
"""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .base import (
    Band,
    Banding,
    Better,
    InputError,
    Instrument,
    Item,
    Kind,
    Licence,
    MissingRule,
    Reason,
    Result,
    Source,
    classify_all,
    gettext_noop,
    summed_result,
)

TASK_0_4 = (0, 1, 2, 3, 4)
REFERENCE = Source("Berg Balance Scale (structure and bands as given in the reference)", "2.4")

ITEMS = tuple(
    Item(f"b{n}", label, TASK_0_4)
    for n, label in enumerate(
        [
            gettext_noop("Sit to stand"),
            gettext_noop("Standing unsupported"),
            gettext_noop("Sitting unsupported"),
            gettext_noop("Stand to sit"),
            gettext_noop("Transfers"),
            gettext_noop("Standing, eyes closed"),
            gettext_noop("Standing, feet together"),
            gettext_noop("Reaching forward"),
            gettext_noop("Picking up an object"),
            gettext_noop("Looking behind"),
            gettext_noop("Turning 360 degrees"),
            gettext_noop("Alternate foot on a stool"),
            gettext_noop("Tandem stance"),
            gettext_noop("Standing on one leg"),
        ],
        start=1,
    )
)

FALL_RISK = Banding(
    "fall_risk_bands",
    REFERENCE,
    (
        Band("high", gettext_noop("high fall risk (wheelchair)"), min=0, max=20),
        Band("medium", gettext_noop("medium fall risk (walks with assistance)"), min=21, max=40),
        Band("low", gettext_noop("low fall risk (independent)"), min=41, max=56),
    ),
)
BERG_1992 = Banding(
    "berg_1992",
    Source("Berg et al. 1992", "2.4"),
    (
        Band("at_risk", gettext_noop("fall risk"), below=45),
        Band("not_at_risk", gettext_noop("at or above the cut-off"), min=45),
    ),
)
# Shumway-Cook 1997: the cut-off depends on the history of falls, so it is chosen per patient.
SHUMWAY_COOK_SOURCE = Source("Shumway-Cook et al. 1997", "2.4")
SHUMWAY_COOK = {
    True: Banding(
        "shumway_cook_1997",
        SHUMWAY_COOK_SOURCE,
        (
            Band("at_risk", gettext_noop("fall risk for a person who has fallen"), below=51),
            Band(
                "not_at_risk",
                gettext_noop("at or above the cut-off for a person who has fallen"),
                min=51,
            ),
        ),
    ),
    False: Banding(
        "shumway_cook_1997",
        SHUMWAY_COOK_SOURCE,
        (
            Band("at_risk", gettext_noop("fall risk for a person who has not fallen"), below=42),
            Band(
                "not_at_risk",
                gettext_noop("at or above the cut-off for a person who has not fallen"),
                min=42,
            ),
        ),
    ),
}
AT_RISK = {
    ("fall_risk_bands", "high"),
    ("fall_risk_bands", "medium"),
    ("berg_1992", "at_risk"),
    ("shumway_cook_1997", "at_risk"),
}


def score(data: Mapping[str, Any]) -> Result:
    history = data.get("fall_history")
    if history is not None and not isinstance(history, bool):
        raise InputError("fall_history", "not_yes_no", "fall_history must be true or false")
    result = summed_result(BERG, data)
    if result.total is None:
        return result
    bands = dict(result.bands)
    reasons = list(result.reasons)
    if history is not None:
        extra, extra_reasons = classify_all([SHUMWAY_COOK[history]], result.total)
        bands.update(extra)
        reasons += extra_reasons
    at_risk = [(name, code) in AT_RISK for name, code in bands.items()]
    # Any published banding putting the patient at risk raises the flag: a missed fall risk
    # costs more than a second look.
    flags = ["fall_risk"] if any(at_risk) else []
    if any(at_risk) and not all(at_risk):
        flags.append("bands_disagree")
        reasons.append(
            Reason(
                "the bandings disagree at this total (clinical-reference 7.8); Muir et al. 2008 "
                "advise likelihood ratios rather than a single cut-off [clinical-reference 2.4]"
            )
        )
    return replace(result, bands=bands, flags=tuple(flags), reasons=tuple(reasons))


BERG = Instrument(
    code="berg",
    name=gettext_noop("Berg Balance Scale"),
    version="Berg Balance Scale; scorer 1",
    kind=Kind.QUESTIONNAIRE,  # items rated by the clinician while the patient performs them
    better=Better.HIGHER,
    licence=Licence.ASK,
    source=REFERENCE,
    score=score,
    items=ITEMS,
    fields={"fall_history": "true or false, optional: selects the Shumway-Cook 1997 cut-off"},
    bandings=(FALL_RISK, BERG_1992),
    missing_rule=MissingRule(0, Source("no prorating rule found: all 14 items needed", "2.4")),
    range=(0, 56),
)
