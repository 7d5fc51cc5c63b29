"""FRAX (University of Sheffield; Kanis et al.): a record of 10-year probabilities of a major
osteoporotic and of a hip fracture, calculated ELSEWHERE with the official FRAX tool.
Source: clinical-reference 3.4 and 8. Licence: proprietary — the algorithm is unpublished and
"FRAX" is a trademark, so this module computes nothing: do not re-implement or scrape FRAX;
link out to the calculator (the exact licensing terms are LOW confidence in the reference).
"""

from collections.abc import Mapping
from typing import Any

from .base import (
    YES_NO,
    Instrument,
    Kind,
    Licence,
    Reason,
    Result,
    Source,
    gettext_noop,
    number,
    yes_no,
)

KANIS = Source("FRAX, University of Sheffield (Kanis et al.), official web tool", "3.4")
# The reference's tool page is sheffield.ac.uk/FRAX/tool.aspx; it names frax.shef.ac.uk (and
# fraxplus.org) as the current home (clinical-reference 9).
CALCULATOR_URL = "https://frax.shef.ac.uk/"
PROBABILITIES = ("major_osteoporotic_10y_percent", "hip_10y_percent")


def score(data: Mapping[str, Any]) -> Result:
    major, hip = (number(data, name, low=0, high=100, unit="%") for name in PROBABILITIES)
    with_bmd = yes_no(data, "with_bmd") if data.get("with_bmd") is not None else None
    how = {
        True: gettext_noop("with femoral-neck BMD"),
        False: gettext_noop("without BMD"),
        None: gettext_noop("BMD use not recorded"),
    }
    return Result(
        instrument=FRAX.code,
        version=FRAX.version,
        valid=True,
        total=major,
        figures={
            "major_osteoporotic_10y_percent": major,
            "hip_10y_percent": hip,
            "with_bmd": with_bmd,
            "calculator_url": CALCULATOR_URL,
        },
        reasons=(
            Reason(
                "FRAX 10-year probabilities as recorded from the official calculator ({how}): "
                "major osteoporotic fracture {major:g} %, hip fracture {hip:g} %; not computed "
                "here — FRAX is proprietary [clinical-reference 3.4, 8]",
                how=how[with_bmd],
                major=major,
                hip=hip,
            ),
        ),
    )


FRAX = Instrument(
    code="frax",
    name=gettext_noop("FRAX (recorded from the official calculator)"),
    version="FRAX, recorded value; no computation",
    kind=Kind.CALCULATION,
    licence=Licence.LICENSED,
    source=KANIS,
    score=score,
    fields={
        "major_osteoporotic_10y_percent": "% (0-100), from the FRAX calculator",
        "hip_10y_percent": "% (0-100), from the FRAX calculator",
        "with_bmd": f"{YES_NO}, optional: calculated with femoral-neck BMD",
    },
    range=(0, 100),
)
