"""Tampa Scale for Kinesiophobia: fear of movement and of (re)injury.

TSK-17 (Vlaeyen et al. 1995, Pain 62:363): seventeen items, 1 strongly disagree - 4 strongly
agree; items 4, 8, 12 and 16 reverse-keyed (5 - answer); total 17-68.
TSK-11 (Woby et al. 2005, Pain 117:137): TSK-17 without items 4, 8, 9, 12, 14 and 16 (all the
reverse-keyed items, and 9 and 14), no reverse scoring; total 11-44; no validated cut-off.
Source: clinical-reference 1.8. Licence: not stated; widely reproduced, confirm before selling (8).
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
    Reason,
    Result,
    Source,
    gettext_noop,
    summed_result,
)

VLAEYEN_1995 = Source("Vlaeyen et al. 1995, Pain 62:363", "1.8")
WOBY_2005 = Source("Woby et al. 2005, Pain 117:137", "1.8")

AGREEMENT_1_4 = (1, 2, 3, 4)
# The reference names the end points (clinical-reference 1.8).
AGREEMENT_LABELS = {1: gettext_noop("Strongly disagree"), 4: gettext_noop("Strongly agree")}
REVERSE = {4, 8, 12, 16}
TSK11_FROM_TSK17 = (1, 2, 3, 5, 6, 7, 10, 11, 13, 15, 17)  # TSK-17 numbers of the TSK-11 items

# The reference gives no item content: the form shows the published wording by number.
TSK17_ITEMS = tuple(
    Item(f"q{n}", f"Item {n}", AGREEMENT_1_4, reverse=n in REVERSE, option_labels=AGREEMENT_LABELS)
    for n in range(1, 18)
)
# Numbered 1-11 as on the TSK-11 form; the label keeps the TSK-17 number.
TSK11_ITEMS = tuple(
    Item(f"q{n}", f"Item {n} (TSK-17 item {m})", AGREEMENT_1_4, option_labels=AGREEMENT_LABELS)
    for n, m in enumerate(TSK11_FROM_TSK17, start=1)
)

# Vlaeyen: high kinesiophobia is a total > 37. awell-score's code flags >= 37, against its own
# README and the paper (clinical-reference 1.8 and 7.1): 37 is not high.
KINESIOPHOBIA = Banding(
    "kinesiophobia",
    VLAEYEN_1995,
    (
        Band("not_high", gettext_noop("not high kinesiophobia"), min=17, max=37),
        Band("high", gettext_noop("high kinesiophobia"), above=37, max=68),
    ),
)


def score_tsk17(data: Mapping[str, Any]) -> Result:
    return summed_result(TSK17, data)


def score_tsk11(data: Mapping[str, Any]) -> Result:
    return summed_result(
        TSK11,
        data,
        reasons=[Reason("no validated TSK-11 cut-off: no band [clinical-reference 1.8]")],
    )


# Neither version has an official rule for unanswered items: any missing item makes the total
# not computable (clinical-reference 0.1.3, 1.8).
TSK17 = Instrument(
    code="tsk17",
    name=gettext_noop("Tampa Scale for Kinesiophobia (17 items)"),
    version="TSK-17 (Vlaeyen 1995); scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.LOWER,
    licence=Licence.ASK,
    source=VLAEYEN_1995,
    score=score_tsk17,
    items=TSK17_ITEMS,
    bandings=(KINESIOPHOBIA,),
    mcid=4,  # a reduction of >= 4 points, for both versions (clinical-reference 1.8)
    mcid_source=WOBY_2005,
    range=(17, 68),
    instructions=gettext_noop("How much do you agree with this statement?"),
)

TSK11 = Instrument(
    code="tsk11",
    name=gettext_noop("Tampa Scale for Kinesiophobia (11 items)"),
    version="TSK-11 (Woby 2005); scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.LOWER,
    licence=Licence.ASK,
    source=WOBY_2005,
    score=score_tsk11,
    items=TSK11_ITEMS,
    mcid=4,  # a reduction of >= 4 points, for both versions (clinical-reference 1.8)
    mcid_source=WOBY_2005,
    range=(11, 44),
)
