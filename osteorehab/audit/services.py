"""The one way audit events are written, sealed and checked.

Services record their writes with `audit_write`. Views never record reads themselves: the access
helper notes each patient a request reaches (`note_access`), and the `audit_reads` middleware
writes one read event per patient reached when the request wrote nothing for that patient.

Each row is inserted with its MAC (one INSERT, as before); `audit_seal` chains the rows not yet
sealed and `audit_verify` checks the whole trail (the design: `osteorehab.audit.domain`).
"""

import json
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from . import domain
from .models import AuditAction, AuditEvent

SEAL_BATCH = 2000  # rows chained per transaction: a short lock, a bounded memory
# Any number of our own: the PostgreSQL advisory lock only sealers take ("audit" in ASCII).
SEAL_LOCK = 0x6175646974


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
    event = _event(
        by=by,
        action=action,
        target=target,
        patient_id=patient_id,
        object_id=object_id,
        changes=changes,
        username=username,
    )
    event.save(force_insert=True)
    return event


def _event(
    *,
    by: Any,
    action: AuditAction,
    target: str,
    patient_id: int | None,
    object_id: Any,
    changes: Mapping[str, Any] | None,
    username: str = "",
) -> AuditEvent:
    """The event as it will be stored, signed, not yet saved."""
    actor = _actor(by)
    # a failed login names the account tried, which may not exist
    actor["username"] = actor["username"] or username
    return _signed(
        AuditEvent(
            **actor,
            action=action,
            target=target,
            patient_id=patient_id,
            object_id=str(object_id or ""),
            changes=dict(changes or {}),
            ip=current_ip(),
        )
    )


def audit_write(
    *,
    by: Any,
    obj: models.Model,
    patient_id: int,
    created: bool,
    changes: Mapping[str, Any],
) -> AuditEvent:
    event = _written(by, obj, patient_id, created, changes)
    event.save(force_insert=True)
    return event


@transaction.atomic
def audit_creations(
    *, by: Any, created: Iterable[tuple[models.Model, int, Mapping[str, Any]]]
) -> None:
    """The events of many objects created at once, (object, patient id, changes) each, in one
    transaction (in batches): what a sweep stores for its proposals."""
    AuditEvent.objects.bulk_create(
        [_written(by, obj, patient_id, True, changes) for obj, patient_id, changes in created],
        batch_size=500,
    )


def _written(
    by: Any, obj: models.Model, patient_id: int, created: bool, changes: Mapping[str, Any]
) -> AuditEvent:
    audit = _request.get()
    if audit is not None:
        audit.written.add(patient_id)
    return _event(
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
        _signed(
            AuditEvent(
                **_actor(user),
                action=action,
                target=audit.view_name,
                patient_id=patient_id,
                ip=audit.ip,
            )
        )
        for patient_id, action in audit.read.items()
        if patient_id not in audit.written
    ]
    AuditEvent.objects.bulk_create(rows)


# ---- Tamper evidence ----


def _keys() -> list[bytes]:
    """The current key first; rows sealed before a key rotation check with the older keys."""
    return [
        domain.key_of(secret) for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    ]


def _signed(event: AuditEvent) -> AuditEvent:
    """The row as it will be stored, with its MAC: the changes as their JSON (what is read back),
    the address as the database keeps it."""
    event.changes = json.loads(json.dumps(event.changes, cls=DjangoJSONEncoder))
    event.ip = AuditEvent._meta.get_field("ip").get_prep_value(event.ip or None)
    event.row_mac = domain.row_mac(
        _keys()[0], {column: getattr(event, column) for column in domain.CONTENT}
    )
    return event


class SealConflict(Exception):
    """Another sealer chained some of these rows first: this sealing is rolled back whole."""


# The one statement that writes a row's place in the chain: only to a row not yet sealed.
_SEAL_SQL = (
    "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL"
)


@transaction.atomic
def _seal_batch() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # held until this transaction ends
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
    tail_seq, tail_hash = (
        AuditEvent.objects.filter(seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    ) or (0, domain.GENESIS)
    rows = AuditEvent.objects.filter(seq__isnull=True).order_by("id")
    columns = [name for name in domain.SEALED if name not in ("seq", "prev_hash")]
    links = domain.chain(
        rows.values(*columns)[:SEAL_BATCH],
        after_seq=tail_seq or 0,
        after_hash=tail_hash,
        key=_keys()[0],
    )
    if not links:
        return 0
    with connection.cursor() as cursor:
        cursor.executemany(_SEAL_SQL, [(k.seq, k.prev_hash, k.hash, k.id) for k in links])
        if cursor.rowcount != len(links):
            raise SealConflict(f"{len(links) - cursor.rowcount} rows were sealed meanwhile")
    return len(links)


def audit_seal() -> int:
    """Chain every row not yet sealed, a batch per transaction; returns how many were sealed.
    Idempotent: with nothing new it changes nothing."""
    sealed = 0
    while count := _seal_batch():
        sealed += count
        if count < SEAL_BATCH:
            break
    return sealed


def audit_verify() -> domain.Verdict:
    """Check the whole trail against its seals (`domain.check`), reading it in chunks."""
    columns = [*domain.SEALED, "hash"]
    sealed = AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values(*columns)
    unsealed = AuditEvent.objects.filter(seq__isnull=True).order_by("id").values(*columns)
    twins = (
        AuditEvent.objects.values("row_mac")
        .annotate(rows=models.Count("id"))
        .filter(rows__gt=1)
        .values_list("row_mac", flat=True)
    )
    return domain.check(
        sealed.iterator(chunk_size=SEAL_BATCH),
        unsealed.iterator(chunk_size=SEAL_BATCH),
        _keys(),
        duplicated=list(twins),
    )
