"""4-Stage Balance Test (CDC STEADI). Four stances, each held for 10 s, in order: feet side by
side; semi-tandem (instep touching the big toe); tandem (heel to toe); single leg. The test
stops at the first stance not held 10 s (feet moved or support used). An older adult who cannot
hold the tandem stance for at least 10 s is at increased risk of falling; failing only the
single-leg stance does not count. Total: the stances held 10 s, 0-4.
Source: clinical-reference 2.3. Licence: public (CDC).
"""

from collections.abc import Mapping, Sequence
from typing import Any

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
    gettext_noop,
    measured_result,
    number,
)
from .measurement import given

STEADI = Source("CDC STEADI 4-Stage Balance Test", "2.3")
HOLD_S = 10  # each stance is held 10 s, here and in the SPPB balance tests (2.5)
STAGES = ("stage1_seconds", "stage2_seconds", "stage3_seconds", "stage4_seconds")
TANDEM = 3  # the third stance

# Stances stop at the first one not held, so "tandem held 10 s" is "at least 3 stances held".
FALL_RISK = Banding(
    "steadi",
    STEADI,
    (
        Band("at_risk", gettext_noop("tandem stance not held 10 s: increased fall risk"), max=2),
        Band("not_at_risk", gettext_noop("tandem stance held 10 s"), min=TANDEM),
    ),
)


def stances_held(data: Mapping[str, Any], names: Sequence[str]) -> list[float | None]:
    """Seconds each stance was held, in test order (0-10); None for the stances after the first
    one not held 10 s, which are not attempted. A stance that is attempted is required, and one
    after the stop is refused, so that a slip in data entry cannot pass unnoticed."""
    held: list[float | None] = []
    stopped = False
    for name in names:
        if stopped:
            if given(data, name):
                raise InputError(
                    name,
                    "not_attempted",
                    f"{name}: the test stops at the first stance not held {HOLD_S} s",
                )
            held.append(None)
        else:
            seconds = number(data, name, low=0, high=HOLD_S, unit="seconds")
            held.append(seconds)
            stopped = seconds < HOLD_S
    return held


def score(data: Mapping[str, Any]) -> Result:
    held = stances_held(data, STAGES)
    stances = sum(seconds == HOLD_S for seconds in held)
    tandem = held[TANDEM - 1]
    if tandem is None:
        reason = Reason(
            "tandem stance not attempted: stage {stage} was not held {hold} s",
            stage=stances + 1,
            hold=HOLD_S,
        )
    else:
        reason = Reason(
            "tandem stance held {held:g} s; the STEADI rule needs {hold} s",
            held=tandem,
            hold=HOLD_S,
        )
    return measured_result(
        FOUR_STAGE,
        stances,
        FOUR_STAGE.bandings,
        flags={("steadi", "at_risk"): "fall_risk"},
        figures={"tandem_seconds": tandem, "norm": HOLD_S},
        reasons=[reason],
    )


FOUR_STAGE = Instrument(
    code="four_stage_balance",
    name=gettext_noop("4-Stage Balance Test"),
    version="4-Stage Balance Test (CDC STEADI); scorer 1",
    kind=Kind.MEASUREMENT,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=STEADI,
    score=score,
    fields={
        "stage1_seconds": "s held, 0-10: feet side by side",
        "stage2_seconds": "s held, 0-10: semi-tandem (empty if not attempted)",
        "stage3_seconds": "s held, 0-10: tandem (empty if not attempted)",
        "stage4_seconds": "s held, 0-10: single leg (empty if not attempted)",
    },
    bandings=(FALL_RISK,),
    range=(0, 4),
)
