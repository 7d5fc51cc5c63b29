"""Log submission: patients sending their daily check-in through the real view, under load.

Eight patients, each logged in through the login page with a session of their own, post the
check-in form (`/me/check-in/`) back to back for a bounded time: session authentication, the
CSRF check, the form's validation, the service's checks, the idempotency key (a new one per
request, as each form shown gets), the entry, its audit row and the rules job enqueued on
Redis. The floor is a bare view with the same middleware and authentication doing one
primary-key query, posted the same form by the same client on the same server, alternated with
ours. The queries of one submission are counted apart from the timed runs, through Django's
test client. The load writes, so it runs on the program's scratch copy (`harness.scratch_copy`).
"""

import re
from datetime import date
from typing import Any

from bench.harness import Result, child, log, scratch_copy
from bench.load import Load, hammer, login, program, server

CLIENTS = 8
SECONDS = 12
ROUNDS = 2  # floor and ours alternated, each run twice: the best of each is kept
PASSWORD = "bench-patient-password-2026"  # noqa: S105  (bench-only accounts in a copy)
TRANSACTION = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")
PATH = "/me/check-in/"


def check_in_form(day: date) -> dict[str, str]:
    """A check-in as the form posts it (the client key is added per request)."""
    return {
        "day": day.isoformat(),
        "mood": "4",
        "confidence": "7",
        "fatigue": "3",
        "sleep": "good",
        "pain": "2",
        "back_pain_new": "no",
        "falls": "0",
        "near_falls": "0",
    }


def patient_logins(count: int) -> list[list[Any]]:
    """Logins for `count` patients in the active phase of the program, made for the bench in
    its scratch copy (the same ones again in a later run): [username, patient id] each."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from osteorehab.accounts.domain import Role
    from osteorehab.accounts.models import User
    from osteorehab.patients.domain import EpisodeStatus
    from osteorehab.patients.models import Patient

    names = [f"bench-patient-{n}" for n in range(1, count + 1)]
    with transaction.atomic():
        made = dict(
            Patient.objects.filter(user__username__in=names).values_list("user__username", "pk")
        )
        fresh = (
            Patient.objects.filter(episodes__status=EpisodeStatus.ACTIVE, user__isnull=True)
            .order_by("pk")
            .distinct()
        )
        password = make_password(PASSWORD)
        for name, patient in zip([n for n in names if n not in made], fresh, strict=False):
            user = User.objects.create(
                username=name,
                full_name=patient.name,
                role=Role.PATIENT,
                organisation_id=patient.organisation_id,
                password=password,
            )
            Patient.objects.filter(pk=patient.pk).update(user=user)
            made[name] = patient.pk
    if len(made) < count:
        raise RuntimeError(f"only {len(made)} active patients for the bench's logins")
    return [[name, made[name]] for name in names]


def submission_queries(username: str) -> list[str]:
    """The SQL of one check-in submission (after a first one has warmed the caches)."""
    import uuid

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from osteorehab.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    form = check_in_form(timezone.localdate())
    client.post(PATH, {**form, "client_key": str(uuid.uuid4())})
    with CaptureQueriesContext(connection) as captured:
        response = client.post(PATH, {**form, "client_key": str(uuid.uuid4())})
    if response.status_code != 302:
        raise RuntimeError(f"the check-in was refused: {response.status_code}")
    return [query["sql"] for query in captured.captured_queries]


def today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def run() -> list[Result]:
    url = scratch_copy(program())
    logins = child("bench.measures.log_submission:patient_logins", url, CLIENTS)
    statements = child("bench.measures.log_submission:submission_queries", url, logins[0][0])
    form = check_in_form(date.fromisoformat(child("bench.measures.log_submission:today", url)))
    with server(url) as base:
        sessions = [login(base, username, PASSWORD) for username, _ in logins]
        floor_path = f"/bench/floor/one-query/{logins[0][1]}/"
        for path in (floor_path, PATH):  # warm both: templates, connections, imports
            hammer(base, path, sessions, seconds=2, connections=CLIENTS, form=form)
        runs: dict[str, list[Load]] = {floor_path: [], PATH: []}
        for _ in range(ROUNDS):
            for path in runs:
                done = hammer(base, path, sessions, seconds=SECONDS, connections=CLIENTS, form=form)
                log(f"{path}: {done.summary()}")
                runs[path].append(done)
    floor = max(runs[floor_path], key=lambda load: load.rate)
    ours = max(runs[PATH], key=lambda load: load.rate)
    queries = [s for s in statements if not TRANSACTION.match(s)]
    failed = ours.failed + floor.failed
    note = (
        f"not 2xx/3xx: {ours.failed} of {ours.requests} (floor {floor.failed} of {floor.requests})"
    )
    return [
        Result(
            "log submission: throughput, 8 clients",
            ours.rate,
            "req/s",
            floor=floor.rate,
            target="≥ 0.15 × floor",
            passed=ours.rate >= 0.15 * floor.rate and failed == 0,
            note=note,
        ),
        Result(
            "log submission: p95 latency",
            ours.p95_ms,
            "ms",
            floor=floor.p95_ms,
            target="≤ 50 ms",
            passed=ours.p95_ms <= 50,
            note=f"p50 {ours.p50_ms:.1f} ms, p99 {ours.p99_ms:.1f} ms",
        ),
        Result(
            "log submission: queries",
            len(queries),
            "queries",
            target="≤ 6",
            passed=len(queries) <= 6,
            note=f"{len(statements)} statements with BEGIN/COMMIT/savepoints",
        ),
    ]
