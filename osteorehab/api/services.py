"""Registering patients from the JSON API and from a spreadsheet, through the patients app's
registration form and service (`patient_register`: audited, with the consent and the episode).

The import is all or nothing. A background job reads the file, then checks every row in two
passes: first each row is registered in a transaction that is rolled back, a chunk of rows at a
time, so that the progress can be saved between chunks and the page shows it; then, when no row
had a problem, every row is registered again in one transaction, which commits. A row refused in
either pass (a patient registered meanwhile by someone else) leaves nothing imported and its
problems listed, each with its row, column and message in the language of the user who uploaded
the file.

A job whose worker died says so: one still checking or importing that has not saved its
progress for `STALE` is marked failed by a periodic job (`imports_stalled`), so its page stops
showing a progress bar that will never move.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.models import CareTeam, User
from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event, current_ip, request_begin, request_end
from osteorehab.patients.models import Patient
from osteorehab.patients.services import PATIENT_FIELDS, patient_register

from .domain import COLUMNS, Problem, Row, decode, read_sheet, repeated
from .forms import ImportRowForm
from .models import ImportJob, ImportState
from .tasks import patients_import

MAX_MB = 5
MAX_BYTES = MAX_MB * 1024 * 1024
MAX_ROWS = 10_000  # with MAX_MB: a file a clinic's job worker checks and registers in minutes
CHUNK = 200  # rows checked between two saves of the progress
# No save for this long: the worker died. A chunk saves within seconds; the last pass, one
# transaction without saves, registers MAX_ROWS in minutes.
STALE = timedelta(minutes=30)

PROBLEM_MESSAGES = {
    "not_text": _("The file is not text in UTF-8 or GB18030. Save it from the spreadsheet as CSV."),
    "too_large": _("The file is larger than %(max)s MB. Split it into several files."),
    "not_csv": _("The file cannot be read as CSV."),
    "no_header": _("The first row must name the columns."),
    "no_rows": _("The file has no patients."),
    "too_many_rows": _("The file has more than %(max)s patients. Split it into several files."),
    "unknown_column": _("Unknown column: check its name against the list of columns."),
    "repeated_column": _("This column is given twice."),
    "missing_column": _("This column is needed."),
    "too_many_cells": _("This row has more cells than the header has columns (%(columns)s)."),
    "same_number": _("Row %(row)s has the same hospital record number."),
    "same_person": _("Row %(row)s has the same names and date of birth."),
    "stopped": _("The import stopped on an unexpected error. Nothing was imported."),
}


def registration(*, by: User, data: Mapping[str, Any], allow_duplicate: bool = False) -> Patient:
    """Register a patient from the cleaned data of a registration form (the web's, the API's
    or a spreadsheet row's)."""
    return patient_register(
        by=by,
        care_team=data["care_team"],
        data={name: data[name] for name in PATIENT_FIELDS},
        program_consent=data["program_consent"],
        consent_on=data["consent_on"] or timezone.localdate(),
        referred_on=data["referred_on"],
        allow_duplicate=allow_duplicate,
    )


def importer_teams(user: User) -> QuerySet[CareTeam]:
    """The care teams a clinician registers patients into: their own, as on the web form."""
    return CareTeam.objects.filter(memberships__user=user).order_by("name")


# ---- Problems, in the words of the user who uploaded the file ----


def _said(problem: Problem) -> dict[str, Any]:
    message = PROBLEM_MESSAGES[problem.code]
    text = str(message) % dict(problem.params) if "%(" in str(message) else str(message)
    return {"row": problem.row, "column": problem.column, "message": text}


def _refusals(row: int, errors: Mapping[str, Iterable[Any]]) -> list[dict[str, Any]]:
    """A form's or a service's refusals, on the column they name (the row as a whole for the
    rest: a duplicate of a registered patient, a rule on several columns)."""
    return [
        {"row": row, "column": field if field in COLUMNS else "", "message": str(message)}
        for field, messages in errors.items()
        for message in messages
    ]


def _errors_of(error: ValidationError) -> Mapping[str, Iterable[Any]]:
    return (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )


def _in_order(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    columns = {name: i for i, name in enumerate(COLUMNS)}
    return sorted(
        problems, key=lambda p: (p["row"] or 0, columns.get(p["column"], -1), p["message"])
    )


def _register_row(
    row: Row, by: User, teams: QuerySet[CareTeam], *, register: bool = True
) -> tuple[Patient | None, list[dict[str, Any]]]:
    """The row's patient registered, or its problems; with `register` False only the form's
    checks run (for a row repeating an earlier one, which registration would call a duplicate
    of a registered patient)."""
    form = ImportRowForm(dict(row.values), care_teams=teams)
    if not form.is_valid():
        return None, _refusals(row.number, form.errors)
    if not register:
        return None, []
    try:
        return registration(by=by, data=form.cleaned_data), []
    except ValidationError as error:
        return None, _refusals(row.number, _errors_of(error))


# ---- The job ----


@transaction.atomic
def patients_import_start(*, by: User, file_name: str, data: bytes, language: str) -> ImportJob:
    """Keep an uploaded file for the import job, which starts once this commits; a file too
    large or not text is refused at once."""
    job = ImportJob(
        organisation_id=by.organisation_id,
        created_by=by,
        file_name=file_name.replace("\x00", "")[:200],
        language=language,
        ip=current_ip(),
    )
    text = decode(data) if len(data) <= MAX_BYTES else None
    if len(data) > MAX_BYTES or text is None or "\x00" in text:
        code = "too_large" if len(data) > MAX_BYTES else "not_text"
        job.state, job.finished_at = ImportState.REFUSED, timezone.now()
        job.problems = [_said(Problem(None, "", code, {"max": MAX_MB}))]
    else:
        job.content = text
    job.save()
    audit_event(
        by=by,
        action=AuditAction.CREATE,
        target=ImportJob._meta.label,
        object_id=job.pk,
        changes={"file_name": job.file_name, "bytes": len(data), "state": job.state},
    )
    if not job.finished:
        transaction.on_commit(lambda: patients_import(str(job.pk)))
    return job


def _progress(job: ImportJob, **fields: Any) -> None:
    """Saved at once (outside any transaction of the job) for the page that polls it."""
    ImportJob.objects.filter(pk=job.pk).update(**fields, saved_at=timezone.now())


def _finish(
    job: ImportJob,
    state: ImportState,
    problems: Sequence[dict[str, Any]] = (),
    patients: Sequence[int] = (),
) -> None:
    before = ImportJob.objects.get(pk=job.pk).state
    _progress(
        job,
        state=state,
        problems=list(problems),
        patient_ids=list(patients),
        content="",
        finished_at=timezone.now(),
    )
    audit_event(
        by=job.created_by,
        action=AuditAction.UPDATE,
        target=ImportJob._meta.label,
        object_id=job.pk,
        changes={
            "state": [before, state.value],
            "patients": len(patients),
            "problems": len(problems),
        },
    )


def _check(job: ImportJob, rows: Sequence[Row], teams: QuerySet[CareTeam]) -> list[dict]:
    """The first pass: every row registered and rolled back, a chunk at a time."""
    repeats = repeated(rows)
    repeating = {problem.row for problem in repeats}
    problems = [_said(problem) for problem in repeats]
    for start in range(0, len(rows), CHUNK):
        with transaction.atomic():
            for row in rows[start : start + CHUNK]:
                register = row.number not in repeating
                problems += _register_row(row, job.created_by, teams, register=register)[1]
            transaction.set_rollback(True)
        _progress(job, checked=min(start + CHUNK, len(rows)))
    return problems


def _import(job: ImportJob, rows: Sequence[Row], teams: QuerySet[CareTeam]) -> None:
    """The second pass: every row registered in one transaction, or none."""
    _progress(job, state=ImportState.IMPORTING)
    with transaction.atomic():
        patients, problems = [], []
        for row in rows:
            patient, found = _register_row(row, job.created_by, teams)
            problems += found
            if patient is not None:
                patients.append(patient.pk)
        if problems:
            transaction.set_rollback(True)
        else:
            _finish(job, ImportState.DONE, patients=patients)
    if problems:
        _finish(job, ImportState.REFUSED, _in_order(problems))


def imports_stalled() -> int:
    """Mark failed the jobs whose worker died (see the module's docstring); how many."""
    running = ImportJob.objects.filter(
        state__in=[ImportState.CHECKING, ImportState.IMPORTING],
        saved_at__lt=timezone.now() - STALE,
    ).select_related("created_by")
    for job in running:
        _failed(job)
    return len(running)


def _failed(job: ImportJob) -> None:
    with translation.override(job.language):
        _finish(job, ImportState.FAILED, [_said(Problem(None, "", "stopped"))])


def patients_import_run(job_id: str) -> None:
    """Run a queued import job (see the module's docstring). Idempotent: a job already taken up
    by a worker is left to it. Its audit rows carry the address the file came from."""
    if not ImportJob.objects.filter(pk=job_id, state=ImportState.QUEUED).update(
        state=ImportState.CHECKING
    ):
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    token = request_begin(job.ip)
    try:
        with translation.override(job.language):
            sheet = read_sheet(job.content, max_rows=MAX_ROWS)
            _progress(job, total=len(sheet.rows))
            problems = [_said(problem) for problem in sheet.problems]
            if sheet.rows:
                problems += _check(job, sheet.rows, importer_teams(job.created_by))
            if problems:
                _finish(job, ImportState.REFUSED, _in_order(problems))
                return
            _import(job, sheet.rows, importer_teams(job.created_by))
    except Exception:
        _failed(job)
        raise
    finally:
        request_end(token)
