"""The chaos run (see the package's docstring): set up, load with faults, check, jobs with kills,
check, report; everything it started stopped and removed at the end, failure or not."""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from .cluster import Cluster, free_port
from .inside import CHAOS_SWEEP_BATCH
from .load import Clients, Tally, entries

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 9  # a database of its own on the local Redis, emptied before and after
# The faults, by the share of entries acknowledged when they strike.
KILL_WORKER_AT, RESTART_DATABASE_AT = 0.3, 0.6
DATABASE_AWAY = 2.0  # seconds PostgreSQL stays down
TIME_LIMIT = 570  # seconds: with the clean-up after it, the run ends within ten minutes
# When the jobs' workers are killed: after the sweep's first batch; after this share of the
# reminders due is recorded.
KILL_REMINDERS_AT = 0.3


def _out_of_time(*_: Any) -> None:
    raise TimeoutError(f"the chaos run took more than {TIME_LIMIT} s: stopped")


def say(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", flush=True)


def redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


def evening_zone() -> str:
    """A fixed-offset time zone where it is about seven in the evening now: the day's session
    reminders (due from 17:00) are then due, whatever the hour the run starts."""
    offset = (19 - datetime.now(UTC).hour + 12) % 24 - 12
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def environment(cluster: Cluster, root: Path, redis: bool) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=cluster.url,
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        OSTEOREHAB_VAR_DIR=str(root / "var"),
        TIME_ZONE=evening_zone(),
        SMS_SENDER="chaos.sms.SlowSender",
        CHAOS_SMS_LOG=str(root / "sms.log"),
        PYTHONPATH=str(PROJECT),
    )
    if redis:
        env["REDIS_URL"] = f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}"
    return env


def flush_redis() -> None:
    import redis

    redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB).flushdb()


