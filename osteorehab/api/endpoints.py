"""The JSON API's endpoints: thin, as the web views are. Each starts with the access helper the
web page of the same thing uses (`patient_for` with its part and action, `visible_patients`,
`require_role`), writes through the same service (one transaction, audited), and reads what the
page reads."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import File, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from osteorehab.accounts.access import parts_for, patient_for, require_role, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role
from osteorehab.assessments.models import Assessment
from osteorehab.assessments.services import assessment_record, instrument_for
from osteorehab.audit.services import note_access
from osteorehab.core.types import AuthedRequest
from osteorehab.logbook.models import CheckIn, ExerciseLog
from osteorehab.logbook.selectors import approved_version, in_force_from
from osteorehab.logbook.services import check_in_record, exercise_log_record, may_enter_for
from osteorehab.patients.forms import RegisterForm
from osteorehab.patients.models import Episode, Patient
from osteorehab.plans.domain import SECTIONS, items_of
from osteorehab.plans.models import PlanVersion
from osteorehab.plans.selectors import library, names
from osteorehab.rules.forms import ModifyForm, modify_data
from osteorehab.rules.models import Proposal
from osteorehab.rules.models import Status as ProposalStatus
from osteorehab.rules.services import proposal_accept, proposal_modify, proposal_reject
from osteorehab.rules.views import URGENT_FIRST

from . import schemas as s
from .main import Page, api
from .models import ImportJob
from .services import MAX_BYTES, importer_teams, patients_import_start, registration

STAFF = (*CLINICAL_ROLES, Role.LEAD)
# What a family member sees of the record only when the patient shares that part.
PART_FIELDS = {
    Part.PROGRAM: ("care_team", "status"),
    Part.MEDICAL: ("diagnosis_on", "relevant_conditions"),
}
# Episodes are ordered newest first: the first is the current one.
CURRENT_STATUS = Subquery(Episode.objects.filter(patient=OuterRef("pk")).values("status")[:1])

router = Router()


def _language() -> str:
    return get_language() or "en"


# ---- Patients ----


@router.get(
    "/patients",
    response={200: list[s.PatientOut], **s.refusals(401, 403, 422)},
    tags=["patients"],
    url_name="patient-list",
)
@paginate(Page)
def list_patients(request: AuthedRequest, filters: Query[s.PatientFilters]) -> QuerySet[Patient]:
    """The patients the user reaches, as on the caseload (care team staff and the program
    lead): by family name."""
    require_role(request.user, *STAFF)
    rows = (
        visible_patients(request.user)
        .select_related("care_team")
        .annotate(current_status=CURRENT_STATUS)
    )
    if filters.name:
        rows = rows.filter(
            Q(family_name__icontains=filters.name) | Q(given_name__icontains=filters.name)
        )
    if filters.record_number:
        rows = rows.filter(record_number=filters.record_number)
    if filters.care_team is not None:
        rows = rows.filter(care_team_id=filters.care_team)
    if filters.status:
        rows = rows.filter(current_status=filters.status)
    if filters.updated_since:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    return rows.order_by("family_name", "given_name", "pk")


@router.post(
    "/patients",
    response={201: s.PatientOut, **s.refusals(400, 401, 403, 422)},
    tags=["patients"],
    url_name="patient-create",
)
def create_patient(request: AuthedRequest, payload: s.PatientIn) -> Status[Patient]:
    """Register a patient, as the registration form does (clinicians, into one of their care
    teams): their consent decision recorded and a program episode opened as referred."""
    require_role(request.user, *CLINICAL_ROLES)
    data = payload.model_dump()
    form = RegisterForm(
        {**data, "confirm_duplicate": data.pop("allow_duplicate")},
        care_teams=importer_teams(request.user),
    )
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    patient = registration(
        by=request.user, data=form.cleaned_data, allow_duplicate=payload.allow_duplicate
    )
    return Status(201, patient)


@router.get(
    "/patients/{int:patient_id}",
    response={200: s.PatientOut, **s.refusals(401, 403, 404)},
    tags=["patients"],
    url_name="patient-detail",
)
def patient_detail(request: AuthedRequest, patient_id: int) -> s.PatientOut:
    patient = patient_for(request, patient_id)
    parts = parts_for(request.user, patient)
    hidden = [name for part, fields in PART_FIELDS.items() if part not in parts for name in fields]
    return s.PatientOut.from_orm(patient).model_copy(update=dict.fromkeys(hidden))


# ---- Assessments ----


@router.get(
    "/patients/{int:patient_id}/assessments",
    response={200: list[s.AssessmentOut], **s.refusals(401, 403, 404, 422)},
    tags=["assessments"],
    url_name="assessment-list",
)
@paginate(Page)
def list_assessments(
    request: AuthedRequest, patient_id: int, instrument: s.Text | None = None
) -> QuerySet[Assessment]:
    """The patient's assessments, newest first (those entered in error left out)."""
    patient = patient_for(request, patient_id, part=Part.PROGRESS)
    rows = patient.assessments.valid()
    if instrument:
        rows = rows.filter(instrument=instrument)
    return rows.order_by("-administered_on", "-id")


