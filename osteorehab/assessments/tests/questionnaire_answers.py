"""Answers that score a chosen total on any questionnaire, for the band-boundary tables."""

from typing import Any

from osteorehab.assessments.instruments.base import Instrument, item_score


def answers_scoring(instrument: Instrument, total: int) -> list[Any]:
    """Answers whose item scores (reverse keying applied) sum to `total`, filled from item 1:
    each item takes the highest score still needed, the rest score their lowest."""
    lowest = [min(item_score(item, a) for a in item.options) for item in instrument.items]
    rest = total - sum(lowest)
    answers = []
    for item, low in zip(instrument.items, lowest, strict=True):
        high = max(item_score(item, a) for a in item.options)
        wanted = low + min(rest, high - low)
        answers.append(next(a for a in item.options if item_score(item, a) == wanted))
        rest -= wanted - low
    assert rest == 0, f"{instrument.code} cannot total {total}"
    return answers
