"""Licensed instruments: no items and no item wording are shipped (clinical-reference 0.1.5, 8).
The clinician scores a licensed paper form and enters only the score(s) here.

hads: Hospital Anxiety and Depression Scale (Zigmond & Snaith 1983, Acta Psychiatr Scand
  67:361): the anxiety and depression subscale scores, each 0-21, banded separately. Copyright,
  GL Assessment licence with fees (1.4).
abc: Activities-specific Balance Confidence scale: the 0-100 mean of its sixteen 0-100 % ratings.
  Electronic adaptations and commercial use need the developer's permission (A. Myers, University
  of Waterloo; 1.10).
borg: Borg RPE 6-20, a whole-number rating of perceived exertion. Licence and fee
  (BorgPerception AB); the scale's labels and layout are not shipped either (1.12).
"""

from collections.abc import Mapping
from dataclasses import replace
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
    classify_all,
    gettext_noop,
    measured_result,
    number,
    round_half_up,
    whole_number,
)

ENTERED = Reason(
    "score entered from a licensed paper form; no items are stored [clinical-reference 8]"
)


ZIGMOND_1983 = Source("Zigmond & Snaith 1983, Acta Psychiatr Scand 67:361", "1.4")
HADS_SUBSCALES = ("anxiety", "depression")
HADS_LABELS = {"anxiety": gettext_noop("anxiety"), "depression": gettext_noop("depression")}


def score_hads(data: Mapping[str, Any]) -> Result:
    """Each subscale banded on its own; no 0-42 total, which the reference does not recommend."""
    subscales = {
        name: whole_number(data, name, low=0, high=21, unit="points") for name in HADS_SUBSCALES
    }
    bands: dict[str, str | None] = {}
    reasons = [
        ENTERED,
        Reason("no total: the two subscales are read separately [clinical-reference 1.4]"),
    ]
    for name, value in subscales.items():
        subscale_bands, subscale_reasons = classify_all(HADS.bandings, value)
        bands.update({f"{name}_{banding}": band for banding, band in subscale_bands.items()})
        reasons.extend(
            Reason("{subscale}: {reason}", subscale=HADS_LABELS[name], reason=reason)
            for reason in subscale_reasons
        )
    return Result(
        instrument=HADS.code,
        version=HADS.version,
        valid=True,
        bands=bands,
        subscales=subscales,
        reasons=tuple(reasons),
    )


HADS = Instrument(
    code="hads",
    name=gettext_noop("Hospital Anxiety and Depression Scale"),
    version="HADS subscale scores (Zigmond & Snaith 1983), entered; scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.LOWER,
    licence=Licence.LICENSED,
    source=ZIGMOND_1983,
    score=score_hads,
    fields={"anxiety": "points", "depression": "points"},
    # Each banding applies to each subscale (bands "anxiety_caseness", "depression_severity", …).
    bandings=(
        Banding(
            "caseness",
            ZIGMOND_1983,
            (
                Band("normal", gettext_noop("normal (non-case)"), min=0, max=7),
                Band("borderline", gettext_noop("borderline (doubtful case)"), min=8, max=10),
                Band("abnormal", gettext_noop("abnormal (definite case)"), min=11, max=21),
            ),
        ),
        Banding(
            "severity",
            Source("Snaith 2003, HQLO 1:29 (0-7 normal: Zigmond & Snaith 1983)", "1.4"),
            (
                Band("normal", gettext_noop("normal"), min=0, max=7),
                Band("mild", gettext_noop("mild"), min=8, max=10),
                Band("moderate", gettext_noop("moderate"), min=11, max=14),
                Band("severe", gettext_noop("severe"), min=15, max=21),
            ),
        ),
    ),
    mcid=1.5,  # per subscale, in COPD
    mcid_source=Source("Puhan et al. 2008 (from memory)", "1.4", unverified=True),
    range=(0, 21),  # each subscale
)


FALL_RISK = "fall_risk"


def score_abc(data: Mapping[str, Any]) -> Result:
    # The mean is shown to 1 dp and classified as shown (0.1.2). With whole-percent ratings the
    # mean of sixteen moves in steps of 1/16, so the rounding never crosses a whole-number cut-off.
    mean = round_half_up(number(data, "mean_percent", low=0, high=100, unit="%"), 1)
    result = measured_result(ABC, mean, ABC.bandings, reasons=(ENTERED,))
    at_risk = result.bands["fall_risk"] == "at_risk"
    return replace(result, flags=(FALL_RISK,)) if at_risk else result


ABC = Instrument(
    code="abc",
    name=gettext_noop("Activities-specific Balance Confidence scale"),
    version="ABC 16-item mean score, entered; scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.HIGHER,
    licence=Licence.LICENSED,
    source=Source("Powell & Myers 1995, J Gerontol 50A:M28", "1.10, 9"),
    score=score_abc,
    fields={"mean_percent": "%"},
    bandings=(
        Banding(
            "function",
            Source("Myers et al. 1998", "1.10"),
            (
                Band("low", gettext_noop("low physical functioning"), min=0, below=50),
                Band("moderate", gettext_noop("moderate physical functioning"), min=50, max=80),
                Band("high", gettext_noop("high physical functioning"), above=80, max=100),
            ),
        ),
        # Community-dwelling older adults; population-specific cut-offs exist (1.10).
        Banding(
            "fall_risk",
            Source("Lajoie & Gallagher 2004, Arch Gerontol Geriatr", "1.10"),
            (
                Band("at_risk", gettext_noop("at risk of falling"), min=0, below=67),
                Band("not_at_risk", gettext_noop("not at risk by this cut-off"), min=67, max=100),
            ),
        ),
    ),
    mcid=None,  # none in the reference
    range=(0, 100),
)


def score_borg(data: Mapping[str, Any]) -> Result:
    # Half values are for research only (clinical-reference 1.12): whole numbers here.
    return measured_result(
        BORG,
        whole_number(data, "rpe", low=6, high=20, unit="RPE points"),
        BORG.bandings,
        reasons=(ENTERED,),
    )


BORG = Instrument(
    code="borg",
    name=gettext_noop("Borg RPE 6-20"),
    version="Borg RPE 6-20, entered; scorer 1",
    kind=Kind.QUESTIONNAIRE,
    licence=Licence.LICENSED,
    source=Source("Borg RPE 6-20 (BorgPerception AB)", "1.12"),
    score=score_borg,
    fields={"rpe": "RPE points"},
    bandings=(
        # ACSM-style: moderate intensity is about RPE 12-13; no band elsewhere.
        Banding(
            "acsm_intensity",
            Source("ACSM-style mapping", "1.12", unverified=True),
            (Band("moderate", gettext_noop("moderate intensity"), min=12, max=13),),
        ),
    ),
    mcid=None,  # none in the reference
    range=(6, 20),
)
