"""`migrate` on an empty database: what a new installation (and every CI run) waits for.

Timed as a whole `manage.py migrate` process on a new PostgreSQL database and on a new SQLite
file; no floor: the target is absolute.
"""

import tempfile
from pathlib import Path

from bench.harness import Result, drop_database, fresh_database, log, manage, stopwatch

TARGET_SECONDS = 60
DATABASE = "bench_migrate"


def _migrate(url: str) -> float:
    with stopwatch() as elapsed:
        manage(url, "migrate", "--noinput")
    return elapsed()


def run() -> list[Result]:
    url = fresh_database(DATABASE)
    try:
        postgres = _migrate(url)
    finally:
        drop_database(DATABASE)
    with tempfile.TemporaryDirectory(prefix="bench-migrate-") as folder:
        sqlite = _migrate(f"sqlite:///{Path(folder) / 'empty.sqlite3'}")
    log(f"migrate: PostgreSQL {postgres:.1f} s, SQLite {sqlite:.1f} s")
    return [
        Result(
            f"migrate: empty {name}",
            seconds,
            "s",
            target=f"≤ {TARGET_SECONDS} s",
            passed=seconds <= TARGET_SECONDS,
        )
        for name, seconds in (("PostgreSQL", postgres), ("SQLite", sqlite))
    ]
