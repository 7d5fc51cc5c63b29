"""Short Physical Performance Battery (SPPB; Guralnik et al. 1994, J Gerontol 49:M85; NIA
protocol). Three sub-scores, each 0-4: standing balance, gait speed over 4 m (or 3 m), and five
chair stands; total 0-12 (higher is better). Each sub-score is scored from its timed results or,
as on the NIA score sheet, entered directly. Times are rounded to hundredths, the precision of
the protocol's tables, before they are scored. Source: clinical-reference 2.5.
Licence: NIA protocol, freely available (licence wording unconfirmed).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from .balance import HOLD_S, stances_held
from .base import (
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
    classify_all,
    gettext_noop,
    measured_result,
    number,
    round_half_up,
    whole_number,
)
from .measurement import EWGSOP2, PERERA_2006, SECONDS_HIGH, SECONDS_LOW, given

NIA = Source("Guralnik et al. 1994, J Gerontol 49:M85 (NIA protocol)", "2.5")
UNABLE = "unable"  # in place of a time: the patient could not do the test; scores 0

BALANCE = ("side_by_side_seconds", "semi_tandem_seconds", "tandem_seconds")
GAIT = ("gait_course_m", "gait_trial1_seconds", "gait_trial2_seconds")
CHAIR = ("chair_stands_seconds",)


TANDEM = Banding(
    "tandem",
    NIA,
    (
        Band("2", gettext_noop("2 points"), min=HOLD_S),
        Band("1", gettext_noop("1 point"), min=3, below=HOLD_S),
        Band("0", gettext_noop("0 points"), below=3),
    ),
)
GAIT_4M = Banding(
    "gait_4m",
    NIA,
    (
        Band("1", gettext_noop("1 point"), above=8.70),
        Band("2", gettext_noop("2 points"), min=6.21, max=8.70),
        Band("3", gettext_noop("3 points"), min=4.82, max=6.20),
        Band("4", gettext_noop("4 points"), below=4.82),
    ),
)
# Sources disagree whether exactly 3.62 s scores 3 or 4 (clinical-reference 7.9): scored 3 as
# the reference prints it, and flagged.
GAIT_3M = Banding(
    "gait_3m",
    Source("Guralnik et al. 1994, J Gerontol 49:M85 (NIA protocol), 3-m course", "2.5, 7.9"),
    (
        Band("1", gettext_noop("1 point"), above=6.52),
        Band("2", gettext_noop("2 points"), min=4.66, max=6.52),
        Band("3", gettext_noop("3 points"), min=3.62, max=4.65),
        Band("4", gettext_noop("4 points"), below=3.62),
    ),
)
DISPUTED_3M_S = 3.62
CHAIR_STANDS = Banding(
    "chair_stands",
    NIA,
    (
        Band("0", gettext_noop("0 points"), above=60),
        Band("1", gettext_noop("1 point"), min=16.70, max=60),
        Band("2", gettext_noop("2 points"), min=13.70, max=16.69),
        Band("3", gettext_noop("3 points"), min=11.20, max=13.69),
        Band("4", gettext_noop("4 points"), max=11.19),
    ),
)

CATEGORIES = Banding(
    "guralnik_1995",
    Source("Guralnik et al. 1995", "2.5"),
    (
        Band("0_3", gettext_noop("total 0-3"), min=0, max=3),
        Band("4_6", gettext_noop("total 4-6"), min=4, max=6),
        Band("7_9", gettext_noop("total 7-9"), min=7, max=9),
        Band("10_12", gettext_noop("total 10-12"), min=10, max=12),
    ),
)
PERFORMANCE = Banding(
    "ewgsop2",
    Source(EWGSOP2, "2.5"),
    (
        Band("low", gettext_noop("low physical performance"), max=8),
        Band("not_low", gettext_noop("not low physical performance"), min=9),
    ),
)
OUTCOMES = Banding(
    "below_10",
    Source("as given in the reference (primary source not named)", "2.5"),
    (
        Band("at_risk", gettext_noop("predicts mortality and mobility limitation"), below=10),
        Band("not_at_risk", gettext_noop("10 or more"), min=10),
    ),
)
FLAGS = {
    ("ewgsop2", "low"): "low_physical_performance",
    ("below_10", "at_risk"): "mobility_limitation_risk",
}


def timed(data: Mapping[str, Any], name: str) -> float | None:
    """Seconds rounded to hundredths, or None when the patient was unable."""
    if data.get(name) == UNABLE:
        return None
    seconds = number(data, name, low=SECONDS_LOW, high=SECONDS_HIGH, unit='seconds or "unable"')
    return round_half_up(seconds, 2)


def direct(data: Mapping[str, Any], name: str, timed_fields: Sequence[str]) -> int | None:
    """A sub-score entered directly, or None when it is to be scored from the timed results;
    never both, so that two disagreeing entries are not silently reconciled."""
    if not given(data, name):
        return None
    if any(given(data, field) for field in timed_fields):
        raise InputError(
            name, "both_given", f"give {name} or the timed results ({', '.join(timed_fields)})"
        )
    return whole_number(data, name, low=0, high=4, unit="points")


def scored(banding: Banding, seconds: float | None, unable: Reason) -> tuple[int, list[Reason]]:
    if seconds is None:
        return 0, [unable]
    bands, reasons = classify_all([banding], seconds)
    return int(bands[banding.name] or 0), reasons


def balance(data: Mapping[str, Any]) -> tuple[int, list[Reason]]:
    entered = direct(data, "balance_score", BALANCE)
    if entered is not None:
        return entered, [Reason("balance sub-score entered: {points}", points=entered)]
    side_by_side, semi_tandem, tandem = stances_held(data, BALANCE)
    held = (side_by_side == HOLD_S) + (semi_tandem == HOLD_S)
    reasons = [
        Reason(
            "side-by-side and semi-tandem stances: {held} of 2 held {hold} s, 1 point each",
            held=held,
            hold=HOLD_S,
        )
    ]
    tandem_points, tandem_reasons = scored(
        TANDEM, tandem, Reason("tandem stance not attempted: 0 points [clinical-reference 2.5]")
    )
    return held + tandem_points, reasons + tandem_reasons


def gait(data: Mapping[str, Any]) -> tuple[int, list[Reason], dict[str, Any]]:
    entered = direct(data, "gait_score", GAIT)
    if entered is not None:
        figures: dict[str, Any] = {"gait_course_m": None, "gait_seconds": None}
        return entered, [Reason("gait sub-score entered: {points}", points=entered)], figures
    course = whole_number(data, "gait_course_m", low=3, high=4, unit="m (3 or 4)")
    trials = [timed(data, "gait_trial1_seconds")]
    if given(data, "gait_trial2_seconds"):
        trials.append(timed(data, "gait_trial2_seconds"))
    times = [seconds for seconds in trials if seconds is not None]
    fastest = min(times) if times else None
    banding = GAIT_3M if course == 3 else GAIT_4M
    gait_points, reasons = scored(
        banding, fastest, Reason("unable to walk the course: 0 points [clinical-reference 2.5]")
    )
    return gait_points, reasons, {"gait_course_m": course, "gait_seconds": fastest}


def chair_stands(data: Mapping[str, Any]) -> tuple[int, list[Reason]]:
    entered = direct(data, "chair_stand_score", CHAIR)
    if entered is not None:
        return entered, [Reason("chair-stand sub-score entered: {points}", points=entered)]
    unable = Reason(
        "unable, or the pre-test stand without arms failed: 0 points [clinical-reference 2.5]"
    )
    return scored(CHAIR_STANDS, timed(data, "chair_stands_seconds"), unable)


def score(data: Mapping[str, Any]) -> Result:
    balance_points, balance_reasons = balance(data)
    gait_points, gait_reasons, figures = gait(data)
    chair_points, chair_reasons = chair_stands(data)
    disputed = figures.get("gait_course_m") == 3 and figures.get("gait_seconds") == DISPUTED_3M_S
    if disputed:
        gait_reasons.append(
            Reason(
                "3-m gait time exactly 3.62 s: sources disagree whether this scores 3 or 4; "
                "scored 3 as the reference prints it [clinical-reference 7.9]"
            )
        )
    return measured_result(
        SPPB,
        balance_points + gait_points + chair_points,
        SPPB.bandings,
        flags=FLAGS,
        other_flags=["boundary_disputed"] if disputed else [],
        subscales={"balance": balance_points, "gait": gait_points, "chair_stands": chair_points},
        figures=figures,
        reasons=[*balance_reasons, *gait_reasons, *chair_reasons],
    )


TIME_OR_UNABLE = 's, or "unable"'
SPPB = Instrument(
    code="sppb",
    name=gettext_noop("Short Physical Performance Battery"),
    version="SPPB (Guralnik 1994, NIA protocol); scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=NIA,
    score=score,
    fields={
        "side_by_side_seconds": "s held, 0-10",
        "semi_tandem_seconds": "s held, 0-10 (empty if not attempted)",
        "tandem_seconds": "s held, 0-10 (empty if not attempted)",
        "balance_score": "points 0-4, instead of the three stances",
        "gait_course_m": "m, 3 or 4",
        "gait_trial1_seconds": TIME_OR_UNABLE,
        "gait_trial2_seconds": f"{TIME_OR_UNABLE}, optional (the faster trial counts)",
        "gait_score": "points 0-4, instead of the course and trials",
        "chair_stands_seconds": f"{TIME_OR_UNABLE} (also when the pre-test stand fails)",
        "chair_stand_score": "points 0-4, instead of the time",
    },
    bandings=(CATEGORIES, PERFORMANCE, OUTCOMES),
    # Perera 2006: small meaningful change about 0.5 point; substantial about 1.0 point.
    mcid=0.5,
    mcid_source=Source(PERERA_2006, "2.5"),
    loinc={"panel": "62825-5", "balance": "66253-6"},
    range=(0, 12),
)
