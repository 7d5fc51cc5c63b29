"""Logins, logouts and failed logins go into the audit trail; a login restarts the session's
idle timeout."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event

from .middleware import session_refreshed


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_event(by=user, action=AuditAction.LOGIN, target="accounts.login")


@receiver(user_logged_in)
def session_fresh(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """The login writes the session: the next minute's requests need not (`session_keep_alive`)."""
    if request is not None and hasattr(request, "session"):
        session_refreshed(request.session)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_event(by=user, action=AuditAction.LOGOUT, target="accounts.logout")


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    audit_event(
        by=None,
        action=AuditAction.LOGIN_FAILED,
        target="accounts.login",
        username=str(credentials.get("username", ""))[:150],
    )
