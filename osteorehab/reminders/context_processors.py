from functools import cache
from typing import Any

from django.http import HttpRequest

from .models import Notification
from .services import REMINDED_ROLES


def notifications(request: HttpRequest) -> dict[str, Any]:
    """`notifications_unread` for a patient or caregiver (the nav's and home page's badge): one
    query, made only when a page shows it, and once however often it does."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role not in REMINDED_ROLES:
        return {}
    return {"notifications_unread": cache(Notification.objects.filter(user=user).unread().count)}
