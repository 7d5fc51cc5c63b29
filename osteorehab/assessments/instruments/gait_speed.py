"""Gait speed at usual pace: distance over time, in m/s (record the course length and whether
the start was static or dynamic). Entered as `distance_m` and `seconds`, or as `m_per_s`, and
rounded to 2 decimals before it is classified (clinical-reference 0.1.2), so 0.795 m/s is
0.80. Higher is better. Source: clinical-reference 2.6.

The reference quotes about 1.0 m/s as a threshold for adverse outcomes (LOW) without an
operator; it is left out rather than given an invented one.
"""

from collections.abc import Mapping
from typing import Any

from .base import (
    Band,
    Banding,
    Better,
    InputError,
    Instrument,
    Kind,
    Licence,
    Result,
    Source,
    gettext_noop,
    measured_result,
    number,
    round_half_up,
)
from .measurement import EWGSOP2, PERERA_2006, WFG_2022, given

CUT_OFF_M_S = 0.8
PERFORMANCE = Banding(
    "ewgsop2",
    Source(EWGSOP2, "2.6"),
    (
        Band("low", gettext_noop("low physical performance"), max=CUT_OFF_M_S),
        Band("not_low", gettext_noop("not low physical performance"), above=CUT_OFF_M_S),
    ),
)
# The reference flags the World Falls Guidelines operator (< 0.8 m/s) as LOW (2.6, 3.6).
GAIT_IMPAIRMENT = Banding(
    "wfg_2022",
    Source(WFG_2022, "2.6, 3.6", unverified=True),
    (
        Band("impaired", gettext_noop("gait impairment"), below=CUT_OFF_M_S),
        Band("not_impaired", gettext_noop("no gait impairment"), min=CUT_OFF_M_S),
    ),
)
FLAGS = {
    ("ewgsop2", "low"): "low_physical_performance",
    ("wfg_2022", "impaired"): "gait_impairment",
}

# Plausibility: courses run from 3 m in the clinic to a 400-m walk; slower than 1 cm/s is not
# walking and faster than 3 m/s is running, not usual pace.
DISTANCE_LOW, DISTANCE_HIGH = 1, 1000
SECONDS_LOW, SECONDS_HIGH = 1, 3600
SPEED_LOW, SPEED_HIGH = 0.01, 3.0


def speed(data: Mapping[str, Any]) -> float:
    """m/s to 2 decimals, from `m_per_s` or from `distance_m` and `seconds` (never both)."""
    if given(data, "m_per_s"):
        if given(data, "distance_m") or given(data, "seconds"):
            raise InputError(
                "m_per_s", "both_given", "give m_per_s or distance_m and seconds, not both"
            )
        m_per_s = number(data, "m_per_s", low=SPEED_LOW, high=SPEED_HIGH, unit="m/s")
        return round_half_up(m_per_s, 2)
    distance = number(data, "distance_m", low=DISTANCE_LOW, high=DISTANCE_HIGH, unit="m")
    seconds = number(data, "seconds", low=SECONDS_LOW, high=SECONDS_HIGH, unit="seconds")
    m_per_s = round_half_up(distance / seconds, 2)
    if not SPEED_LOW <= m_per_s <= SPEED_HIGH:
        raise InputError(
            "seconds",
            "implausible_speed",
            f"{distance:g} m in {seconds:g} s is {m_per_s:g} m/s, not a walking speed",
            low=SPEED_LOW,
            high=SPEED_HIGH,
        )
    return m_per_s


def score(data: Mapping[str, Any]) -> Result:
    m_per_s = speed(data)
    return measured_result(
        GAIT_SPEED,
        m_per_s,
        GAIT_SPEED.bandings,
        flags=FLAGS,
        figures={"m_per_s": m_per_s, "norm": CUT_OFF_M_S},
    )


GAIT_SPEED = Instrument(
    code="gait_speed",
    name=gettext_noop("Gait speed"),
    version="Gait speed (usual pace); scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=Source("speed = distance / time at usual pace", "2.6"),
    score=score,
    fields={"distance_m": "m", "seconds": "s", "m_per_s": "m/s, instead of distance and time"},
    bandings=(PERFORMANCE, GAIT_IMPAIRMENT),
    # Perera 2006: small meaningful change about 0.05 m/s; substantial about 0.10 m/s.
    mcid=0.05,
    mcid_source=Source(PERERA_2006, "2.6"),
)
