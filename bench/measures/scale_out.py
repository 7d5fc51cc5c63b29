"""Scale-out: the rules sweep over the 10,000-patient program shared by Huey workers through
Redis, one worker against two (this machine has 2 cores, shared with PostgreSQL).

Real consumers (`manage.py run_huey`, one worker each, periodic tasks off) on a Redis database
of the bench's own (harness.REDIS_URL), flushed first. The sweep is queued as it fans out in
production (`manage.py rules_sweep --fan-out`): one `rules.tasks.rules_for_patients` task per
batch of patients; the time is from queueing the first task to the last result. Each run
starts with no proposal of today's sweep stored (those of the run before are removed), so
both store every proposal; then SQL counts the proposals and any stored twice for the same
patient and data (fingerprint). Target: 2 workers at least 1.4 times as fast, no duplicate.
"""

import subprocess
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    PYTHON,
    REDIS_URL,
    ROOT,
    Result,
    child,
    dataset,
    environment,
    log,
    scratch_copy,
)

PATIENTS = 10_000
DAYS = 180
BATCH = 250  # patients a task: 40 tasks for 10,000, enough to keep two workers busy
STARTED = "consumer started"  # what a consumer logs once it takes tasks
TIMEOUT = 900


def before() -> int:
    """In a child: the last proposal's id before the run (proposals after it are the run's)."""
    from django.db.models import Max

    from osteorehab.rules.models import Proposal

    return int(Proposal.objects.aggregate(last=Max("pk"))["last"] or 0)


def sweep() -> dict[str, Any]:
    """In a child: queue the sweep's tasks and wait for every result."""
    from osteorehab.rules.services import sweep_shares
    from osteorehab.rules.tasks import rules_for_patients

    shares = sweep_shares(batch=BATCH)
    started = time.perf_counter()
    results = [rules_for_patients(share) for share in shares]
    stored = sum(result.get(blocking=True, timeout=TIMEOUT) for result in results)
    return {
        "seconds": time.perf_counter() - started,
        "tasks": len(shares),
        "patients": sum(map(len, shares)),
        "stored": stored,
    }


def counted(after: int) -> dict[str, int]:
    """In a child: the run's proposals, those stored twice for the same patient and data, and
    then none of them left (the next run starts as this one did)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM rules_proposal WHERE id > %s", [after])
        proposals = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT patient_id, fingerprint FROM rules_proposal "
            "GROUP BY patient_id, fingerprint HAVING COUNT(*) > 1) AS twice"
        )
        duplicates = cursor.fetchone()[0]
        cursor.execute("DELETE FROM rules_proposal WHERE id > %s", [after])
    return {"proposals": proposals, "duplicates": duplicates}


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _consumers(url: str, count: int, folder: Path) -> list[subprocess.Popen[bytes]]:
    """`count` consumers of one worker each, started and ready to take tasks."""
    found = []
    for n in range(count):
        logfile = folder / f"consumer-{count}-{n}.log"
        logfile.unlink(missing_ok=True)
        found.append(
            subprocess.Popen(
                [PYTHON, str(ROOT / "manage.py"), "run_huey", "-w", "1", "-n", "-l", str(logfile)],
                cwd=ROOT,
                env=environment(url),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    deadline = time.monotonic() + 120
    for n in range(count):
        logfile = folder / f"consumer-{count}-{n}.log"
        while STARTED not in (logfile.read_text() if logfile.exists() else "").lower():
            if time.monotonic() > deadline or found[n].poll() is not None:
                _stop(found)
                raise RuntimeError(f"a consumer did not start: see {logfile}")
            time.sleep(0.5)
    return found


def _stop(consumers: list[subprocess.Popen[bytes]]) -> None:
    for consumer in consumers:
        consumer.terminate()
    for consumer in consumers:
        try:
            consumer.wait(timeout=60)
        except subprocess.TimeoutExpired:
            consumer.kill()


def _run(url: str, workers: int, folder: Path) -> dict[str, Any]:
    _flush_redis()
    after = child("bench.measures.scale_out:before", url)
    consumers = _consumers(url, workers, folder)
    try:
        found = child("bench.measures.scale_out:sweep", url, timeout=TIMEOUT + 60)
    finally:
        _stop(consumers)
    found |= child("bench.measures.scale_out:counted", url, after)
    log(
        f"{workers} worker(s): {found['seconds']:.1f} s, {found['proposals']:,} proposals, "
        f"{found['duplicates']} duplicates"
    )
    return found


def run() -> list[Result]:
    url = scratch_copy(dataset(PATIENTS, DAYS))  # the proposals' audit events stay
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    one = _run(url, 1, folder)
    two = _run(url, 2, folder)
    speedup = one["seconds"] / two["seconds"]
    duplicates = one["duplicates"] + two["duplicates"]
    return [
        Result(
            "scale-out: rules sweep on 2 Huey workers",
            two["seconds"],
            "s",
            floor=one["seconds"],
            target="≥ 1.4 × faster with 2 (ratio ≤ 0.71), 0 duplicate proposals",
            passed=speedup >= 1.4 and duplicates == 0 and one["proposals"] == two["proposals"],
            note=(
                f"floor: the same sweep on 1 worker; {speedup:.2f} × faster; "
                f"{two['tasks']} tasks of {BATCH} patients ({two['patients']:,}); "
                f"{one['proposals']:,} and {two['proposals']:,} proposals stored, "
                f"{duplicates} duplicates (SQL, by patient and fingerprint)"
            ),
        )
    ]
