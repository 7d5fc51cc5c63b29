"""Logins, logouts and failed logins go into the audit trail."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_event(by=user, action=AuditAction.LOGIN, target="accounts.login")


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
