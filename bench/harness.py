"""What every measure shares: the result row, the synthetic databases, Django in a child process.

A measure is a module in `bench.measures` with `run() -> list[Result]`. The runner
(`python -m bench`) starts each in its own Python process, so each can point Django at the
database it needs (`django_setup`) and a slow or crashing measure cannot spoil the others.
Databases of synthetic programs are made once with `manage.py load_demo --patients N --days D`
and kept between runs (`bench_<N>_<D>`); a change to the migrations or to the generator makes
them again.
"""

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The local servers of this machine and CI (DEVELOPERS.md); override for another machine.
SERVER_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/8")
SEED = 2026
# The health region: 100,000 patients. Making that program takes minutes longer than the
# suite's 20 allow, so only BENCH_LARGE=1 measures it (`large()`); with 45 days of history, which
# hold all that the rules read (six weeks, and the two complete weeks before this one).
LARGE = 100_000
LARGE_DAYS = 45
RESULT_PREFIX = "BENCH-RESULT "


@dataclass
class Result:
    """One row of the table: what we measured, the floor beside it, and the target."""

    measure: str
    ours: float
    unit: str
    floor: float | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor == 0:
            return None
        return self.ours / self.floor

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def environment(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) on the given database, as a server would run them."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-any-deployment-0123456789abcdef",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="config.settings",
        OSTEOREHAB_VAR_DIR=str(ROOT / "var" / "bench"),
    )
    env.update(extra)  # after the defaults, so a measure may override one of them
    return env


def django_setup(database_url: str, **extra: str) -> None:
    """In a measure's own process: point Django at that database and set it up (once)."""
    os.environ.update(environment(database_url, **extra))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(database_url: str, *args: str, timeout: float = 3600) -> str:
    """Run `manage.py <args>` on that database; its output, or an error with its stderr."""
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-4000:]}")
    return done.stdout


def _admin(statement: str, *names: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """A statement on the server's maintenance database; `{}` in it are quoted identifiers."""
    import psycopg
    from psycopg import sql

    query = sql.SQL(statement).format(*map(sql.Identifier, names))
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def fresh_database(name: str) -> str:
    """An empty database of that name (dropped first if it exists); its URL."""
    drop_database(name)
    _admin("CREATE DATABASE {}", name)
    return f"{SERVER_URL}/{name}"


def copy_database(source_url: str, name: str) -> str:
    """A copy of that database under another name (dropped first), for a measure that writes:
    the synthetic program the other measures read stays as it was made. Its URL."""
    drop_database(name)
    source = source_url.rsplit("/", 1)[1]
    _admin("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY", name, source)
    return f"{SERVER_URL}/{name}"


def scratch_copy(source_url: str) -> str:
    """A copy of that database for measures that write (the logins they add, the rows a load
    leaves), kept between runs while the source is the version it was copied from (the source's
    comment; a source without one is copied every time). The source stays as it was made."""
    source = source_url.rsplit("/", 1)[1]
    name = f"{source}_scratch"
    version = _comment(source)
    if version is None or _comment(name) != version:
        copy_database(source_url, name)
        if version is not None:
            _admin("COMMENT ON DATABASE {} IS " + sql_literal(version), name)
    return f"{SERVER_URL}/{name}"


def _comment(name: str) -> str | None:
    found = _admin(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        params=[name],
    )
    return found[0][0] if found else None


def drop_database(name: str) -> None:
    _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def _code_version() -> str:
    """What the synthetic data depends on: the migrations and the generator's code."""
    digest = hashlib.sha256()
    sources = sorted((ROOT / "osteorehab").glob("*/migrations/*.py"))
    sources += sorted((ROOT / "osteorehab").glob("*/synthetic*.py"))
    sources += sorted((ROOT / "osteorehab").glob("*/demo.py"))
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def dataset(patients: int, days: int = 180) -> str:
    """URL of a PostgreSQL database holding the synthetic program of that size, made if needed.

    Its comment records the code version it was made with; another version makes it again.
    """
    name = f"bench_{patients}_{days}"
    version = _code_version()
    found = _admin(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        params=[name],
    )
    url = f"{SERVER_URL}/{name}"
    if found and found[0][0] == version:
        return url
    fresh_database(name)
    started = time.perf_counter()
    manage(url, "migrate", "--noinput")
    manage(url, "load_demo", "--patients", str(patients), "--days", str(days), "--seed", str(SEED))
    _admin("COMMENT ON DATABASE {} IS " + sql_literal(version), name)
    log(f"made {name} in {time.perf_counter() - started:.0f} s")
    return url


def sql_literal(text: str) -> str:
    """A string literal for DDL that takes no parameters (our own hex digests only)."""
    if not text.isalnum():
        raise ValueError(f"not a plain word: {text!r}")
    return f"'{text}'"


def child(target: str, database_url: str, *args: Any, timeout: float = 1800) -> Any:
    """`module:function(*args)` in a fresh process with Django set up on that database.

    Arguments and the return value travel as JSON.
    """
    module, function = target.split(":")
    code = (
        "import json, sys\n"
        "from bench.harness import django_setup, RESULT_PREFIX\n"
        f"django_setup({database_url!r})\n"
        f"from {module} import {function} as f\n"
        "value = f(*json.loads(sys.argv[1]))\n"
        "print(RESULT_PREFIX + json.dumps(value))\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", code, json.dumps(args)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{target} failed:\n{done.stderr[-4000:]}")
    return last_result(done.stdout)


def last_result(stdout: str) -> Any:
    lines = [line for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if not lines:
        raise RuntimeError(f"no result in the output:\n{stdout[-2000:]}")
    return json.loads(lines[-1][len(RESULT_PREFIX) :])


def large() -> bool:
    """Whether this run measures the 100,000-patient program too (BENCH_LARGE=1)."""
    return os.environ.get("BENCH_LARGE") == "1"


def log(message: str) -> None:
    """Progress for the person waiting (stderr, so it never mixes with results)."""
    print(f"  · {message}", file=sys.stderr, flush=True)


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """`with stopwatch() as elapsed: ...; elapsed()` — seconds since the block began."""
    started = time.perf_counter()
    stopped: list[float] = []
    yield lambda: (stopped[0] if stopped else time.perf_counter()) - started
    stopped.append(time.perf_counter())


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The fastest of `repeat` runs, in seconds: the least disturbed by the other core's load."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation, as numpy's default."""
    if not values:
        raise ValueError("no values")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]
