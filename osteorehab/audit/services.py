"""The one way audit events are written.

Services record their writes with `audit_write`. Views never record reads themselves: the access
helper notes each patient a request reaches (`note_access`), and the `audit_reads` middleware
writes one read event per patient reached when the request wrote nothing for that patient.
"""

from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .models import AuditAction, AuditEvent


@dataclass
class RequestAudit:
    ip: str | None
    view_name: str = ""
    read: dict[int, str] = field(default_factory=dict)  # patient id -> action (read or list)
    written: set[int] = field(default_factory=set)


_request: ContextVar[RequestAudit | None] = ContextVar("audit_request", default=None)


def request_begin(ip: str | None) -> object:
    return _request.set(RequestAudit(ip=ip))


def request_end(token: Any) -> RequestAudit | None:
    audit = _request.get()
    _request.reset(token)
    return audit


def current_ip() -> str | None:
    audit = _request.get()
    return audit.ip if audit else None


def note_access(patient_ids: Iterable[int], *, view_name: str, listed: bool = False) -> None:
    audit = _request.get()
    if audit is None:
        return
    audit.view_name = view_name
    action = AuditAction.LIST if listed else AuditAction.READ
    for patient_id in patient_ids:
        audit.read.setdefault(patient_id, action)


def _actor(user: Any) -> dict[str, Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user": None, "username": "", "role": ""}
    return {"user": user, "username": user.get_username(), "role": user.role}


def audit_event(
    *,
    by: Any,
    action: AuditAction,
    target: str,
    patient_id: int | None = None,
    object_id: Any = "",
    changes: Mapping[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    actor = _actor(by)
    # a failed login names the account tried, which may not exist
    actor["username"] = actor["username"] or username
    return AuditEvent.objects.create(
        **actor,
        action=action,
        target=target,
        patient_id=patient_id,
        object_id=str(object_id or ""),
        changes=dict(changes or {}),
        ip=current_ip(),
    )


def audit_write(
    *,
    by: Any,
    obj: models.Model,
    patient_id: int,
    created: bool,
    changes: Mapping[str, Any],
) -> AuditEvent:
    audit = _request.get()
    if audit is not None:
        audit.written.add(patient_id)
    return audit_event(
        by=by,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        target=obj._meta.label,
        patient_id=patient_id,
        object_id=obj.pk,
        changes=changes,
    )


def changes_of(obj: models.Model, fields: Iterable[str], before: Mapping[str, Any]) -> dict:
    """{field: [old, new]} for the fields whose value differs from `before`."""
    changed = {}
    for name in fields:
        new = getattr(obj, name)
        old = before.get(name)
        if new != old:
            changed[name] = [old, new]
    return changed


def values_of(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def record_reads(audit: RequestAudit, user: Any) -> None:
    rows = [
        AuditEvent(
            **_actor(user),
            action=action,
            target=audit.view_name,
            patient_id=patient_id,
            ip=audit.ip,
        )
        for patient_id, action in audit.read.items()
        if patient_id not in audit.written
    ]
    AuditEvent.objects.bulk_create(rows)
