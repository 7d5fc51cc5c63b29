"""PHQ-9, Patient Health Questionnaire (Kroenke, Spitzer & Williams 2001, J Gen Intern Med
16:606). Depressive symptoms over the last two weeks; nine items scored 0-3, total 0-27.
Source: clinical-reference 1.1 (PHQ-9). Licence: free, no permission required.
"""

import operator
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
    MissingRule,
    Reason,
    Result,
    Source,
    gettext_noop,
    item_answers,
    summed_result,
)

KROENKE_2001 = Source("Kroenke, Spitzer & Williams 2001, J Gen Intern Med 16:606", "1.1")
SPITZER_1999 = Source("Spitzer et al. 1999, JAMA 282:1737 (as coded in CamCOPS phq9.py)", "1.1")

ITEMS = tuple(
    Item(f"q{n}", label, FREQUENCY_0_3, loinc=loinc, option_labels=FREQUENCY_LABELS)
    for n, (label, loinc) in enumerate(
        [
            (gettext_noop("Little interest or pleasure"), "44250-9"),
            (gettext_noop("Feeling down or hopeless"), "44255-8"),
            (gettext_noop("Sleep problems"), "44259-0"),
            (gettext_noop("Tired, little energy"), "44254-1"),
            (gettext_noop("Appetite problems"), "44251-7"),
            (gettext_noop("Feeling bad about yourself"), "44258-2"),
            (gettext_noop("Trouble concentrating"), "44252-5"),
            (gettext_noop("Moving or speaking slowly, or restless"), "44253-3"),
            (gettext_noop("Thoughts of being better off dead or of self-harm"), "44260-8"),
        ],
        start=1,
    )
)

SEVERITY = Banding(
    "severity",
    KROENKE_2001,
    (
        Band("minimal", gettext_noop("none or minimal"), min=0, max=4),
        Band("mild", gettext_noop("mild"), min=5, max=9),
        Band("moderate", gettext_noop("moderate"), min=10, max=14),
        Band("moderately_severe", gettext_noop("moderately severe"), min=15, max=19),
        Band("severe", gettext_noop("severe"), min=20, max=27),
    ),
)
SCREEN = Banding(
    "screen",
    KROENKE_2001,
    (
        Band("negative", gettext_noop("below the screening cut-off"), below=10),
        Band("positive", gettext_noop("screen positive for major depression"), min=10),
    ),
)

# Item 9 > 0 needs an immediate clinical risk assessment, whatever the total; unanswered, the
# safety state is unknown and must be followed up (clinical-reference 1.1, item-9 safety rule).
ITEM9_POSITIVE = "item9_positive"
ITEM9_UNKNOWN = "item9_unanswered"
ITEM9_REASONS = {
    ITEM9_POSITIVE: Reason(
        "item 9 answered above 0: urgent clinical risk assessment [clinical-reference 1.1]"
    ),
    ITEM9_UNKNOWN: Reason(
        "item 9 unanswered: the safety state is unknown; follow up [clinical-reference 1.1]"
    ),
}


SYMPTOM_AT = (2, 2, 2, 2, 2, 2, 2, 2, 1)  # Spitzer 1999: items 1-8 count at >= 2, item 9 at >= 1


def _syndrome(answers: list[Any]) -> str | None:
    """Spitzer 1999: a symptom counts at >= 2 (item 9 at >= 1); major depressive syndrome is
    >= 5 counted including item 1 or 2; other depressive syndrome 2-4 including item 1 or 2.
    Undecidable when an item is unanswered."""
    if None in answers:
        return None
    core = answers[0] >= SYMPTOM_AT[0] or answers[1] >= SYMPTOM_AT[1]
    symptoms = sum(map(operator.ge, answers, SYMPTOM_AT))
    if core and symptoms >= 5:
        return "major"
    if core and 2 <= symptoms <= 4:
        return "other"
    return "none"


def score(data: Mapping[str, Any]) -> Result:
    answers = item_answers(PHQ9, data)
    item9 = answers[8]
    flags = [ITEM9_UNKNOWN] if item9 is None else [ITEM9_POSITIVE] if item9 > 0 else []
    reasons = [ITEM9_REASONS[flag] for flag in flags]
    syndrome = _syndrome(answers)
    return summed_result(
        PHQ9,
        data,
        answers=answers,
        flags=flags,
        reasons=reasons,
        figures={"syndrome": syndrome, "syndrome_source": SPITZER_1999.citation},
    )


PHQ9 = Instrument(
    code="phq9",
    name=gettext_noop("PHQ-9"),
    version="PHQ-9 (Kroenke 2001); scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.LOWER,
    licence=Licence.FREE,
    source=KROENKE_2001,
    score=score,
    items=ITEMS,
    bandings=(SEVERITY, SCREEN),
    # No manual rule; the reference records a research convention (qscorer, Arrieta et al.
    # 2017): prorate when <= 2 items are missing. A local convention, flagged as such.
    missing_rule=MissingRule(
        2,
        Source("research convention (qscorer, citing Arrieta et al. 2017)", "1.1", unverified=True),
    ),
    mcid=5,
    mcid_source=Source("Löwe et al. 2004, Med Care 42:1194", "1.1"),
    loinc={"panel": "44249-1", "total": "44261-6", "item9": "44260-8"},
    range=(0, 27),
    # The PHQ-9's own question (free to reproduce, clinical-reference 1.1 and 8).
    instructions=gettext_noop(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
)
