"""Backing up and restoring the database, whole: `osteorehab backup FILE` and `osteorehab restore
FILE [--force]` (docs/operations.md).

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), a consistent copy even while
  the app writes; the backup is itself a SQLite database. Restoring copies it back page by page.
- PostgreSQL: `pg_dump -Fc` (the custom format, compressed) and `pg_restore --clean --if-exists`
  in one transaction (a restore that fails half-way changes nothing), both found on PATH.

A backup is written beside its target and renamed into place when complete, so a failed backup
never leaves a truncated file under the name of a good one. A restore refuses to overwrite a
database that holds data (any user account, organisation or patient) unless forced.

`table_checksums` gives each table's row count and a SHA-256 over its rows in primary-key order:
equal before a backup and after its restore, table by table.
"""

import hashlib
import json
import os
import shutil
import sqlite3

# pg_dump and pg_restore, run with argument lists, no shell
import subprocess  # nosec B404
import uuid
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# What makes a database one "holding data": a program has no record without these.
DATA_TABLES = ("accounts_user", "accounts_organisation", "patients_patient")


class BackupError(Exception):
    """A backup or restore that cannot be done, with what to do about it."""


@dataclass(frozen=True)
class Summary:
    vendor: str
    tables: int
    rows: int

    def __str__(self) -> str:
        return f"{self.tables} tables, {self.rows} rows ({self.vendor})"


def _connection(using: str) -> BaseDatabaseWrapper:
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of a {connection.vendor} database are not supported")
    return connection


def holds_data(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database holds a program: any user account, organisation or patient (a
    database that was only migrated holds none)."""
    connection = _connection(using)
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        for table in DATA_TABLES:
            if table in present:
                name = connection.ops.quote_name(table)  # a fixed table name, quoted
                query = f"SELECT 1 FROM {name} LIMIT 1"  # noqa: S608  # nosec B608
                cursor.execute(query)
                if cursor.fetchone():
                    return True
    return False


def _canonical(value: Any) -> Any:
    """A column's value as JSON the same way every time (bytes as hex, times in ISO)."""
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | timedelta):
        return str(value)
    return value


def table_checksums(using: str = DEFAULT_DB_ALIAS) -> dict[str, tuple[int, str]]:
    """Every table's row count and the SHA-256 of its rows, read in primary-key order (all
    columns in order for a table without one), each row as canonical JSON."""
    connection = _connection(using)
    quote = connection.ops.quote_name
    sums: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            keys = connection.introspection.get_primary_key_columns(cursor, table) or []
            order = ", ".join(quote(key) for key in keys)
            if not order:
                columns = connection.introspection.get_table_description(cursor, table)
                order = ", ".join(str(n) for n in range(1, len(columns) + 1))
            # names from the database's own catalogue, quoted
            query = f"SELECT * FROM {quote(table)} ORDER BY {order}"  # noqa: S608  # nosec B608
            cursor.execute(query)
            digest = hashlib.sha256()
            count = 0
            while rows := cursor.fetchmany(5000):  # the audit trail may not fit in memory
                for row in rows:
                    line = json.dumps([_canonical(v) for v in row], sort_keys=True, default=str)
                    digest.update(line.encode() + b"\n")
                count += len(rows)
            sums[table] = (count, digest.hexdigest())
    return sums


def _summary(using: str) -> Summary:
    sums = table_checksums(using)
    return Summary(connections[using].vendor, len(sums), sum(n for n, _ in sums.values()))


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial")


def backup(target: Path, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Write a backup of the whole database to `target` (replaced if it exists)."""
    connection = _connection(using)
    target = target.resolve()
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory")
    partial = _partial(target)
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with closing(sqlite3.connect(partial)) as copy:
                connection.connection.backup(copy)
        else:
            _run("pg_dump", ["--format=custom", f"--file={partial}"], connection)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return _summary(using)


def restore(source: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Replace the database with the backup in `source`. Refused when the database holds data,
    unless `force`."""
    connection = _connection(using)
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    if holds_data(using) and not force:
        raise BackupError(
            "the database holds data (user accounts, patients): restoring would replace it. "
            "Make a backup of it first; then restore with --force."
        )
    if connection.vendor == "sqlite":
        _check_sqlite_backup(source)
        connection.ensure_connection()
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_db:
            backup_db.backup(connection.connection)
    else:
        # no session of ours may hold a lock on a table pg_restore drops
        connection.close()
        options = ["--clean", "--if-exists", "--no-owner", "--no-privileges"]
        try:  # in one transaction: a backup that fails half-way changes nothing
            _run(
                "pg_restore",
                [*options, "--single-transaction", "--exit-on-error", str(source)],
                connection,
            )
        except BackupError as error:
            raise BackupError(f"{source}: {error}") from None
    return _summary(using)


def _check_sqlite_backup(source: Path) -> None:
    """A SQLite file with a migrated OsteoRehab database in it, before anything is replaced."""
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_db:
            tables = {
                name
                for (name,) in backup_db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'"
                )
            }
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a SQLite backup ({error})") from None
    if "django_migrations" not in tables or "patients_patient" not in tables:
        raise BackupError(f"{source} is not a backup of an OsteoRehab database")


def tool(name: str) -> str:
    """The PostgreSQL client program's path, or what to install."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client programs of the "
            "server's major version (Debian: apt-get install postgresql-client) or put them on "
            "PATH"
        )
    return found


def _run(name: str, arguments: list[str], connection: BaseDatabaseWrapper) -> None:
    """Run pg_dump or pg_restore against the connection's database; its settings go in the
    environment (the password never on a command line)."""
    settings: Mapping[str, Any] = connection.settings_dict
    env = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    if settings.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = settings["OPTIONS"]["sslmode"]
    database = ["--dbname", env["PGDATABASE"]] if name == "pg_restore" else []
    # a program found on PATH by its fixed name, an argument list, no shell
    finished = subprocess.run(  # noqa: S603  # nosec B603
        [tool(name), *database, *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise BackupError(f"{name} failed: {finished.stderr.strip() or finished.returncode}")
