from typing import Any

from django import template
from django.utils.translation import gettext

from osteorehab.assessments.instruments import INSTRUMENTS

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
def instrument_name(code: str) -> str:
    """An instrument's name in the user's language, from its code."""
    instrument = INSTRUMENTS.get(code)
    return gettext(instrument.name) if instrument else code
