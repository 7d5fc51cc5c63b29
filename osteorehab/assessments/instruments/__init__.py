"""The instruments: one pure module each, collected here by code."""

from .base import Instrument
from .phq9 import PHQ9

INSTRUMENTS: dict[str, Instrument] = {instrument.code: instrument for instrument in (PHQ9,)}
