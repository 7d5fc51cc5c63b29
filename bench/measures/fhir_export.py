"""FHIR bulk NDJSON export: every resource the program lead reads (10,000 patients), written to
its files by the export job, against `json.dumps` of the same resources prebuilt in memory;
and its memory, which must not grow with the program.

Ours is `fhir.exports.export_run` as the Huey job runs it, in a process of its own: its rate is
the resources written per second, and its memory the peak resident set of that process. The
floor is what any export must do at the least: the same resources, shaped beforehand by the
same code and held in memory, turned into NDJSON lines with `json.dumps` and written to a
file. Holding a whole program's resources would take gigabytes, so the floor takes the same
share of each resource type (every SHARE-th row, in the export's order) and its rate is the
rate of that sample. Target: ours at least half the floor's rate.

Memory "flat from 10k to 100k patients": the same export for a nurse's caseload of 500
patients and for the lead's whole program, each in its own process; the peak memory of both
must be about the same (within MEMORY_SLACK), whatever the number of patients. With
BENCH_LARGE=1, the lead's export of the 100,000-patient program too.
"""

import json
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import LARGE, LARGE_DAYS, Result, child, dataset, large, log

PATIENTS = 10_000
DAYS = 180
SMALL_CASELOAD = 500
SHARE = 10  # the floor's sample: every tenth resource of each type
MEMORY_SLACK = 1.25  # the larger export's peak memory at most this much above the smaller's


def _user(username: str) -> Any:
    from osteorehab.accounts.models import User

    return User.objects.get(username=username)


def users() -> dict[str, Any]:
    """In a child: the lead, and the nurse with the smallest caseload of SMALL_CASELOAD or
    more, with how many patients each reads."""
    from osteorehab.accounts.access import visible_patients
    from osteorehab.accounts.domain import Role
    from osteorehab.accounts.models import User
    from osteorehab.accounts.synthetic import clinician_with_caseload

    lead = User.objects.filter(role=Role.LEAD, is_active=True).order_by("pk").first()
    nurse = clinician_with_caseload(Role.NURSE, SMALL_CASELOAD)
    if lead is None or nurse is None:
        raise RuntimeError("the program has no lead, or no nurse with a large enough caseload")
    return {
        "lead": [lead.username, visible_patients(lead).count()],
        "nurse": [nurse.username, visible_patients(nurse).count()],
    }


def export(username: str) -> dict[str, Any]:
    """In a child of its own: the whole export job for this user; its resources, seconds and
    the process's peak memory (MB). The files are removed afterwards, and the export's audit
    events (one per patient) rolled back with the transaction it runs in."""
    from django.db import transaction

    with transaction.atomic():
        found = _export(_user(username))
        transaction.set_rollback(True)
    return found


def _export(user: Any) -> dict[str, Any]:
    from osteorehab.fhir import exports

    job = exports.export_start(
        user=user,
        types=exports.exportable(user),
        base="http://127.0.0.1/fhir/R4",
        request="http://127.0.0.1/fhir/R4/$export",
        ip="127.0.0.1",
    )
    started = time.perf_counter()
    done = exports.export_run(job.id)
    seconds = time.perf_counter() - started
    if done is None or done.state != exports.State.DONE:
        raise RuntimeError(f"the export ended {done.state if done else 'without a job'}")
    shutil.rmtree(done.folder, ignore_errors=True)
    return {
        "resources": done.done,
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "types": {output.type: output.count for output in done.outputs},
    }


