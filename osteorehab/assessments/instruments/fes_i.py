"""Falls Efficacy Scale-International: concern about falling in physical and social activities.
Each item 1 not at all, 2 somewhat, 3 fairly, 4 very concerned; no reverse items.

FES-I (Yardley et al. 2005, Age Ageing 34:614): sixteen items, total 16-64.
Short FES-I (Kempen et al. 2008, Age Ageing 37:45): seven items, total 7-28.
Bands: Delbaere et al. 2010, Age Ageing 39:210. Source: clinical-reference 1.9.
Licence: free for researchers and clinicians, appropriately referenced; use the official
translations (sites.manchester.ac.uk/fes-i; clinical-reference 8).
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
    MissingRule,
    Reason,
    Result,
    Source,
    cited,
    classify_all,
    gettext_noop,
    item_answers,
)

YARDLEY_2005 = Source("Yardley et al. 2005, Age Ageing 34:614", "1.9")
KEMPEN_2008 = Source("Kempen et al. 2008, Age Ageing 37:45", "1.9")
DELBAERE_2010 = Source("Delbaere et al. 2010, Age Ageing 39:210", "1.9")
MANUAL = Source(
    "FES-I official scoring instructions (sites.manchester.ac.uk/fes-i), rounded up", "1.9, 7.2"
)

CONCERN_1_4 = (1, 2, 3, 4)
CONCERN_LABELS = {  # clinical-reference 1.9
    1: gettext_noop("Not at all concerned"),
    2: gettext_noop("Somewhat concerned"),
    3: gettext_noop("Fairly concerned"),
    4: gettext_noop("Very concerned"),
}


def prorated_score(instrument: Instrument, data: Mapping[str, Any]) -> Result:
    """The manual's rule: with at most `max_missing` items unanswered, the total is the sum of the
    answered items / their number x the item count, "rounded up to the nearest whole number" -
    read literally as the ceiling. awell-score rounds to the nearest instead, which can flip the
    band (22/13 x 16 = 27.08: 28 high, not 27 moderate; clinical-reference 1.9 and 7.2).
    Not base.sum_items, which rounds half up."""
    answers = item_answers(instrument, data)
    allowed = instrument.missing_rule.max_missing if instrument.missing_rule else 0
    missing = tuple(i.key for i, a in zip(instrument.items, answers, strict=True) if a is None)
    if len(missing) > allowed:
        reason = Reason(
            "not computable: {missing} item(s) unanswered, the manual allows {allowed}",
            missing=len(missing),
            allowed=allowed,
        )
        return Result(
            instrument.code, instrument.version, valid=False, missing=missing, reasons=(reason,)
        )
    answered = [a for a in answers if a is not None]
    count = len(instrument.items)
    total = -(-sum(answered) * count // len(answered))  # ceiling, in exact integer arithmetic
    reasons = []
    if missing:
        reasons.append(
            Reason(
                "{missing} item(s) unanswered: prorated {sum} / {answered} x {count} = "
                "{exact:.2f} -> {total} ({source})",
                missing=len(missing),
                sum=sum(answered),
                answered=len(answered),
                count=count,
                exact=sum(answered) * count / len(answered),
                total=total,
                source=cited(MANUAL),
            )
        )
    bands, band_reasons = classify_all(instrument.bandings, total)
    return Result(
        instrument=instrument.code,
        version=instrument.version,
        valid=True,
        total=float(total),
        band=bands[instrument.bandings[0].name],
        bands=bands,
        missing=missing,
        prorated=bool(missing),
        reasons=(*reasons, *band_reasons),
    )


def score_fes_i(data: Mapping[str, Any]) -> Result:
    return prorated_score(FES_I, data)


def score_short_fes_i(data: Mapping[str, Any]) -> Result:
    return prorated_score(SHORT_FES_I, data)


FES_I = Instrument(
    code="fes_i",
    name=gettext_noop("Falls Efficacy Scale-International"),
    version="FES-I 16-item (Yardley 2005); scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.LOWER,
    licence=Licence.FREE,
    source=YARDLEY_2005,
    score=score_fes_i,
    # The reference gives no item content: the form shows the official wording by number.
    items=tuple(
        Item(f"q{n}", f"Item {n}", CONCERN_1_4, option_labels=CONCERN_LABELS) for n in range(1, 17)
    ),
    bandings=(
        Banding(
            "concern",
            DELBAERE_2010,
            (
                Band("low", gettext_noop("low concern about falling"), min=16, max=19),
                Band("moderate", gettext_noop("moderate concern about falling"), min=20, max=27),
                Band("high", gettext_noop("high concern about falling"), min=28, max=64),
            ),
        ),
    ),
    # At most 4 unanswered; rounded up, by prorated_score (not base.sum_items, half up).
    missing_rule=MissingRule(4, MANUAL),
    mcid=None,  # not established (clinical-reference 1.9)
    range=(16, 64),
)

SHORT_FES_I = Instrument(
    code="short_fes_i",
    name=gettext_noop("Short FES-I"),
    version="Short FES-I 7-item (Kempen 2008); scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.LOWER,
    licence=Licence.FREE,
    source=KEMPEN_2008,
    score=score_short_fes_i,
    items=tuple(
        Item(f"q{n}", label, CONCERN_1_4, option_labels=CONCERN_LABELS)
        for n, label in enumerate(
            [
                gettext_noop("Getting dressed"),
                gettext_noop("Taking a bath or shower"),
                gettext_noop("Getting in or out of a chair"),
                gettext_noop("Going up or down stairs"),
                gettext_noop("Reaching for something"),
                gettext_noop("Walking on a slope"),
                gettext_noop("Going out to a social event"),
            ],
            start=1,
        )
    ),
    # In our own words (clinical-reference 1.9: concern about falling during each activity).
    instructions=gettext_noop("How concerned are you that you might fall when you do this?"),
    bandings=(
        Banding(
            "concern",
            DELBAERE_2010,
            (
                Band("low", gettext_noop("low concern about falling"), min=7, max=8),
                Band("moderate", gettext_noop("moderate concern about falling"), min=9, max=13),
                Band("high", gettext_noop("high concern about falling"), min=14, max=28),
            ),
        ),
    ),
    # At most 1 unanswered; rounded up, by prorated_score (not base.sum_items, half up).
    missing_rule=MissingRule(1, MANUAL),
    mcid=None,  # not established (clinical-reference 1.9)
    range=(7, 28),
)
