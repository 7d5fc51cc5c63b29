"""The FHIR R4 endpoints under /fhir/R4/: read, search, Patient/$everything, bulk $export and a
transaction import, answering application/fhir+json; errors as OperationOutcomes.

Each endpoint authenticates with a bearer token or the session (`accounts.tokens`); only
`metadata` is open to anyone. Access is the web pages' (`patient_for`, `visible_patients`
through `resources`), and reads of patient data are noted for the audit trail the same way.
"""

import json
from collections.abc import Callable, Mapping
from functools import wraps
from importlib.metadata import version
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from osteorehab.accounts.access import parts_for, patient_for
from osteorehab.accounts.tokens import authenticate
from osteorehab.audit.services import note_access
from osteorehab.core.numbers import id_from
from osteorehab.core.types import AuthedRequest

from . import domain, exports, scores
from .domain import JSON, NDJSON, Issue, SearchError
from .imports import bundle_import, may_import
from .resources import (
    CASELOAD_ROLES,
    SHARED,
    SOURCES,
    Context,
    may_read,
    patient_of,
    readable,
)
from .tasks import fhir_export

QUESTIONNAIRES = {scores.slug(i.code): i for i in scores.questionnaires()}
READING = ("GET", "HEAD")


class Refusal(Exception):
    """An answer other than the resource: its status and the OperationOutcome's issue."""

    def __init__(self, status: int, code: str, diagnostics: str, *expression: str) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.issue = Issue(code, diagnostics, expression)


def fhir_response(data: Mapping[str, Any], status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder),
        content_type=f"{JSON}; charset=utf-8",
        status=status,
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _refused(status: int, issues: list[Issue], **headers: str) -> HttpResponse:
    return fhir_response(domain.outcome(issues), status, **headers)


def fhir_view(*, open_to_all: bool = False) -> Callable[[Callable[..., HttpResponseBase]], Any]:
    """Authenticate the request (token or session) and answer refusals as OperationOutcomes:
    401 without credentials, 404 for what the user may not know of, 403 for what they know of
    but may not do, 400 for a request we cannot read. Displays are in English."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Any:
        @csrf_exempt  # token clients send no cookie; `authenticate` checks session writes
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            with translation.override("en"):
                try:
                    if authenticate(request) is None and not open_to_all:
                        raise Refusal(401, "login", "authenticate: Authorization: Bearer <token>")
                    return view(request, *args, **kwargs)
                except Refusal as refusal:
                    headers = {"WWW_Authenticate": "Bearer"} if refusal.status == 401 else {}
                    return _refused(refusal.status, [refusal.issue], **headers)
                except Http404:
                    return _refused(404, [Issue("not-found", "not found")])
                except PermissionDenied:
                    return _refused(403, [Issue("forbidden", "not allowed")])
                except SearchError as error:
                    return _refused(400, [Issue("invalid", str(error), (error.parameter,))])

        return wrapper

    return decorate


def _only(request: HttpRequest, *methods: str) -> None:
    if request.method not in methods:
        raise Refusal(405, "not-supported", f"{request.method} is not supported here")


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:base")).rstrip("/")


def _view_name(request: HttpRequest) -> str:
    return request.resolver_match.view_name if request.resolver_match else ""


def _source(resource_type: str) -> Any:
    if resource_type not in SOURCES:
        raise Refusal(404, "not-supported", f"no resource type {resource_type!r} here")
    return SOURCES[resource_type]


@fhir_view(open_to_all=True)
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: exactly what this server does."""
    _only(request, *READING)
    searches = {name: _search_parameters(source) for name, source in SOURCES.items()}
    searches["Questionnaire"] = {"_id": "token"}
    statement = domain.capability(
        base=_base(request), software=version("osteorehab"), searches=searches
    )
    return fhir_response(statement)


def _search_parameters(source: Any) -> dict[str, str]:
    found = {"_id": "token"}
    if source.patient is not None and source.resource_type != "Patient":
        found |= {"patient": "reference", "subject": "reference"}
    return found | dict.fromkeys(source.dates, "date")


@fhir_view()
def read(request: AuthedRequest, resource_type: str, resource_id: str) -> HttpResponse:
    if resource_type == "Questionnaire":
        _only(request, *READING)
        if resource_id not in QUESTIONNAIRES:
            raise Http404
        return fhir_response(scores.questionnaire(QUESTIONNAIRES[resource_id]))
    source = _source(resource_type)
    pk = id_from(resource_id)
    row = source.rows().filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise Http404
    patient_id = patient_of(source, row)
    if patient_id is not None:  # 404 for outsiders, 403 for a part not shared; a read noted
        patient_for(request, patient_id, part=source.part)
    elif not readable(request.user, source).filter(pk=pk).exists():
        raise Http404
    if not may_read(request.user, source):
        raise PermissionDenied
    _only(request, *READING)
    return fhir_response(source.shape(row, Context()))


def _patient_filter(source: Any, request: HttpRequest) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if source.patient is None or source.resource_type == "Patient":
        return found
    for parameter in ("patient", "subject"):
        for value in request.GET.getlist(parameter):
            patient_id = domain.reference_id(value, "Patient", parameter)
            found[source.patient] = id_from(patient_id) or 0
    return found