@router.post(
    "/patients/{int:patient_id}/assessments",
    response={201: s.AssessmentOut, **s.refusals(400, 401, 403, 404, 422)},
    tags=["assessments"],
    url_name="assessment-create",
)
def create_assessment(
    request: AuthedRequest, patient_id: int, payload: s.AssessmentIn
) -> Status[Assessment]:
    """Score the answers with the instrument and keep them, as the assessment form does
    (clinicians); the alerts a result calls for (PHQ-9 item 9) are raised. Answers the
    instrument refuses give 422, each message on the field it names."""
    patient = patient_for(request, patient_id, action=Action.EDIT)
    try:
        instrument_for(payload.instrument)
    except ValidationError as error:
        raise ValidationError({"instrument": error.messages}) from error
    assessment = assessment_record(
        patient=patient,
        by=request.user,
        code=payload.instrument,
        answers=payload.answers,
        administered_on=payload.administered_on,
        occasion=payload.occasion,
        note=payload.note,
    )
    return Status(201, assessment)


# ---- Plans ----


def _version_out(version: PlanVersion, exercise_names: dict[str, str]) -> dict[str, Any]:
    field = "zh" if _language().startswith("zh") else "en"
    kept = version.content.get("sections", {})
    return {
        "number": version.number,
        "created_at": version.created_at,
        "author": version.author.full_name,
        "author_role": version.author_role,
        "reason": version.reason,
        "needs_approval": version.needs_approval,
        "approved": version.approved,
        "approved_at": version.approved_at,
        "in_force_from": in_force_from(version) if version.approved else None,
        "items": [
            s.item_out(item, exercise_names.get(item.exercise, item.exercise))
            for item in items_of(version.content)
        ],
        "sections": {
            name: [entry[field] for entry in kept.get(name, ())]
            for name in SECTIONS
            if kept.get(name)
        },
    }


def _versions(patient: Patient) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan__patient=patient).select_related("author")


@router.get(
    "/patients/{int:patient_id}/plan",
    response={200: s.PlanOut, **s.refusals(401, 403, 404)},
    tags=["plans"],
    url_name="plan",
)
def plan(request: AuthedRequest, patient_id: int) -> dict[str, Any]:
    """The version of the plan in force (the latest approved one), and a newer version waiting
    for the physician's approval, if any."""
    patient = patient_for(request, patient_id, part=Part.PLAN)
    exercise_names = names(_language())
    in_force = approved_version(patient)
    latest = _versions(patient).order_by("-number").first()
    waiting = latest if latest is not None and not latest.approved else None
    return {
        "in_force": _version_out(in_force, exercise_names) if in_force else None,
        "waiting_for_approval": _version_out(waiting, exercise_names) if waiting else None,
    }


