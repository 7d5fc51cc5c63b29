"""Bulk export (FHIR Bulk Data `$export`): every resource a user may read, one NDJSON file per
resource type, written by a background job that reports its progress.

A job is a folder under VAR_DIR/fhir-exports/<job id>/ holding the files and `job.json`, its
state (the FHIR app keeps no tables). Only the user who asked may see the job and fetch its
files. Rows are read with `iterator(chunk_size=...)` and written line by line, so a job's
memory stays the same whatever the size of the program; the patients whose data went out are
recorded in the audit trail, one event each, as a list read of the export.

A job whose worker died says so: a running job that has not saved its progress for `STALE` is
reported as failed (asking for a new export), never as running for ever. Jobs and their files
are removed `KEEP` after they were last written (a daily job), so exported data does not pile up
on the server.
"""

import json
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from osteorehab.accounts.models import User
from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import RequestAudit, record_reads

from . import scores
from .resources import SOURCES, Context, may_read, patient_of, readable

CHUNK = 1000  # resources written between two saves of the job's progress
# Rows read and shaped at a time: what a batch needs besides its rows (a care plan's versions
# and check-ups) is read at once for the batch. The batch, not the program, sets the memory.
BATCH = 250
QUESTIONNAIRE = "Questionnaire"
VIEW_NAME = "fhir:export"
STALE = timedelta(minutes=10)  # progress is saved every CHUNK resources: many times a minute
KEEP = timedelta(days=7)  # long enough to fetch the files, short enough not to hoard data
STOPPED = "the job stopped before it finished; start the export again"


class State:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Output:
    type: str
    count: int = 0

    @property
    def file_name(self) -> str:
        return f"{self.type}.ndjson"


@dataclass
class Job:
    id: str
    user_id: int
    types: list[str]
    base: str  # the FHIR base URL the request came to, for the files' addresses
    request: str  # the kick-off request's URL, as the manifest repeats it
    ip: str | None
    transaction_time: str
    state: str = State.QUEUED
    done: int = 0
    total: int = 0
    outputs: list[Output] = field(default_factory=list)
    error: str = ""
    saved_at: str = ""

    @property
    def folder(self) -> Path:
        return export_root() / self.id

    def save(self) -> None:
        """Written whole and renamed into place: a reader never sees half a state."""
        self.saved_at = timezone.now().isoformat()
        partial = self.folder / "job.json.partial"
        partial.write_text(json.dumps(asdict(self)))
        partial.replace(self.folder / "job.json")

    @property
    def progress(self) -> str:
        percent = 100 * self.done // self.total if self.total else 0
        return f"{self.state}: {percent}% ({self.done} of {self.total} resources)"

    def manifest(self) -> dict[str, Any]:
        return {
            "transactionTime": self.transaction_time,
            "request": self.request,
            "requiresAccessToken": True,
            "output": [
                {
                    "type": output.type,
                    "url": f"{self.base}/$export-file/{self.id}/{output.file_name}",
                    "count": output.count,
                }
                for output in self.outputs
            ],
            "error": [],
        }


def export_root() -> Path:
    return Path(settings.VAR_DIR) / "fhir-exports"


def exportable(user: Any) -> list[str]:
    """The resource types this user's export holds."""
    return [QUESTIONNAIRE, *(name for name, source in SOURCES.items() if may_read(user, source))]


def job_for(user: Any, job_id: str) -> Job | None:
    """The job, if it is this user's (anyone else is told it does not exist)."""
    try:
        folder = export_root() / str(uuid.UUID(job_id))
        data = json.loads((folder / "job.json").read_text())
    except (ValueError, OSError):
        return None
    outputs = [Output(**output) for output in data.pop("outputs")]
    job = Job(**data, outputs=outputs)
    if job.state == State.RUNNING and _older_than(job.saved_at, STALE):
        job.state, job.error = State.FAILED, STOPPED  # its worker died; nothing will finish it
    return job if job.user_id == user.pk else None