def _filters(source: Any, request: HttpRequest) -> dict[str, Any]:
    """The search's own parameters as lookups; parameters we do not know are ignored, as
    FHIR asks of a lenient server."""
    found = _patient_filter(source, request)
    for value in request.GET.getlist("_id"):
        found["pk"] = id_from(value) or 0
    for parameter, field in source.dates.items():
        for value in request.GET.getlist(parameter):
            bound = domain.date_bound(value, parameter)
            if bound.first is not None:
                found[f"{field}__gte"] = bound.first
            if bound.last is not None:
                found[f"{field}__lte"] = bound.last
    return found


def _query(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (k, v) for k, values in request.GET.lists() for v in values if k[0] != "_" or k == "_id"
    ]


@fhir_view()
def search(request: AuthedRequest, resource_type: str) -> HttpResponse:
    _only(request, *READING)
    count = domain.page_size(request.GET.get("_count"))
    offset = domain.page_offset(request.GET.get("_offset"))
    if resource_type == "Questionnaire":
        chosen = request.GET.get("_id")
        found = [scores.questionnaire(i) for k, i in QUESTIONNAIRES.items() if chosen in (None, k)]
        page = domain.Page(found[offset : offset + count], offset, count, len(found))
    else:
        source = _source(resource_type)
        rows = readable(request.user, source).filter(**_filters(source, request))
        chosen_rows = list(rows.order_by("pk")[offset : offset + count])
        patients = {patient_of(source, row) for row in chosen_rows} - {None}
        note_access(patients, view_name=_view_name(request), listed=True)  # type: ignore[arg-type]
        context = Context()
        resources = [source.shape(row, context) for row in chosen_rows]
        page = domain.Page(resources, offset, count, rows.count())
    bundle = domain.searchset(page, base=_base(request), path=resource_type, query=_query(request))
    return fhir_response(bundle)


@fhir_view()
def everything(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """Everything on the patient's record this user reads, in one searchset Bundle."""
    patient = patient_for(request, patient_id)
    _only(request, *READING)
    parts = parts_for(request.user, patient)
    resources: list[dict[str, Any]] = []
    context = Context()
    for name, source in SOURCES.items():
        lookup = source.patient
        if lookup is None or name in SHARED or not may_read(request.user, source):
            continue
        if source.part in (None, *parts):
            rows = source.rows().filter(**{lookup: patient.pk}).order_by("pk")
            resources += [source.shape(row, context) for row in rows]
    practitioners = SOURCES["Practitioner"]
    members = readable(request.user, practitioners).filter(memberships__care_team=patient.care_team)
    resources += [practitioners.shape(user, context) for user in members.order_by("pk")]
    path = f"Patient/{patient.pk}/$everything"
    return fhir_response(domain.everything(resources, base=_base(request), path=path))


@fhir_view()
def export(request: AuthedRequest) -> HttpResponse:
    """Bulk export kick-off: 202 and where to ask how far the job is."""
    if request.user.role not in CASELOAD_ROLES:
        raise PermissionDenied
    _only(request, *READING)
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise Refusal(400, "invalid", "a bulk export needs the header Prefer: respond-async")
    if request.GET.get("_since"):
        raise Refusal(400, "not-supported", "_since is not supported", "_since")
    allowed = exports.exportable(request.user)
    asked = [t for t in request.GET.get("_type", "").split(",") if t] or allowed
    unknown = [t for t in asked if t not in allowed]
    if unknown:
        raise Refusal(400, "not-supported", f"cannot export {', '.join(unknown)}", "_type")
    job = exports.export_start(
        user=request.user,
        types=asked,
        base=_base(request),
        request=request.build_absolute_uri(),
        ip=request.META.get("REMOTE_ADDR"),
    )
    fhir_export(job.id)
    status = request.build_absolute_uri(reverse("fhir:export-status", args=[job.id]))
    return HttpResponse(status=202, headers={"Content-Location": status})


def _job(request: AuthedRequest, job_id: str) -> exports.Job:
    job = exports.job_for(request.user, job_id)
    if job is None:
        raise Http404
    return job


@fhir_view()
def export_status(request: AuthedRequest, job_id: str) -> HttpResponse:
    """202 with its progress while the job runs; 200 with the files when done; DELETE
    cancels it and removes the files."""
    job = _job(request, job_id)
    _only(request, *READING, "DELETE")
    if request.method == "DELETE":
        exports.job_delete(job)
        return HttpResponse(status=202)
    if job.state == exports.State.FAILED:
        return _refused(500, [Issue("exception", f"the export failed: {job.error}")])
    if job.state != exports.State.DONE:
        return HttpResponse(status=202, headers={"X-Progress": job.progress, "Retry-After": "5"})
    return fhir_response(job.manifest())


@fhir_view()
def export_file(request: AuthedRequest, job_id: str, file_name: str) -> FileResponse:
    job = _job(request, job_id)
    _only(request, *READING)
    names = {output.file_name for output in job.outputs}
    if job.state != exports.State.DONE or file_name not in names:
        raise Http404
    return FileResponse((job.folder / file_name).open("rb"), content_type=NDJSON)


@fhir_view()
def base(request: AuthedRequest) -> HttpResponse:
    """POST a transaction Bundle of Patients and Observations: all imported, or none."""
    _only(request, "POST")
    if not may_import(request.user):
        raise PermissionDenied
    try:
        bundle = json.loads(request.body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise Refusal(400, "structure", "the body is not JSON") from None
    imported = bundle_import(by=request.user, bundle=bundle)
    if imported.response is None:
        return _refused(400, list(imported.issues))
    return fhir_response(imported.response)