def floor(username: str) -> dict[str, Any]:
    """In a child: every SHARE-th row of each type (by id), shaped as the export shapes them
    and held in memory; then written as NDJSON with json.dumps. The sample's size and the
    seconds of the writing only."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db.models import F

    from osteorehab.fhir import exports, resources, scores

    user = _user(username)
    built: list[list[dict[str, Any]]] = []
    for name in exports.exportable(user):
        if name == exports.QUESTIONNAIRE:
            built.append([scores.questionnaire(i) for i in scores.questionnaires()])
            continue
        source = resources.SOURCES[name]
        rows = list(
            resources.readable(user, source)
            .annotate(bench_share=F("pk") % SHARE)
            .filter(bench_share=0)
            .order_by("pk")
        )
        context = resources.Context()
        shaped = []
        for start in range(0, len(rows), exports.BATCH):
            batch = rows[start : start + exports.BATCH]
            if source.prepare is not None:
                source.prepare(batch, context)
            shaped += [source.shape(row, context) for row in batch]
        built.append(shaped)
    with tempfile.TemporaryDirectory(prefix="bench-fhir-floor-") as folder:
        started = time.perf_counter()
        for n, prebuilt in enumerate(built):
            with Path(folder, f"{n}.ndjson").open("w", encoding="utf-8") as ndjson:
                for one in prebuilt:
                    ndjson.write(json.dumps(one, ensure_ascii=False, cls=DjangoJSONEncoder))
                    ndjson.write("\n")
        seconds = time.perf_counter() - started
    return {"resources": sum(map(len, built)), "seconds": seconds}


def memory(
    small: dict[str, Any], nurse_patients: int, larger: dict[str, Any], patients: int
) -> Result:
    """The row of the larger export's peak memory against the caseload's."""
    return Result(
        f"FHIR bulk export memory: {nurse_patients:,} → {patients:,} patients",
        larger["peak_mb"],
        "MB",
        floor=small["peak_mb"],
        target=f"flat: ≤ {MEMORY_SLACK} × the smaller export's",
        passed=larger["peak_mb"] <= MEMORY_SLACK * small["peak_mb"],
        note=(
            f"peak RSS of the export process: {small['peak_mb']:.0f} MB for "
            f"{small['resources']:,} resources, {larger['peak_mb']:.0f} MB for "
            f"{larger['resources']:,} ({larger['resources'] / larger['seconds']:,.0f}/s)"
        ),
    )


def run() -> list[Result]:
    url = dataset(PATIENTS, DAYS)
    chosen = child("bench.measures.fhir_export:users", url)
    (lead, lead_patients), (nurse, nurse_patients) = chosen["lead"], chosen["nurse"]
    small = child("bench.measures.fhir_export:export", url, nurse)
    whole = child("bench.measures.fhir_export:export", url, lead)
    sample = child("bench.measures.fhir_export:floor", url, lead)
    ours = whole["resources"] / whole["seconds"]
    floor_rate = sample["resources"] / sample["seconds"]
    log(
        f"export {whole['resources']:,} resources in {whole['seconds']:.0f} s "
        f"({ours:,.0f}/s, {whole['peak_mb']:.0f} MB); floor {floor_rate:,.0f}/s; "
        f"{nurse_patients} patients: {small['peak_mb']:.0f} MB"
    )
    rows = [
        Result(
            f"FHIR bulk export: {lead_patients:,} patients",
            ours,
            "resources/s",
            floor=floor_rate,
            target="≥ 0.5 × floor",
            passed=ours >= 0.5 * floor_rate,
            note=(
                f"{whole['resources']:,} resources in {whole['seconds']:.0f} s, streamed to "
                f"NDJSON; floor: json.dumps + write of every {SHARE}th resource prebuilt in "
                f"memory ({sample['resources']:,})"
            ),
        ),
        memory(small, nurse_patients, whole, lead_patients),
    ]
    if large():  # the region's program: its lead's export, against the same caseload's
        region = dataset(LARGE, LARGE_DAYS)
        region_lead, region_patients = child("bench.measures.fhir_export:users", region)["lead"]
        everything = child("bench.measures.fhir_export:export", region, region_lead)
        log(f"export of {region_patients:,} patients: {everything['peak_mb']:.0f} MB")
        rows.append(memory(small, nurse_patients, everything, region_patients))
    return rows