def _older_than(saved_at: str, age: timedelta) -> bool:
    return datetime.fromisoformat(saved_at) < timezone.now() - age


def exports_prune() -> int:
    """Remove the jobs last written more than KEEP ago, with their files; how many."""
    removed = 0
    for folder in export_root().glob("*/"):
        try:
            saved_at = json.loads((folder / "job.json").read_text())["saved_at"]
            old = _older_than(saved_at, KEEP)
        except (OSError, ValueError, KeyError):  # no readable state: judged by the folder's age
            old = folder.stat().st_mtime < (timezone.now() - KEEP).timestamp()
        if old:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def export_start(
    *, user: User, types: Sequence[str], base: str, request: str, ip: str | None
) -> Job:
    job = Job(
        id=str(uuid.uuid4()),
        user_id=user.pk,
        types=list(types),
        base=base,
        request=request,
        ip=ip,
        transaction_time=timezone.now().isoformat(),
    )
    job.folder.mkdir(parents=True)
    job.save()
    return job


def job_delete(job: Job) -> None:
    shutil.rmtree(job.folder, ignore_errors=True)


def resources_of(user: Any, name: str, patients: set[int]) -> tuple[int, Iterator[dict[str, Any]]]:
    """How many resources of this type the user's export holds, and them one by one."""
    if name == QUESTIONNAIRE:
        instruments = scores.questionnaires()
        return len(instruments), (scores.questionnaire(i) for i in instruments)
    source = SOURCES[name]
    rows = readable(user, source).order_by("pk")
    context = Context()

    def shaped() -> Iterator[dict[str, Any]]:
        found = rows.iterator(chunk_size=BATCH)
        while batch := list(islice(found, BATCH)):
            if source.prepare is not None:
                source.prepare(batch, context)
            for row in batch:
                patient_id = patient_of(source, row)
                if patient_id is not None:
                    patients.add(patient_id)
                yield source.shape(row, context)

    return rows.count(), shaped()


def _audit(user: User, job: Job, patients: Iterable[int]) -> None:
    chosen = sorted(patients)
    for start in range(0, len(chosen), CHUNK):
        audit = RequestAudit(ip=job.ip, view_name=VIEW_NAME)
        audit.read = dict.fromkeys(chosen[start : start + CHUNK], AuditAction.LIST)
        record_reads(audit, user)


def export_run(job_id: str, *, on_progress: Callable[[Job], None] | None = None) -> Job | None:
    """Write the job's files, saving its progress every CHUNK resources (and telling
    `on_progress`). A job already running or done is left as it is, so running the task twice
    writes nothing twice."""
    folder = export_root() / job_id
    try:
        user_id = json.loads((folder / "job.json").read_text())["user_id"]
    except (OSError, ValueError, KeyError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    job = job_for(user, job_id) if user else None
    if user is None or job is None or job.state != State.QUEUED:
        return job
    job.state = State.RUNNING
    patients: set[int] = set()

    def report() -> None:
        job.save()
        if on_progress is not None:
            on_progress(job)

    try:
        streams = [(name, *resources_of(user, name, patients)) for name in job.types]
        job.total = sum(count for _name, count, _lines_of in streams)
        report()
        for name, _count, resources in streams:
            output = Output(name)
            job.outputs.append(output)
            with (job.folder / output.file_name).open("w", encoding="utf-8") as ndjson:
                for resource in resources:
                    ndjson.write(json.dumps(resource, ensure_ascii=False, cls=DjangoJSONEncoder))
                    ndjson.write("\n")
                    output.count += 1
                    job.done += 1
                    if job.done % CHUNK == 0:
                        report()
        _audit(user, job, patients)
        job.state = State.DONE
    except Exception as error:
        job.state, job.error = State.FAILED, type(error).__name__
        job.save()
        raise
    report()
    return job
