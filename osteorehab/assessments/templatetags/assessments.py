from typing import Any

from django import template
from django.utils.translation import gettext

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import FLAG_LABELS, Reason

register = template.Library()


def _field(result: Any, name: str) -> Any:
    return result.get(name) if isinstance(result, dict) else getattr(result, name)


@register.filter
def band_words(result: Any) -> str:
    """A result's band in words, in the user's language (the stored code where unknown)."""
    code = _field(result, "band")
    if not code:
        return ""
    instrument = INSTRUMENTS.get(_field(result, "instrument"))
    words = instrument.words(code) if instrument else None
    return gettext(words) if words else str(code).replace("_", " ")


@register.filter
def code_words(code: str | None, instrument_code: str) -> str:
    """Any code of an instrument (a WHO class, a band) in words."""
    if not code:
        return ""
    instrument = INSTRUMENTS.get(instrument_code)
    words = instrument.words(code) if instrument else None
    return gettext(words) if words else code.replace("_", " ")


@register.filter
def flag_words(code: str) -> str:
    """A result's flag in words, in the user's language."""
    words = FLAG_LABELS.get(code)
    return gettext(words) if words else code.replace("_", " ")


@register.filter
def reason_words(reason: Reason) -> str:
    """A reason (a constraint's, or one from a fresh result) in the user's language."""
    return reason.translated(gettext)


@register.filter
def reasons(result: Any) -> list[str]:
    """A result's reasons in the user's language: from a fresh Result, or from a stored one
    (kept with their templates; a result stored before that shows its English text)."""
    if not isinstance(result, dict):
        return [reason.translated(gettext) for reason in result.reasons]
    if "why" in result:
        return [Reason.from_stored(stored).translated(gettext) for stored in result["why"]]
    return list(result.get("reasons", ()))


@register.filter
def instrument_name(code: str) -> str:
    """An instrument's name in the user's language, from its code."""
    instrument = INSTRUMENTS.get(code)
    return gettext(instrument.name) if instrument else code
