"""GAD-7, Generalized Anxiety Disorder scale (Spitzer et al. 2006, Arch Intern Med 166:1092).
Anxiety symptoms over the last two weeks; seven items scored 0-3, total 0-21, no reverse items.
Source: clinical-reference 1.2 (GAD-7). Licence: free, no permission required (8).

The 0 anchor is "not at all": many publications misprint it as "not at all sure" (Zorowitz et al.
2021, Lancet Psychiatry 8:180; clinical-reference 1.2 and 7.6).
"""

from collections.abc import Mapping
from typing import Any

from .base import (
    FREQUENCY_0_3,
    FREQUENCY_LABELS,
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

SPITZER_2006 = Source("Spitzer et al. 2006, Arch Intern Med 166:1092", "1.2")

ITEMS = tuple(
    Item(f"q{n}", label, FREQUENCY_0_3, option_labels=FREQUENCY_LABELS)
    for n, label in enumerate(
        [
            gettext_noop("Nervous, anxious or on edge"),
            gettext_noop("Cannot stop or control worrying"),
            gettext_noop("Worrying too much about different things"),
            gettext_noop("Trouble relaxing"),
            gettext_noop("Restless, hard to sit still"),
            gettext_noop("Easily annoyed or irritable"),
            gettext_noop("Afraid something awful might happen"),
        ],
        start=1,
    )
)

SEVERITY = Banding(
    "severity",
    SPITZER_2006,
    (
        Band("minimal", gettext_noop("minimal"), min=0, max=4),
        Band("mild", gettext_noop("mild"), min=5, max=9),
        Band("moderate", gettext_noop("moderate"), min=10, max=14),
        Band("severe", gettext_noop("severe"), min=15, max=21),
    ),
)
SCREEN = Banding(
    "screen",
    SPITZER_2006,
    (
        Band("negative", gettext_noop("below the screening cut-off"), below=10),
        Band("positive", gettext_noop("screen positive for generalised anxiety"), min=10),
    ),
)


def score(data: Mapping[str, Any]) -> Result:
    return summed_result(GAD7, data)


GAD7 = Instrument(
    code="gad7",
    name=gettext_noop("GAD-7"),
    version="GAD-7 (Spitzer 2006); scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.LOWER,
    licence=Licence.FREE,
    source=SPITZER_2006,
    score=score,
    items=ITEMS,
    bandings=(SEVERITY, SCREEN),
    # The reference found no manual rule for unanswered items: any missing item makes the
    # total not computable (clinical-reference 0.1.3, 1.2).
    missing_rule=None,
    mcid=4,
    mcid_source=Source("Toussaint et al. 2020 (from memory)", "1.2", unverified=True),
    loinc={"panel": "69737-5", "total": "70274-6"},
    range=(0, 21),
    # The GAD-7's own question (free to reproduce, clinical-reference 1.2 and 8).
    instructions=gettext_noop(
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
)
