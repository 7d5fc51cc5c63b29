from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language, gettext

from osteorehab.patients.models import Patient

from ..domain import MOODS
from ..selectors import today_session

register = template.Library()


@register.inclusion_tag("logbook/_today_card.html")
def today_card(patient: Patient) -> dict[str, Any]:
    """The patient home's "Today" card: how far today's session is, and the ways into it, the
    check-in and the fall report."""
    return {"session": today_session(patient, timezone.localdate(), get_language() or "en")}


@register.filter
def mood_face(value: Any) -> str:
    """The face beside a mood on the program's own five-word scale (decoration only)."""
    try:
        return MOODS[int(value)][1]
    except (KeyError, TypeError, ValueError):
        return ""


@register.filter
def mood_words(value: int) -> str:
    found = MOODS.get(value)
    return gettext(found[0]) if found else ""


@register.filter
def yesno_words(value: bool | None) -> str:
    if value is None:
        return "—"
    return gettext("Yes") if value else gettext("No")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
