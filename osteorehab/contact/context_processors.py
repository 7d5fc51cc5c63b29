from typing import Any

from django.http import HttpRequest

from .selectors import unread_counts


def unread(request: HttpRequest) -> dict[str, Any]:
    """Unread messages for the page shell, in one query: `inbox_unread` for a clinician (the
    nav's inbox), `messages_unread` for a patient (their home card), `family_unread` for a
    caregiver (patient id -> unread, for the patients who share the program with them)."""
    return unread_counts(getattr(request, "user", None))
