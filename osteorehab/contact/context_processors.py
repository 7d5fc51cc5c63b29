from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import unread_counts, unread_key


def unread(request: HttpRequest) -> dict[str, Any]:
    """Unread messages for the page shell: `inbox_unread` for a clinician (the nav's inbox),
    `messages_unread` for a patient (their home card), `family_unread` for a caregiver (patient
    id -> unread, for the patients who share the program with them). Counted in one query, and
    only when the page shows the count: most of a patient's or a caregiver's pages do not."""
    user = getattr(request, "user", None)
    key = unread_key(user)
    if key is None:
        return {}
    return {key: SimpleLazyObject(lambda: unread_counts(user)[key])}
