from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("contact/_family_links.html", takes_context=True)
def family_contact(context: template.Context, patient: Any) -> dict[str, Any]:
    """A caregiver's links to a patient's appointments and messages, with the unread count,
    if the patient shares the program with them (from the `unread` context processor)."""
    unread = context.get("family_unread") or {}
    return {"patient": patient, "shares": patient.pk in unread, "unread": unread.get(patient.pk, 0)}