@router.get(
    "/patients/{int:patient_id}/plan/versions",
    response={200: list[s.PlanVersionOut], **s.refusals(401, 403, 404, 422)},
    tags=["plans"],
    url_name="plan-versions",
)
@paginate(Page)
def plan_versions(request: AuthedRequest, patient_id: int) -> list[dict[str, Any]]:
    """Every version of the plan, newest first, each as it was written."""
    patient = patient_for(request, patient_id, part=Part.PLAN)
    exercise_names = names(_language())
    return [_version_out(v, exercise_names) for v in _versions(patient).order_by("-number")]


# ---- The log ----


def _entering(request: AuthedRequest, patient_id: int) -> Patient:
    """The patient whose log the user writes in: their own, or as the web's entry pages allow
    (a clinician of the care team; a family member the patient allowed)."""
    patient = patient_for(request, patient_id, part=Part.LOG)
    if request.user.role != Role.PATIENT and not may_enter_for(request.user, patient):
        raise PermissionDenied
    return patient


def _between(rows: QuerySet[Any], period: s.Period) -> QuerySet[Any]:
    if period.since:
        rows = rows.filter(day__gte=period.since)
    if period.until:
        rows = rows.filter(day__lte=period.until)
    return rows.order_by("-day", "-id")


@router.get(
    "/patients/{int:patient_id}/exercise-logs",
    response={200: list[s.ExerciseLogOut], **s.refusals(401, 403, 404, 422)},
    tags=["log"],
    url_name="exercise-log-list",
)
@paginate(Page)
def list_exercise_logs(
    request: AuthedRequest, patient_id: int, period: Query[s.Period]
) -> QuerySet[ExerciseLog]:
    patient = patient_for(request, patient_id, part=Part.LOG)
    return _between(patient.exercise_logs.all(), period)


@router.post(
    "/patients/{int:patient_id}/exercise-logs",
    response={201: s.ExerciseLogOut, **s.refusals(400, 401, 403, 404, 422)},
    tags=["log"],
    url_name="exercise-log-create",
)
def create_exercise_log(
    request: AuthedRequest, patient_id: int, payload: s.ExerciseLogIn
) -> Status[ExerciseLog]:
    """One exercise of a session, of an approved plan version. Idempotent: sent again with the
    same client_key, the entry kept the first time is answered and nothing is written."""
    patient = _entering(request, patient_id)
    return Status(
        201, exercise_log_record(patient=patient, by=request.user, **payload.model_dump())
    )


@router.get(
    "/patients/{int:patient_id}/check-ins",
    response={200: list[s.CheckInOut], **s.refusals(401, 403, 404, 422)},
    tags=["log"],
    url_name="check-in-list",
)
@paginate(Page)
def list_check_ins(
    request: AuthedRequest, patient_id: int, period: Query[s.Period]
) -> QuerySet[CheckIn]:
    patient = patient_for(request, patient_id, part=Part.LOG)
    return _between(patient.check_ins.all(), period)


@router.post(
    "/patients/{int:patient_id}/check-ins",
    response={201: s.CheckInOut, **s.refusals(400, 401, 403, 404, 422)},
    tags=["log"],
    url_name="check-in-create",
)
def create_check_in(
    request: AuthedRequest, patient_id: int, payload: s.CheckInIn
) -> Status[CheckIn]:
    """The daily check-in; new back pain with severe pain alerts the nurse and the physician
    (`signals`). Idempotent by client_key, as exercise logs are."""
    patient = _entering(request, patient_id)
    return Status(201, check_in_record(patient=patient, by=request.user, **payload.model_dump()))


# ---- Proposals ----


