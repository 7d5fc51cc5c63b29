"""Five Times Sit to Stand (5xSTS): seconds to stand up five times from a chair about 43 cm high,
arms crossed, the watch stopped at the fifth stand (protocols that stop on the fifth sit are
not this test's norms). Lower is better. Compared with the Bohannon 2006 age norms and the
published cut-offs. Source: clinical-reference 2.10.
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
from .measurement import (
    AGE_FIELD,
    EWGSOP2,
    SECONDS_HIGH,
    SECONDS_LOW,
    AgeTable,
    age_years,
    norm_for,
)

BOHANNON_2006 = Source("Bohannon 2006, Percept Mot Skills 103:215", "2.10")
# Worse than average when the time exceeds the figure; no norm outside 60-89 years.
NORMS: AgeTable[float] = ((60, 69, 11.4), (70, 79, 12.6), (80, 89, 14.8))

FALL_RISK = Banding(
    "lusardi_2017",
    Source("Lusardi et al. 2017", "2.10"),
    (
        Band("not_raised", gettext_noop("below the cut-off"), below=12),
        Band("raised", gettext_noop("raised post-test fall probability"), min=12),
    ),
)
RECURRENT_FALLS = Banding(
    "buatois_2008",
    Source("Buatois et al. 2008", "2.10"),
    (
        Band("not_at_risk", gettext_noop("at or under the cut-off"), max=15),
        Band("at_risk", gettext_noop("risk of recurrent falls"), above=15),
    ),
)
LOW_STRENGTH = Banding(
    "ewgsop2",
    Source(EWGSOP2, "2.7, 2.10"),
    (
        Band("not_low", gettext_noop("not low muscle strength"), max=15),
        Band("low", gettext_noop("low muscle strength (probable sarcopenia)"), above=15),
    ),
)
MOBILITY_DISABILITY = Banding(
    "guralnik_2000",
    Source("Guralnik et al. 2000", "2.10"),
    (
        Band("not_at_risk", gettext_noop("below the cut-off"), below=13.6),
        Band("at_risk", gettext_noop("risk of mobility disability"), min=13.6),
    ),
)
FLAGS = {
    ("lusardi_2017", "raised"): "fall_risk",
    ("buatois_2008", "at_risk"): "recurrent_fall_risk",
    ("ewgsop2", "low"): "low_strength",
    ("guralnik_2000", "at_risk"): "mobility_disability_risk",
    ("bohannon_2006", "below_norm"): "below_norm",
}


def age_norm(norm: float) -> Banding:
    return Banding(
        "bohannon_2006",
        BOHANNON_2006,
        (
            Band("not_below_norm", gettext_noop("not worse than average"), max=norm),
            Band("below_norm", gettext_noop("worse than average for age"), above=norm),
        ),
    )


def score(data: Mapping[str, Any]) -> Result:
    seconds = number(data, "seconds", low=SECONDS_LOW, high=SECONDS_HIGH, unit="seconds")
    age = age_years(data)
    row = norm_for(NORMS, age)
    if row is None:
        norm = None
        bandings = FIVE_TIMES_SIT_TO_STAND.bandings
        reason = Reason(
            "no Bohannon 2006 norm for age {age} (60-89 only) [clinical-reference 2.10]", age=age
        )
    else:
        first, last, norm = row
        bandings = (*FIVE_TIMES_SIT_TO_STAND.bandings, age_norm(norm))
        reason = Reason(
            "Bohannon 2006 norm for ages {first}-{last}: worse than average if > {norm:g} s "
            "[clinical-reference 2.10]",
            first=first,
            last=last,
            norm=norm,
        )
    return measured_result(
        FIVE_TIMES_SIT_TO_STAND,
        seconds,
        bandings,
        flags=FLAGS,
        figures={"norm": norm},
        reasons=[reason],
    )


FIVE_TIMES_SIT_TO_STAND = Instrument(
    code="five_times_sit_to_stand",
    name=gettext_noop("Five Times Sit to Stand"),
    version="5xSTS (stop at the fifth stand); scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.LOWER,
    licence=Licence.FREE,
    source=BOHANNON_2006,
    score=score,
    fields={"seconds": "s, to the fifth stand", "age": AGE_FIELD},
    bandings=(FALL_RISK, RECURRENT_FALLS, LOW_STRENGTH, MOBILITY_DISABILITY),
    # Secondary sources (MEDIUM); the MDC is 3.6-4.2 s.
    mcid=2.3,
    mcid_source=Source("secondary sources quoted in the reference", "2.10"),
)
