"""Single-item 0-10 ratings, given as {"items": [rating]}; the total is the rating itself.

pain_nrs: pain intensity, 0 no pain - 10 worst imaginable (clinical-reference 1.13).
effort: a generic, unbranded 0-10 effort or fatigue rating. Not the Borg scales, which need a
  licence and a fee; a generic 0-10 scale is the usual licence-free alternative (1.12, 8).
confidence: a 0-10 confidence rating for the rehabilitation programme; the reference has no
  published source, bands or MCID for it, so it has none.
All three are generic (no licence). An unanswered rating is not computable.
"""

from collections.abc import Mapping
from typing import Any

from .base import (
    Band,
    Banding,
    Better,
    Instrument,
    Item,
    Kind,
    Licence,
    Result,
    Source,
    gettext_noop,
    summed_result,
)

ZERO_TO_TEN = tuple(range(11))


def rating(
    *,
    code: str,
    name: str,
    label: str,
    source: Source,
    bandings: tuple[Banding, ...] = (),
    mcid: float | None = None,
    mcid_source: Source | None = None,
    loinc: str = "",
    better: Better | None = None,
) -> Instrument:
    """An instrument of one 0-10 item, scored as the answer."""

    def score(data: Mapping[str, Any]) -> Result:
        return summed_result(instrument, data)

    instrument = Instrument(
        code=code,
        name=name,
        version=f"{name}; scorer 1",
        kind=Kind.QUESTIONNAIRE,
        licence=Licence.FREE,
        source=source,
        score=score,
        items=(Item("rating", label, ZERO_TO_TEN, loinc=loinc),),
        bandings=bandings,
        mcid=mcid,
        mcid_source=mcid_source,
        loinc={"total": loinc} if loinc else {},
        range=(0, 10),
        better=better,
    )
    return instrument


# No universal pain banding: both published ones are kept; Boonstra (verified) is the primary.
PAIN_BOONSTRA = Banding(
    "boonstra",
    Source("Boonstra et al. 2016, Front Psychol 7:1466 (chronic musculoskeletal pain)", "1.13"),
    (
        Band("mild", gettext_noop("mild pain"), min=0, max=5),
        Band("moderate", gettext_noop("moderate pain"), min=6, max=7),
        Band("severe", gettext_noop("severe pain"), min=8, max=10),
    ),
)
PAIN_SERLIN = Banding(  # gives no band for 0
    "serlin",
    Source("Serlin et al. 1995 (from memory)", "1.13", unverified=True),
    (
        Band("mild", gettext_noop("mild pain"), min=1, max=4),
        Band("moderate", gettext_noop("moderate pain"), min=5, max=6),
        Band("severe", gettext_noop("severe pain"), min=7, max=10),
    ),
)

PAIN_NRS = rating(
    code="pain_nrs",
    name=gettext_noop("Pain NRS 0-10"),
    label=gettext_noop("Pain intensity, 0 no pain to 10 worst imaginable"),
    source=Source("Pain numeric rating scale 0-10 (generic)", "1.13"),
    bandings=(PAIN_BOONSTRA, PAIN_SERLIN),
    mcid=2,  # about 2 points, or about a 30 % reduction
    mcid_source=Source(
        "Farrar et al. 2001, Pain 94:149 (numbers from memory)", "1.13", unverified=True
    ),
    loinc="72514-3",  # the older code is 38208-5
    better=Better.LOWER,
)

TOO_FIT_TO_FRACTURE = Source(
    "Giangregorio et al. 2014, Osteoporos Int 25:821 (Too Fit To Fracture; PMC5101068 Table 4)",
    "1.12, 4.1",
)

EFFORT = rating(
    code="effort",
    name=gettext_noop("Effort 0-10"),
    label=gettext_noop("Effort or fatigue, 0 none to 10 maximal"),
    source=TOO_FIT_TO_FRACTURE,
    bandings=(
        # Aerobic work aims at 5-8 on a generic 0-10 effort scale.
        Banding(
            "aerobic_target",
            TOO_FIT_TO_FRACTURE,
            (
                Band("below", gettext_noop("below the aerobic target"), min=0, below=5),
                Band("target", gettext_noop("within the aerobic target"), min=5, max=8),
                Band("above", gettext_noop("above the aerobic target"), above=8, max=10),
            ),
        ),
        # Relative intensity on a 0-10 personal-capacity scale; gives no band outside 5-8.
        Banding(
            "who_intensity",
            Source("WHO 2020 physical-activity guidelines", "4.5", unverified=True),
            (
                Band("moderate", gettext_noop("moderate intensity"), min=5, max=6),
                Band("vigorous", gettext_noop("vigorous intensity"), min=7, max=8),
            ),
        ),
    ),
)

CONFIDENCE = rating(
    code="confidence",
    name=gettext_noop("Rehabilitation confidence 0-10"),
    label=gettext_noop("Confidence in the rehabilitation programme, 0 none to 10 complete"),
    source=Source("local generic 0-10 rating; no published source", "none"),
    better=Better.HIGHER,
)
