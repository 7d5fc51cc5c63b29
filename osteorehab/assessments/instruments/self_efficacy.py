"""Two self-efficacy scales scored as the mean of their items, with the sum scale beside it.

GSE, General Self-Efficacy Scale (Schwarzer & Jerusalem 1995): ten items 1-4 (not at all true
… exactly true), no reverse items; mean 1-4, sum 10-40. Source: clinical-reference 1.5.
Licence: free for non-commercial research and development; ask the authors before selling (8).

SEE, Self-Efficacy for Exercise (Resnick & Jenkins 2000, Nurs Res 49:154): confidence to keep
exercising despite nine barriers, each 0 (not confident) - 10 (very confident); mean 0-10, sum
0-90. Source: clinical-reference 1.7. Licence: listed as free (8).

Neither scale has a published cut-off or MCID, so neither has a band.
"""

from collections.abc import Mapping
from typing import Any

from .base import (
    Better,
    Instrument,
    Item,
    Kind,
    Licence,
    MissingRule,
    Reason,
    Result,
    Source,
    cited,
    gettext_noop,
    item_answers,
    plain,
    round_half_up,
    sum_items,
)

SCHWARZER_1995 = Source(
    "Schwarzer & Jerusalem 1995, Measures in health psychology (NFER-NELSON)", "1.5"
)
RESNICK_2000 = Source("Resnick & Jenkins 2000, Nurs Res 49:154", "1.7")


GSE_LABELS = {  # clinical-reference 1.5
    1: gettext_noop("Not at all true"),
    2: gettext_noop("Hardly true"),
    3: gettext_noop("Moderately true"),
    4: gettext_noop("Exactly true"),
}
SEE_LABELS = {0: gettext_noop("Not confident"), 10: gettext_noop("Very confident")}  # 1.7


def mean_scored(instrument: Instrument, data: Mapping[str, Any], reason: Reason) -> Result:
    """The total is the mean of the answered items (to 2 dp); `sum` is the sum scale, prorated
    under the instrument's missing-item rule. The mean is what is displayed."""
    answers = item_answers(instrument, data)
    total_sum, missing, prorated, reasons = sum_items(instrument, answers)
    if total_sum is None:
        return Result(
            instrument.code,
            instrument.version,
            valid=False,
            missing=missing,
            reasons=tuple(reasons),
        )
    answered = [answer for answer in answers if answer is not None]
    return Result(
        instrument=instrument.code,
        version=instrument.version,
        valid=True,
        total=round_half_up(sum(answered) / len(answered), 2),
        figures={"sum": plain(total_sum), "displayed": "mean"},
        missing=missing,
        prorated=prorated,
        reasons=(*reasons, reason),
    )


def score_gse(data: Mapping[str, Any]) -> Result:
    return mean_scored(
        GSE,
        data,
        Reason(
            "no cut-off: the authors do not endorse classing people as high or low ({source})",
            source=cited(SCHWARZER_1995),
        ),
    )


def score_see(data: Mapping[str, Any]) -> Result:
    return mean_scored(SEE, data, Reason("no published cut-off [clinical-reference 1.7]"))


GSE = Instrument(
    code="gse",
    name=gettext_noop("General Self-Efficacy Scale"),
    version="GSE 10-item (Schwarzer & Jerusalem 1995); scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.HIGHER,
    licence=Licence.ASK,
    source=SCHWARZER_1995,
    score=score_gse,
    # The reference gives no item content: the form shows the authors' wording by number.
    items=tuple(
        Item(f"q{n}", f"Item {n}", (1, 2, 3, 4), option_labels=GSE_LABELS) for n in range(1, 11)
    ),
    # Authors' rule of thumb: score when no more than 3 of the 10 items are missing (SPSS
    # MEAN.7); the sum scale is then mean x 10, shown to 1 dp as the mean is to 2 dp.
    missing_rule=MissingRule(3, Source("Schwarzer, GSE FAQ (MEAN.7)", "1.5"), decimals=1),
    mcid=None,  # none published (clinical-reference 1.5)
    range=(1, 4),
)

SEE = Instrument(
    code="see",
    name=gettext_noop("Self-Efficacy for Exercise"),
    version="SEE 9-item (Resnick & Jenkins 2000); scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.HIGHER,
    licence=Licence.FREE,
    source=RESNICK_2000,
    score=score_see,
    items=tuple(
        Item(f"q{n}", label, tuple(range(11)), option_labels=SEE_LABELS)
        for n, label in enumerate(
            [
                gettext_noop("Weather bothering you"),
                gettext_noop("Bored by the programme"),
                gettext_noop("Pain when exercising"),
                gettext_noop("Exercising alone"),
                gettext_noop("Not enjoying it"),
                gettext_noop("Too busy"),
                gettext_noop("Feeling tired"),
                gettext_noop("Feeling stressed"),
                gettext_noop("Feeling depressed"),
            ],
            start=1,
        )
    ),
    # The reference gives no rule for unanswered items (total = sum / number of responses, but
    # no limit on how many may be missing): any missing item makes it not computable (0.1.3).
    missing_rule=None,
    mcid=None,  # none published (clinical-reference 1.7)
    range=(0, 10),
    # In our own words (clinical-reference 1.7: confidence to exercise 3 times a week, 20 minutes,
    # despite each barrier).
    instructions=gettext_noop(
        "How sure are you that you could still exercise 3 times a week for 20 minutes if:"
    ),
)
