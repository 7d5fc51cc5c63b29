"""The patient record and progress pages: the same number of queries whatever the history.

The patient in the active phase with the longest log is read by the nurse of their care team
through Django's test client, and each page's queries counted; then again with the history cut
to its last 90 and last 30 days (their log, check-ins, falls and assessments before that
deleted): the same patient, so only the length of the history differs. Target: one count per
page for the three. It all runs in a transaction rolled back at the end: the synthetic program
is left as it was.
"""

import re
from typing import Any

from bench.harness import Result, child
from bench.load import program

HISTORIES = (30, 90, 180)  # days of log
PAGES = {"record": "/patients/{}/", "progress": "/patients/{}/progress/"}
TRANSACTION = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")


def history_cut(patient_id: int, days: int, today: Any) -> None:
    """The patient's log, check-ins, falls and assessments of the last `days` days only."""
    from datetime import timedelta

    from osteorehab.assessments.models import Assessment
    from osteorehab.logbook.models import CheckIn, ExerciseLog, FallReport

    since = today - timedelta(days=days)
    for model, day in (
        (ExerciseLog, "day"),
        (CheckIn, "day"),
        (FallReport, "happened_on"),
        (Assessment, "administered_on"),
    ):
        model.objects.filter(patient_id=patient_id, **{f"{day}__lt": since}).delete()


def counts(histories: list[int]) -> list[dict[str, Any]]:
    """The SQL statements of each page for the patient with the longest log, with all of it and
    with it cut to each shorter length (longest first)."""
    from django.db import connection, transaction
    from django.db.models import Min
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from osteorehab.accounts.domain import Role
    from osteorehab.accounts.models import User
    from osteorehab.logbook.models import CheckIn
    from osteorehab.patients.domain import EpisodeStatus

    today = timezone.localdate()
    found = []
    with transaction.atomic():
        longest = (
            CheckIn.objects.filter(patient__episodes__status=EpisodeStatus.ACTIVE)
            .values("patient_id")
            .annotate(first=Min("day"))
            .order_by("first", "patient_id")[0]
        )
        patient_id = longest["patient_id"]
        nurse = (
            User.objects.filter(role=Role.NURSE, care_teams__patients=patient_id)
            .order_by("pk")
            .first()
        )
        if nurse is None:
            raise RuntimeError(f"patient {patient_id} has no nurse")
        client = Client()
        client.force_login(nurse)
        device, _ = TOTPDevice.objects.get_or_create(user=nurse, name="bench", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id  # two-factor passed
        session.save()
        for days in sorted(histories, reverse=True):
            history_cut(patient_id, days, today)
            pages = {}
            for page, path in PAGES.items():
                client.get(path.format(patient_id))  # warm the caches
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path.format(patient_id))
                if response.status_code != 200:
                    raise RuntimeError(f"{path.format(patient_id)}: {response.status_code}")
                pages[page] = [query["sql"] for query in captured.captured_queries]
            first = CheckIn.objects.filter(patient_id=patient_id).aggregate(first=Min("day"))
            found.append({"days": (today - first["first"]).days, "pages": pages})
        transaction.set_rollback(True)
    return found


def run() -> list[Result]:
    found = child("bench.measures.record_queries:counts", program(), list(HISTORIES))
    rows = []
    for page in PAGES:
        numbers = [len([s for s in f["pages"][page] if not TRANSACTION.match(s)]) for f in found]
        rows.append(
            Result(
                f"{page} page: queries",
                max(numbers),
                "queries",
                target="the same for every history",
                passed=len(set(numbers)) == 1,
                note=", ".join(
                    f"{f['days']} days: {n}" for f, n in zip(found, numbers, strict=True)
                ),
            )
        )
    return rows
