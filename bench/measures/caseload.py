"""The caseload page for nurses whose care teams hold about 50, 200 and 500 patients.

Each nurse logs in through the login page and reads the first page of their caseload (sorted by
name, 25 rows, each with the current status, consent, open alerts and the most urgent
follow-up) with CLIENTS clients back to back for a bounded time. The floor is a bare view, with
the same authentication and role check, serving the bytes that nurse's page gave just before,
under the same server and client, alternated with ours. The queries of one page are counted
apart, through Django's test client: the same number for the three caseloads is the target.
The page writes (an audit row for each patient listed), so it runs on the program's scratch
copy (`harness.scratch_copy`).
"""

import re
from typing import Any

from bench.harness import ROOT, Result, child, log, scratch_copy
from bench.load import Load, fetch, hammer, login, program, server

SIZES = (50, 200, 500)
TIMED, P95_MS = 200, 150  # the caseload with a latency target, and the target
CLIENTS = 4  # clinicians opening their caseload at the same moment
SECONDS = 8
ROUNDS = 2  # floor and ours alternated, each run twice: the best of each is kept
PATH = "/caseload/"
PASSWORD = "bench-nurse-password-2026"  # noqa: S105  (bench-only: set in the copy)
TRANSACTION = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")
CAPTURED = ROOT / "var" / "bench" / "floor"  # where the floor view reads the bytes from


def nurses(sizes: list[int]) -> list[list[Any]]:
    """For each size, the nurse with the smallest caseload of at least that many patients:
    [username, caseload, TOTP key]. In the scratch copy, each is given the bench's password and
    an authenticator, since production settings ask staff for two-factor login."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from osteorehab.accounts.domain import Role
    from osteorehab.accounts.synthetic import clinician_with_caseload

    password = make_password(PASSWORD)
    chosen = []
    for size in sizes:
        user = clinician_with_caseload(Role.NURSE, size)
        if user is None:
            raise RuntimeError(f"no nurse has a caseload of {size} patients")
        user.password = password
        user.save(update_fields=["password"])
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
        chosen.append([user.username, user.caseload, device.key])  # type: ignore[attr-defined]
    return chosen


def page_queries(usernames: list[str]) -> list[list[str]]:
    """The SQL of one caseload page for each nurse (after a first request warmed the caches),
    in a session that passed two-factor login as the HTTP runs' do."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from osteorehab.accounts.models import User

    found = []
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user__username=username).persistent_id
        session.save()
        client.get(PATH)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(PATH)
        if response.status_code != 200:
            raise RuntimeError(f"the caseload of {username}: {response.status_code}")
        found.append([query["sql"] for query in captured.captured_queries])
    return found


def _passed(load: Load, *, timed: bool) -> bool | None:
    """Failed answers fail any row; only the caseload of TIMED has a latency target."""
    if load.failed:
        return False
    return load.p95_ms <= P95_MS if timed else None


def run() -> list[Result]:
    url = scratch_copy(program())
    chosen = child("bench.measures.caseload:nurses", url, list(SIZES))
    statements = child("bench.measures.caseload:page_queries", url, [n for n, *_ in chosen])
    results: list[tuple[Load, Load]] = []
    with server(url) as base:
        for (username, caseload, key), size in zip(chosen, SIZES, strict=True):
            session = login(base, username, PASSWORD, totp_key=key)
            name = f"caseload-{size}"
            CAPTURED.mkdir(parents=True, exist_ok=True)
            (CAPTURED / f"{name}.html").write_bytes(fetch(base, PATH, session))
            floor_path = f"/bench/floor/bytes/{name}/"
            for path in (floor_path, PATH):  # warm both
                hammer(base, path, [session], seconds=2, connections=CLIENTS)
            runs: dict[str, list[Load]] = {floor_path: [], PATH: []}
            for _ in range(ROUNDS):
                for path in runs:
                    done = hammer(base, path, [session], seconds=SECONDS, connections=CLIENTS)
                    log(f"{username} ({caseload} patients) {path}: {done.summary()}")
                    runs[path].append(done)
            results.append(
                (
                    max(runs[PATH], key=lambda load: load.rate),
                    max(runs[floor_path], key=lambda load: load.rate),
                )
            )
    counts = [len([s for s in page if not TRANSACTION.match(s)]) for page in statements]
    rows = [
        Result(
            f"caseload of {caseload}: p95",
            ours.p95_ms,
            "ms",
            floor=floor.p95_ms,
            target=f"≤ {P95_MS} ms" if size == TIMED else "",
            passed=_passed(ours, timed=size == TIMED),
            note=(
                f"{ours.rate:,.0f} req/s (floor {floor.rate:,.0f}), p50 {ours.p50_ms:.1f} ms; "
                f"{ours.failed} of {ours.requests} not 2xx/3xx"
            ),
        )
        for (_, caseload, _), size, (ours, floor) in zip(chosen, SIZES, results, strict=True)
    ]
    rows.append(
        Result(
            "caseload: queries",
            max(counts),
            "queries",
            target="the same for all three, ≤ 12",
            passed=len(set(counts)) == 1 and max(counts) <= 12,
            note=", ".join(
                f"{caseload}: {count} ({len(page)} statements)"
                for (_, caseload, _), count, page in zip(chosen, counts, statements, strict=True)
            ),
        )
    )
    return rows
