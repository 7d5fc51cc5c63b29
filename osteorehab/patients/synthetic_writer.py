"""Writing many rows fast, for the synthetic program only (`osteorehab.patients.synthetic`): rows
are plain tuples of values in a given field order, never model instances. A JSON value is given
already written as JSON text, a UUID as its 128-bit number.

On PostgreSQL each batch is one binary `COPY ... FROM STDIN` (psycopg 3's `write_row`, the
columns' types read from the catalogue): binary rows cost the loader a quarter, and the server
half, of what text rows cost. While the tables load (`Writer.loading`), their secondary indexes,
unique and foreign-key constraints are dropped, and made again after it, as `pg_restore` does:
building an index once over all the rows, and checking a foreign key with one join, is many
times faster than keeping them up row by row; and an empty table that no other refers to is
truncated first, so that its rows are written frozen (`COPY ... FREEZE`). It all happens in the
caller's transaction, so a failed load leaves nothing behind, the schema included; the tables
are locked meanwhile, so this is for loading a new database, not one in use.

On SQLite (the tests' small programs) the same rows go through each field's own conversion to
the database, as `bulk_create` does, in batches of a few thousand — without `bulk_create`'s
`pre_save`, which would replace the synthetic history's moments of entry with the moment of the
load (`auto_now_add`).

Primary keys are taken from the table's sequence in blocks (`reserve`), so that parent rows'
ids are known before their children are written.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection, models
from psycopg import postgres
from psycopg.adapt import Dumper
from psycopg.pq import Format

Model = type[models.Model]
SQLITE_BATCH = 2000


@dataclass(frozen=True)
class Insert:
    """How the rows of a table, given for some of its fields, are inserted."""

    table: str  # quoted
    names: tuple[str, ...]  # the given fields' columns, then every other one's (at its default)
    columns: str  # the names, quoted, for SQL
    defaults: tuple[Any, ...]  # the other columns' values
    fields: tuple[Any, ...]  # each given value's field, None for JSON text (SQLite converts)


class Writer:
    def __init__(self, *, now: datetime) -> None:
        self.now = now  # the value of `auto_now` and `auto_now_add` fields not given
        self.postgres = connection.vendor == "postgresql"
        self.written: dict[Model, int] = {}
        self._next_id: dict[Model, int] = {}
        self._inserts: dict[tuple[Model, tuple[str, ...]], Insert] = {}
        self._frozen: set[str] = set()  # the tables truncated for a frozen load

    def reserve(self, model: Model, count: int) -> int:
        """The first of `count` new primary keys in a row, taken from the table's sequence."""
        table, pk = model._meta.db_table, _pk_column(model)
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT setval(s, nextval(s) + %s - 1) FROM pg_get_serial_sequence(%s, %s) s",
                    [count, table, pk],
                )
                return int(cursor.fetchone()[0]) - count + 1
            if model not in self._next_id:
                name = connection.ops.quote_name
                # the model's own names, quoted: no SQL from input
                cursor.execute(f"SELECT COALESCE(MAX({name(pk)}), 0) FROM {name(table)}")  # noqa: S608  # nosec B608
                self._next_id[model] = int(cursor.fetchone()[0]) + 1
        first = self._next_id[model]
        self._next_id[model] += count
        return first

    def _insert(self, model: Model, fields: tuple[str, ...]) -> Insert:
        key = (model, fields)
        if key not in self._inserts:
            meta = model._meta
            given: list[Any] = [meta.get_field(name) for name in fields]
            rest = [
                f
                for f in meta.concrete_fields
                if f.attname not in fields and f.name not in fields and not f.primary_key
            ]
            names = tuple(str(f.column) for f in (*given, *rest))
            self._inserts[key] = Insert(
                table=connection.ops.quote_name(meta.db_table),
                names=names,
                columns=", ".join(connection.ops.quote_name(name) for name in names),
                defaults=tuple(self._default(f) for f in rest),
                fields=tuple(None if isinstance(f, models.JSONField) else f for f in given),
            )
        return self._inserts[key]

    def _default(self, field: Any) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = self.now
        else:
            value = field.get_default()
        if isinstance(field, models.JSONField):
            return json.dumps(value)
        if self.postgres:
            return value.int if isinstance(value, UUID) else value
        return field.get_db_prep_save(value, connection)

    def write(self, model: Model, fields: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert the rows, each a tuple of the values of `fields` (attribute names such as
        `patient_id`); the other columns take their defaults."""
        before = self.written.get(model, 0)
        with self.stream(model, fields) as put:
            for row in rows:
                put(row)
        return self.written[model] - before

    @contextmanager
    def stream(self, model: Model, fields: Sequence[str]) -> Iterator[Callable[[tuple], None]]:
        """A function that inserts one row at a time, as `write` does: on PostgreSQL the
        server reads each row while the loader makes the next."""
        insert = self._insert(model, tuple(fields))
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                with _copy(cursor.cursor, insert, frozen=insert.table in self._frozen) as copy:
                    write_row, defaults = copy.write_row, insert.defaults

                    def put(row: tuple) -> None:
                        nonlocal count
                        write_row(row + defaults)
                        count += 1

                    yield put
            else:
                marks = ", ".join(["%s"] * (len(insert.fields) + len(insert.defaults)))
                # the model's own table and columns, quoted; the values are parameters
                sql = f"INSERT INTO {insert.table} ({insert.columns}) VALUES ({marks})"  # noqa: S608  # nosec B608
                batch: list[tuple] = []

                def put(row: tuple) -> None:
                    nonlocal count
                    batch.append(_prepared(insert, row))
                    count += 1
                    if len(batch) == SQLITE_BATCH:
                        cursor.executemany(sql, batch)
                        batch.clear()

                yield put
                cursor.executemany(sql, batch)
        self.written[model] = self.written.get(model, 0) + count

    @contextmanager
    def loading(self, models_: Sequence[Model]) -> Iterator[None]:
        """On PostgreSQL, the tables' secondary indexes, unique and foreign-key constraints
        dropped while the block loads them, and made again (the same definitions, the same
        names) after it; and each of them that is empty, and that no other table refers to,
        truncated first, so that COPY writes its rows frozen: visible to every later
        transaction with nothing left for VACUUM to do (autovacuum would otherwise rewrite
        every page during the first benchmarks). Elsewhere, nothing. In the caller's
        transaction: a failure undoes it all."""
        if not self.postgres:
            yield
            return
        name = connection.ops.quote_name
        remade: list[str] = []
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            _checks_done(cursor)
            for model in models_:
                table = name(model._meta.db_table)
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname",
                    [table],
                )
                for constraint, definition in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name(constraint)}")
                    remade.append(
                        f"ALTER TABLE {table} ADD CONSTRAINT {name(constraint)} {definition}"
                    )
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY i.relname",
                    [table],
                )
                for index, definition in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {name(index)}")
                    remade.insert(0, definition)  # the indexes before the constraints
            for model in models_:  # now that their own foreign keys are gone
                table = name(model._meta.db_table)
                cursor.execute(
                    # the model's own table, quoted; the value is a parameter
                    f"SELECT NOT EXISTS (SELECT FROM {table}) AND NOT EXISTS "  # noqa: S608  # nosec B608
                    "(SELECT FROM pg_constraint WHERE confrelid = %s::regclass)",
                    [table],
                )
                if cursor.fetchone()[0]:
                    cursor.execute(f"TRUNCATE {table}")
                    self._frozen.add(table)
        yield
        with connection.cursor() as cursor:
            _checks_done(cursor)
            for statement in remade:
                cursor.execute(statement)
        self._frozen.clear()

    def analyze(self) -> None:
        """Fresh planner statistics for every table written (PostgreSQL would otherwise plan
        the first queries as if the tables were empty)."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in self.written:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@contextmanager
def _copy(cursor: Any, insert: Insert, *, frozen: bool) -> Iterator[Any]:
    """A binary COPY into the insert's columns, their types read from the catalogue."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
        [insert.table],
    )
    oids = dict(cursor.fetchall())
    cursor.adapters.register_dumper(None, UuidDumper)
    cursor.adapters.register_dumper(None, JsonbDumper)
    options = "FORMAT BINARY, FREEZE" if frozen else "FORMAT BINARY"
    with cursor.copy(f"COPY {insert.table} ({insert.columns}) FROM STDIN ({options})") as copy:
        copy.set_types([oids[column] for column in insert.names])
        yield copy


class UuidDumper(Dumper):
    """A UUID given as its 128-bit number, into a uuid column (binary COPY only)."""

    format = Format.BINARY
    oid = postgres.types["uuid"].oid

    def dump(self, obj: Any) -> bytes:
        return obj.to_bytes(16, "big")


class JsonbDumper(Dumper):
    """JSON given as text, into a jsonb column: its binary form is a version byte, then the
    text (binary COPY only)."""

    format = Format.BINARY
    oid = postgres.types["jsonb"].oid

    def dump(self, obj: Any) -> bytes:
        return b"\x01" + obj.encode()


def _pk_column(model: Model) -> str:
    pk = model._meta.pk
    if pk is None:  # an abstract model, never written
        raise ValueError(f"{model.__name__} has no primary key")
    return str(pk.column)


def _checks_done(cursor: Any) -> None:
    """Run the foreign-key checks deferred so far (a table cannot be altered while any of its
    checks is pending); later ones are deferred to the commit again."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _prepared(insert: Insert, row: tuple) -> tuple:
    values = (
        v if f is None else f.get_db_prep_save(v, connection)
        for f, v in zip(insert.fields, row, strict=True)
    )
    return (*values, *insert.defaults)
