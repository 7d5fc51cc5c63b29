"""Tamper evidence for the audit trail: a keyed MAC on each row and a keyed hash chain over the
rows, and the check that names the first row that breaks them. Pure: no Django.

Why two seals, and why the chain is not written with the row
--------------------------------------------------------------
The threat is a change made behind the application's back: an UPDATE, DELETE or INSERT in SQL by
whoever can reach the database (a restored dump edited, a stolen database password, an
injection). Both seals are HMAC-SHA256 under a key derived from the application's SECRET_KEY,
which is not in the database; a plain hash chain would not do, since whoever can rewrite a row
can recompute every plain hash after it.

- The **row MAC** is computed in Python from the columns the application writes and is inserted
  with the row, costing no query. A row forged or changed in SQL carries a MAC that does not
  match, sealed or not yet sealed; a row copied whole, MAC and all, is the twin of the row it
  copies (the MAC covers the time to the microsecond, so two real rows never share one).
- The **chain** gives each row a place: `seq` (1, 2, 3 … with no gap), `prev_hash` (the hash of
  the row before) and `hash` (the MAC of every column, the place included). It finds what row
  MACs cannot: a deleted row (a gap, or a broken link) and rows put in another order.

Writing the chain with each row would need a lock and a read of the previous hash on every
insert: more queries on every request that records an event, and every writer of every worker
waiting in line for one lock. So rows are inserted as before (one INSERT), and a sealer
(`services.audit_seal`: a Huey task every minute, and `manage.py audit_seal`) chains the rows not
yet sealed, in id order, under a lock (a PostgreSQL advisory lock; SQLite lets one writer in at a
time anyway). A unique `seq` and an update that only touches unsealed rows make a second sealer
that raced past the lock fail rather than fork the chain.

What it cannot find: the newest sealed rows deleted all together (the chain before them is
still whole; `verify` prints the head, seq and hash, for an operator to keep elsewhere and
compare), and rows deleted before their first sealing (at most a minute's). Whoever holds the
SECRET_KEY can forge both seals: the key is the application's own.

The canonical form of a row is its columns as JSON with sorted keys and no spaces: times in UTC
with microseconds, and a float with no fraction as the integer (PostgreSQL's jsonb gives
`1e16` back as an integer), so that the row MAC computed before the INSERT is the one computed
from the row read back from SQLite or PostgreSQL.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the prev_hash of the first row sealed
# What the application writes in a row: the row MAC covers these.
CONTENT = (
    "at",
    "user_id",
    "username",
    "role",
    "patient_id",
    "action",
    "target",
    "object_id",
    "changes",
    "ip",
)
# Every column of a sealed row but its hash: the chain's hash covers these.
SEALED = ("id", *CONTENT, "row_mac", "seq", "prev_hash")

Row = Mapping[str, Any]


def key_of(secret: str | bytes) -> bytes:
    """The seals' key, derived from the application's secret key (a key of its own, so that no
    other use of the secret key yields a seal)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return hashlib.sha256(b"osteorehab.audit.seal\n" + raw).digest()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(inner) for inner in value]
    if isinstance(value, float):
        return value
    return str(value)  # an address the database driver gives as an object


def canonical(row: Row, columns: Sequence[str]) -> bytes:
    return json.dumps(
        {column: _plain(row[column]) for column in columns},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode()


def row_mac(key: bytes, row: Row) -> str:
    return hmac.new(key, b"row\n" + canonical(row, CONTENT), hashlib.sha256).hexdigest()


def link_hash(key: bytes, row: Row) -> str:
    """The hash of a row in its place: `row` holds its seq and prev_hash."""
    return hmac.new(key, b"link\n" + canonical(row, SEALED), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Link:
    id: int
    seq: int
    prev_hash: str
    hash: str


def chain(rows: Iterable[Row], *, after_seq: int, after_hash: str, key: bytes) -> list[Link]:
    """The links that seal `rows` (in the order given) after the row sealed last."""
    links = []
    seq, previous = after_seq, after_hash
    for row in rows:
        seq += 1
        digest = link_hash(key, {**row, "seq": seq, "prev_hash": previous})
        links.append(Link(row["id"], seq, previous, digest))
        previous = digest
    return links


@dataclass(frozen=True)
class Break:
    row_id: int
    seq: int | None
    reason: str

    def __str__(self) -> str:
        place = f"seq {self.seq}" if self.seq is not None else "not yet sealed"
        return f"row id {self.row_id} ({place}): {self.reason}"


@dataclass(frozen=True)
class Verdict:
    sealed: int  # rows checked in the chain (up to the break, if any)
    unsealed: int
    head_seq: int
    head_hash: str
    broken: Break | None


def _any_key(keys: Sequence[bytes], digest: Any, compute: Any, row: Row) -> bool:
    # as bytes: a column changed in SQL may hold anything, non-ASCII text or (SQLite) a number
    given = str(digest).encode()
    return any(hmac.compare_digest(compute(key, row).encode(), given) for key in keys)


def _sealed_break(row: Row, expected_seq: int, previous: str, keys: Sequence[bytes]) -> str | None:
    if row["seq"] > expected_seq:
        first, last = expected_seq, row["seq"] - 1
        missing = f"seq {first}" if first == last else f"seq {first} to {last}"
        return f"the row before it is missing ({missing}): deleted"
    if row["seq"] < expected_seq:
        return "its place in the chain is taken twice"
    if row["prev_hash"] != previous:
        return "it does not link to the row sealed before it: rows deleted or reordered"
    if not _any_key(keys, row["hash"], link_hash, row):
        return "its columns do not match its seal: changed after it was sealed"
    return None


def _row_break(row: Row, keys: Sequence[bytes], duplicated: set[str], seen: set[str]) -> str | None:
    if not _any_key(keys, row["row_mac"], row_mac, row):
        return "its MAC does not match: not written by the application"
    if row["row_mac"] in duplicated:
        if row["row_mac"] in seen:
            return "it copies an earlier row, MAC and all: replayed"
        seen.add(row["row_mac"])
    return None


def check(
    sealed: Iterable[Row],
    unsealed: Iterable[Row],
    keys: Sequence[bytes],
    duplicated: Iterable[str] = (),
) -> Verdict:
    """Walk the sealed rows in seq order, then the rows not yet sealed (in id order); the first
    row that breaks the chain or its MAC is named. `keys`: the current key first, then older
    ones. `duplicated`: the MACs more than one row carries (a row's MAC cannot cover its id,
    which the database gives it, so a copied row is found by its MAC's twin)."""
    twins, seen = set(duplicated), set[str]()
    count, previous, expected = 0, GENESIS, 1
    for row in sealed:
        reason = _sealed_break(row, expected, previous, keys) or _row_break(row, keys, twins, seen)
        if reason:
            return Verdict(count, 0, expected - 1, previous, Break(row["id"], row["seq"], reason))
        count, previous, expected = count + 1, row["hash"], row["seq"] + 1
    waiting = 0
    for row in unsealed:
        reason = _row_break(row, keys, twins, seen)
        if reason:
            return Verdict(count, waiting, expected - 1, previous, Break(row["id"], None, reason))
        waiting += 1
    return Verdict(count, waiting, expected - 1, previous, None)