class Processes:
    """The servers and workers this run started, stopped at the end."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603  # nosec B603
                command, env=env, cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT
            )
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _run(env: dict[str, str], name: str, command: list[str], timeout: int) -> str:
    """A project command's output; its error output, named, when it fails."""
    done = subprocess.run(  # noqa: S603  # nosec B603
        [PYTHON, *command],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def run_inside(env: dict[str, str], *arguments: str) -> Any:
    name = f"chaos.inside {' '.join(arguments)}"
    out = _run(env, name, ["-m", "chaos.inside", *arguments], timeout=300)
    return json.loads(out.strip().splitlines()[-1])


def manage(env: dict[str, str], *arguments: str) -> None:
    _run(env, f"manage.py {' '.join(arguments)}", ["manage.py", *arguments], timeout=600)


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid` (gunicorn's workers), from /proc, with their state
    (R: running)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found[int(stat.parent.name)] = fields[0]
    return found


def busy_worker(master: int) -> int | None:
    """A gunicorn worker caught running (mid-request, most likely), else any worker."""
    workers: dict[int, str] = {}
    for _ in range(200):
        workers = children(master)
        running = [pid for pid, state in workers.items() if state == "R"]
        if running:
            return running[0]
        time.sleep(0.005)
    return min(workers, default=None)


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.1)


def serving(port: int, token: str) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/patients", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310  # nosec B310
            return bool(answer.status == 200)
    except OSError:
        return False


def query(cluster: Cluster, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(cluster.url, autocommit=True) as db:
        return db.execute(sql, params).fetchall()


# ---- The load, with faults ----


def faults(
    tally: Tally, total: int, cluster: Cluster, master: int, done: threading.Event, log: list
) -> None:
    """Kill a gunicorn worker, then crash and restart PostgreSQL, as the entries are answered."""

    def reached(share: float) -> bool:
        while not done.is_set():
            with tally.lock:
                if len(tally.acknowledged) >= share * total:
                    return True
            time.sleep(0.05)
        return False

    if reached(KILL_WORKER_AT):
        worker = busy_worker(master)
        if worker is not None:
            os.kill(worker, signal.SIGKILL)
            log.append(f"gunicorn worker {worker} killed (SIGKILL) at {_acked(tally)}")
    if reached(RESTART_DATABASE_AT):
        at = _acked(tally)
        away = cluster.restart(DATABASE_AWAY)
        log.append(f"PostgreSQL crashed (immediate stop) at {at}, back after {away:.1f} s")


def _acked(tally: Tally) -> str:
    with tally.lock:
        return f"{len(tally.acknowledged)} acknowledged"


def check_stored(cluster: Cluster, work: list[Any], tally: Tally) -> dict[str, Any]:
    """Every entry sent, as the database holds it: how many times, and with what values."""
    sent = {entry.key: entry for entry in work}
    keys = list(sent)
    rows = query(
        cluster,
        "SELECT client_key::text, id, 'check_in', mood, confidence, fatigue, pain FROM "
        "logbook_checkin WHERE client_key = ANY(%s::uuid[]) UNION ALL "
        "SELECT client_key::text, id, 'exercise_log', plan_version, minutes, effort, NULL FROM "
        "logbook_exerciselog WHERE client_key = ANY(%s::uuid[])",
        keys,
        keys,
    )
    stored = Counter(row[0] for row in rows)
    changed = []
    for key, row_id, kind, *values in rows:
        body = sent[key].body
        if kind == "check_in":
            expected = [body["mood"], body["confidence"], body["fatigue"], body["pain"]]
        else:
            expected = [body["plan_version"], body["minutes"], body["effort"], None]
        answered = tally.acknowledged.get(key)
        if kind != sent[key].kind or values != expected or answered not in (None, row_id):
            changed.append(key)
    return {
        "stored": len(stored),
        "duplicates": sum(n - 1 for n in stored.values()),
        "lost": sum(1 for key in tally.acknowledged if key not in stored),
        "stored_unacknowledged": sum(1 for key in stored if key not in tally.acknowledged),
        "corrupted": len(changed) + len(tally.wrong_answers),
    }


# ---- The jobs, with kills ----


def sweep_state(cluster: Cluster) -> tuple[int, int, bool] | None:
    rows = query(cluster, "SELECT done, total, finished_at FROM rules_sweeprun ORDER BY id DESC")
    return (rows[0][0], rows[0][1], rows[0][2] is not None) if rows else None


def jobs(cluster: Cluster, env: dict[str, str], root: Path, processes: Processes) -> dict:
    consumer = [PYTHON, "-m", "chaos.inside", "consumer"]
    log = root / "consumer.log"
    report: dict[str, Any] = {}
    run_inside(env, "flush")  # the log's rules_soon tasks: not what is measured
    before = run_inside(env, "jobs")
    report["reminders_due"] = before["reminders_due"]

    # The sweep: killed after its first batch, before its last.
    worker = processes.start(consumer, env, log)
    run_inside(env, "enqueue", "rules_sweep")

    def first_batch_done() -> bool:
        state = sweep_state(cluster)
        return state is not None and (state[0] >= CHAOS_SWEEP_BATCH or state[2])

    wait_for(first_batch_done, 120, "the sweep's first batch")
    worker.kill()
    worker.wait()
    report["sweep_at_kill"] = sweep_state(cluster)
    worker = processes.start(consumer, env, log)
    run_inside(env, "enqueue", "rules_sweep")
    wait_for(lambda: bool((sweep_state(cluster) or (0, 0, False))[2]), 180, "the sweep to finish")
    report["sweep_after_rerun"] = sweep_state(cluster)

    # The reminders: killed once a share of those due is recorded.
    def recorded() -> int:
        return int(query(cluster, "SELECT COUNT(*) FROM reminders_sentreminder")[0][0])

    run_inside(env, "enqueue", "send_reminders")
    due = max(1, report["reminders_due"])
    wait_for(lambda: recorded() >= KILL_REMINDERS_AT * due, 120, "reminders to be recorded")
    worker.kill()
    worker.wait()
    report["reminders_at_kill"] = recorded()
    processes.start(consumer, env, log)
    run_inside(env, "enqueue", "send_reminders")
    wait_for(lambda: _settled(recorded, root / "sms.log"), 300, "the reminder job to finish")
    report["reminders_after_rerun"] = recorded()

    report["again"] = run_inside(env, "again")
    report["stored"] = run_inside(env, "jobs")
    texts = (root / "sms.log").read_text(encoding="utf-8").splitlines()
    report["texts"] = len(texts)
    report["texts_twice"] = sum(n - 1 for n in Counter(texts).values())
    return report


def _settled(recorded: Callable[[], int], sms_log: Path) -> bool:
    """Nothing new recorded nor sent for two seconds: the job has ended."""
    first = (recorded(), sms_log.stat().st_size if sms_log.exists() else 0)
    time.sleep(2)
    return first == (recorded(), sms_log.stat().st_size if sms_log.exists() else 0)


# ---- The run ----


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--entries", type=int, default=5000, help="log entries to send (5000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--patients", type=int, default=12, help="demo patients (12)")
    args = parser.parse_args(argv)
    # a stop (Ctrl-C, a TERM from make or CI) or the time limit still runs the clean-up below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(TIME_LIMIT)

    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="osteorehab-chaos-"))
    root.chmod(0o711)  # the cluster's own user (as root: postgres) passes through to its part
    processes = Processes()
    cluster: Cluster | None = None
    redis = redis_up()
    try:
        (root / "pg").mkdir()
        cluster = Cluster(root / "pg")
        say(f"PostgreSQL ({cluster.bin.parent.name}) on 127.0.0.1:{cluster.port}, in {root}")
        cluster.create()
        if redis:
            flush_redis()
        env = environment(cluster, root, redis)
        say(f"Huey and the cache on {'Redis db ' + str(REDIS_DB) if redis else 'SQLite'}")
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo", "--patients", str(args.patients))
        facts = run_inside(env, "prepare")
        say(f"demo of {len(facts['patients'])} patients; local time {facts['local_time']}")

        port = free_port()
        gunicorn = processes.start(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "config.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={args.workers}",
                "--timeout=30",
                "--graceful-timeout=5",
                "--log-level=warning",
            ],
            env,
            root / "gunicorn.log",
        )
        wait_for(lambda: serving(port, facts["token"]), 90, "gunicorn")
        work = entries(args.entries, facts["patients"], facts["plans"], facts["today"])
        say(f"sending {len(work)} entries from {args.clients} clients to {args.workers} workers")
        tally = Tally()
        done = threading.Event()
        struck: list[str] = []
        chaos = threading.Thread(
            target=faults, args=(tally, len(work), cluster, gunicorn.pid, done, struck)
        )
        chaos.start()
        load_began = time.monotonic()
        Clients(port, facts["token"], tally).run(work, args.clients)
        done.set()
        chaos.join()
        load_took = time.monotonic() - load_began
        stored = check_stored(cluster, work, tally)
        say(f"load done in {load_took:.0f} s; the jobs")
        job = jobs(cluster, env, root, processes)
        return report(args, tally, stored, struck, job, load_took, time.monotonic() - started)
    finally:
        signal.alarm(0)
        processes.stop_all()
        if cluster is not None:
            cluster.remove()
        if redis:
            flush_redis()
        shutil.rmtree(root, ignore_errors=True)


def report(
    args: argparse.Namespace,
    tally: Tally,
    stored: dict[str, Any],
    struck: list[str],
    job: dict[str, Any],
    load_took: float,
    took: float,
) -> int:
    errors = sum(tally.errors.values())
    kinds = ", ".join(f"{kind} {n}" for kind, n in tally.errors.most_common())
    kept = job["stored"]
    sweep_kill, sweep_end = job["sweep_at_kill"], job["sweep_after_rerun"]
    lines = [
        f"Load: {args.entries} entries, {args.clients} clients, {args.workers} gunicorn workers, "
        f"{load_took:.0f} s",
        *[f"  fault: {fault}" for fault in struck],
        f"  requests {tally.requests}, acknowledged {len(tally.acknowledged)}, "
        f"stored {stored['stored']}, duplicates {stored['duplicates']}, lost {stored['lost']}, "
        f"corrupted {stored['corrupted']}",
        f"  errors seen by clients {errors} ({kinds or 'none'}), retries {tally.retries}, "
        f"refused {sum(tally.refused.values())}, gave up {tally.gave_up}, stored but not "
        f"acknowledged {stored['stored_unacknowledged']}",
        "Jobs (a Huey worker killed with SIGKILL in each, then the job run again):",
        f"  rules sweep: killed at {sweep_kill[0]}/{sweep_kill[1]} patients; the rerun "
        f"{'finished' if sweep_end[2] else 'did not finish'} at {sweep_end[0]}/{sweep_end[1]}; "
        f"proposals {kept['proposals']}, twice {kept['proposals_twice']}; a full sweep again "
        f"added {job['again']['new_proposals']}",
        f"  reminders: due {job['reminders_due']}; recorded at the kill "
        f"{job['reminders_at_kill']}, after the rerun {job['reminders_after_rerun']}, twice "
        f"{kept['reminders_twice']}; texts sent {job['texts']}, twice {job['texts_twice']}; "
        f"in-app notifications {kept['notifications']}, twice {kept['notifications_twice']}; "
        f"a run again sent {job['again']['new_reminders']}",
    ]
    failures = [
        name
        for name, bad in (
            ("a fault was not injected", len(struck) < 2),
            ("duplicates", stored["duplicates"]),
            ("lost entries", stored["lost"]),
            ("corrupted entries", stored["corrupted"]),
            ("entries given up", tally.gave_up),
            ("entries refused", sum(tally.refused.values())),
            ("sweep not killed mid-way", sweep_kill[2]),
            ("sweep not finished", not sweep_end[2] or sweep_end[0] != sweep_end[1]),
            ("proposals twice", kept["proposals_twice"]),
            ("proposals left to a second sweep", job["again"]["new_proposals"]),
            ("reminders twice", kept["reminders_twice"] + job["texts_twice"]),
            ("notifications twice", kept["notifications_twice"]),
            ("reminders left to a second run", job["again"]["new_reminders"]),
        )
        if bad
    ]
    lines.append(f"Took {took:.0f} s: {'FAILED: ' + ', '.join(failures) if failures else 'PASS'}")
    if tally.refusals:
        lines.append(f"  first refusal: {tally.refusals[0]}")
    print("\n".join(lines), flush=True)
    return 1 if failures else 0
