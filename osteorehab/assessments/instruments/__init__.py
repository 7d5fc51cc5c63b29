"""The instruments: one pure module each, collected here by code."""

from typing import Any

from .base import Instrument
from .phq9 import PHQ9

INSTRUMENTS: dict[str, Instrument] = {instrument.code: instrument for instrument in (PHQ9,)}

# One answer set per instrument, scored in docs/instruments.md to show its output.
EXAMPLES: dict[str, dict[str, Any]] = {
    "phq9": {"items": [2, 2, 2, 2, 2, 1, 1, 1, 1]},
}
