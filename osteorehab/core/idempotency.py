"""Writing once: an entry carries a key its client made when the entry was begun (a form's hidden
`client_key`, an app's UUID), and the database keeps one row per key with a unique constraint.

A retried request (a lost connection, a second tap, an app's retry after a timeout) finds the
row kept the first time and writes nothing. Two requests with one key at the same moment both
miss it at first; both insert, and the unique index decides: on PostgreSQL the second insert
waits for the first transaction and then fails, and the second request answers with the row the
first one stored. Services check the key before anything else, so that a retry is answered even
when the entry's checks would now refuse it (the day changed, the plan moved on).
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

M = TypeVar("M", bound=models.Model)


def kept(model: type[M], **key: Any) -> M | None:
    """The row stored under this key, if any. A key of None (a client that sent none) keeps
    nothing."""
    if any(value is None for value in key.values()):
        return None
    return model._default_manager.filter(**key).first()


def save_once(entry: M, *, key: Mapping[str, Any]) -> tuple[M, bool]:
    """Insert the new row, or (another request with the same key won the race) the row kept
    first; and whether this call stored it. The insert runs in a savepoint, so that a lost race
    leaves the caller's transaction usable. An integrity error that is not the key's (a broken
    check constraint) is raised."""
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError:
        first = kept(type(entry), **key)
        if first is None:
            raise
        return first, False
    return entry, True