def _proposals(rows: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return rows.select_related("decided_by", "plan_version")


@router.get(
    "/proposals",
    response={200: list[s.ProposalOut], **s.refusals(401, 403, 422)},
    tags=["proposals"],
    url_name="proposal-queue",
)
@paginate(Page)
def proposal_queue(
    request: AuthedRequest, status: ProposalStatus = ProposalStatus.OPEN, role: Role | None = None
) -> QuerySet[Proposal]:
    """The proposals the user's role decides across the patients they reach, urgent first,
    oldest first (a program lead: every one, or those of `role`)."""
    require_role(request.user, *STAFF)
    rows = Proposal.objects.filter(patient__in=visible_patients(request.user), status=status)
    decider = role or (None if request.user.role == Role.LEAD else request.user.role_enum)
    if decider is not None:
        rows = rows.for_role(decider)
    return _proposals(rows).order_by(URGENT_FIRST, "created_at", "id")


@router.get(
    "/patients/{int:patient_id}/proposals",
    response={200: list[s.ProposalOut], **s.refusals(401, 403, 404, 422)},
    tags=["proposals"],
    url_name="proposal-list",
)
@paginate(Page)
def list_proposals(
    request: AuthedRequest, patient_id: int, status: ProposalStatus | None = None
) -> QuerySet[Proposal]:
    """The patient's proposals, newest first (for the care team and the program lead)."""
    require_role(request.user, *STAFF)
    patient = patient_for(request, patient_id, part=Part.PLAN)
    rows = patient.proposals.all()
    if status:
        rows = rows.filter(status=status)
    return _proposals(rows).order_by("-created_at", "-id")


@router.post(
    "/patients/{int:patient_id}/decisions",
    response={201: s.ProposalOut, **s.refusals(400, 401, 403, 404, 422)},
    tags=["proposals"],
    url_name="proposal-decide",
)
def decide_proposal(
    request: AuthedRequest, patient_id: int, payload: s.DecisionIn
) -> Status[Proposal]:
    """Decide one of the patient's open proposals, as the role it is routed to: accept it (its
    change applied: a new plan version where the plan changes), modify it (your `change`
    applied instead, with a reason) or reject it with a reason."""
    patient = patient_for(request, patient_id, action=Action.EDIT, part=Part.PLAN)
    proposal = get_object_or_404(patient.proposals, pk=payload.proposal)
    if payload.decision == "accept":
        decided = proposal_accept(proposal=proposal, by=request.user, note=payload.reason)
    elif payload.decision == "modify":
        decided = _modify(request, proposal, payload)
    else:
        decided = proposal_reject(proposal=proposal, by=request.user, reason=payload.reason)
    return Status(201, _proposals(Proposal.objects.filter(pk=decided.pk)).get())


def _modify(request: AuthedRequest, proposal: Proposal, payload: s.DecisionIn) -> Proposal:
    """The change checked by the page's own form, then applied."""
    edit = payload.change or s.ChangeIn()
    form = ModifyForm(
        modify_data(
            proposal.proposed,
            edits=[item.model_dump() for item in edit.items],
            module=edit.module,
            frequency=edit.frequency,
            tasks=edit.tasks,
            reason=payload.reason,
        ),
        change=proposal.proposed,
        exercises=library(include_retired=True),
        language=_language(),
    )
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return proposal_modify(
        proposal=proposal, by=request.user, change=form.change(), reason=form.cleaned_data["reason"]
    )


# ---- The patient import ----


@router.post(
    "/imports",
    response={202: s.ImportJobOut, **s.refusals(400, 401, 403, 422)},
    tags=["imports"],
    url_name="import-start",
)
def start_import(request: AuthedRequest, file: File[UploadedFile]) -> Status[ImportJob]:
    """Upload a spreadsheet of patients (CSV, multipart field `file`; the columns are listed on
    the import page and in the README). It is checked and imported in the background, all rows
    or none: follow it at /api/imports/{id}."""
    require_role(request.user, *CLINICAL_ROLES)
    job = patients_import_start(
        by=request.user,
        file_name=file.name or "",
        data=file.read(MAX_BYTES + 1),
        language=_language(),
    )
    return Status(202, job)


@router.get(
    "/imports/{uuid:import_id}",
    response={200: s.ImportJobOut, **s.refusals(401, 403, 404)},
    tags=["imports"],
    url_name="import-detail",
)
def import_detail(request: AuthedRequest, import_id: UUID) -> ImportJob:
    """An import's progress, then its problems (nothing imported) or the patients registered.
    Only the user who uploaded the file sees it."""
    require_role(request.user, *CLINICAL_ROLES)
    job = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=import_id)
    note_access(job.patient_ids, view_name="api:import-detail", listed=True)
    return job


api.add_router("", router)
