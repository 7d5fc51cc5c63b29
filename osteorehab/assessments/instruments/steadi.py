"""CDC STEADI fall-risk screens (clinical-reference 3.5). Licence: US government, public domain.

- Stay Independent brochure (Rubenstein et al. 2011, J Safety Res 42:493): 12 yes/no items; a
  "yes" to item 1 or 2 scores 2 points, to items 3-12 1 point; total 0-14; total >= 4 may be at
  risk for falling.
- The 3 key questions (fell in the past year, unsteady, worried about falling): any "yes" is
  screened at risk.

Neither has a missing-item rule, so an unanswered item makes the total not computable
(clinical-reference 0.1.3). Unanswered items can only add points, though: when the answered
items already reach the cut-off the screen is positive, and the result says so.
"""

from collections.abc import Mapping, Sequence
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
    cited,
    classify_all,
    gettext_noop,
    item_answers,
    item_score,
)

RUBENSTEIN_2011 = Source("Rubenstein et al. 2011, J Safety Res 42:493 (CDC STEADI)", "3.5")
CDC_STEADI = Source("CDC STEADI algorithm, 3 key questions", "3.5")
YES_NO_ANSWERS = ("yes", "no")
SCREEN_POSITIVE = "fall_risk_screen_positive"


def _items(labels: Sequence[str]) -> tuple[Item, ...]:
    return tuple(Item(f"q{n}", label, YES_NO_ANSWERS) for n, label in enumerate(labels, start=1))


def _screen(instrument: Instrument, points: Sequence[int], data: Mapping[str, Any]) -> Result:
    """A yes/no screen: the points of the "yes" answers summed and banded; a partly answered
    form is not computable, but still positive when its answered points reach the cut-off."""
    screen = instrument.bandings[0]
    at_risk = next(band for band in screen.bands if band.code == "at_risk")
    answers = item_answers(instrument, data)
    scored = [
        weight * item_score(item, answer)
        for item, weight, answer in zip(instrument.items, points, answers, strict=True)
        if answer is not None
    ]
    missing = tuple(
        item.key for item, a in zip(instrument.items, answers, strict=True) if a is None
    )
    points_so_far = sum(scored)
    if missing:
        reasons = [
            Reason(
                "total not computable: {missing} item(s) unanswered and the screen has no "
                "missing-item rule [clinical-reference 0.1.3]",
                missing=len(missing),
            )
        ]
        band = at_risk.code if at_risk.contains(points_so_far) else None
        if band:
            reasons.append(
                Reason(
                    "the answered items already total {points}, {limits}: {band} whatever the "
                    "unanswered ones, {source}",
                    points=points_so_far,
                    limits=at_risk.describe(),
                    band=at_risk.label,
                    source=cited(screen.source),
                )
            )
        bands: dict[str, str | None] = {screen.name: band}
    else:
        bands, reasons = classify_all(instrument.bandings, points_so_far)
        band = bands[screen.name]
    return Result(
        instrument=instrument.code,
        version=instrument.version,
        valid=not missing,
        total=None if missing else float(points_so_far),
        band=band,
        bands=bands,
        flags=(SCREEN_POSITIVE,) if band == at_risk.code else (),
        missing=missing,
        reasons=tuple(reasons),
    )


# Item 1 asks about the past year (an older brochure said six months; the reference says to use
# the CDC wording, 3.5). Items 1 and 2 score 2 points, the others 1.
STAY_INDEPENDENT_POINTS = (2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
STAY_INDEPENDENT_ITEMS = _items(
    [
        gettext_noop("Has fallen in the past year"),
        gettext_noop("Uses or has been advised to use a cane or walker"),
        gettext_noop("Feels unsteady when walking"),
        gettext_noop("Steadies self by holding onto furniture at home"),
        gettext_noop("Worried about falling"),
        gettext_noop("Needs to push with the hands to stand up from a chair"),
        gettext_noop("Has trouble stepping up onto a curb"),
        gettext_noop("Often has to rush to the toilet"),
        gettext_noop("Has lost some feeling in the feet"),
        gettext_noop("Takes medicine that causes light-headedness or tiredness"),
        gettext_noop("Takes medicine for sleep or mood"),
        gettext_noop("Often feels sad or depressed"),
    ]
)
STAY_INDEPENDENT_SCREEN = Banding(
    "screen",
    RUBENSTEIN_2011,
    (
        Band("not_at_risk", gettext_noop("below the screening cut-off"), below=4),
        Band("at_risk", gettext_noop("may be at risk for falling"), min=4),
    ),
)


def score_stay_independent(data: Mapping[str, Any]) -> Result:
    return _screen(STAY_INDEPENDENT, STAY_INDEPENDENT_POINTS, data)


STAY_INDEPENDENT = Instrument(
    code="stay_independent",
    name=gettext_noop("STEADI Stay Independent brochure"),
    version="CDC STEADI Stay Independent (Rubenstein 2011), past-year wording; scorer 1",
    kind=Kind.QUESTIONNAIRE,
    better=Better.LOWER,
    licence=Licence.FREE,
    source=RUBENSTEIN_2011,
    score=score_stay_independent,
    items=STAY_INDEPENDENT_ITEMS,
    bandings=(STAY_INDEPENDENT_SCREEN,),
    loinc={"panel": "97874-2", "total": "97885-8"},
    range=(0, 14),
)


KEY_QUESTIONS_ITEMS = _items(
    [
        gettext_noop("Has fallen in the past year"),
        gettext_noop("Feels unsteady when standing or walking"),
        gettext_noop("Worries about falling"),
    ]
)
KEY_QUESTIONS_SCREEN = Banding(
    "screen",
    CDC_STEADI,
    (
        Band("not_at_risk", gettext_noop("no key question answered yes"), below=1),
        Band("at_risk", gettext_noop("screened at risk of falling"), min=1),
    ),
)


def score_key_questions(data: Mapping[str, Any]) -> Result:
    return _screen(STEADI_KEY_QUESTIONS, (1, 1, 1), data)


STEADI_KEY_QUESTIONS = Instrument(
    code="steadi_key_questions",
    name=gettext_noop("STEADI 3 key questions"),
    version="CDC STEADI 3 key questions; scorer 1",
    kind=Kind.QUESTIONNAIRE,
    licence=Licence.FREE,
    source=CDC_STEADI,
    score=score_key_questions,
    items=KEY_QUESTIONS_ITEMS,
    bandings=(KEY_QUESTIONS_SCREEN,),
    range=(0, 3),
)
