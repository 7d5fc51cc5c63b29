from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from osteorehab.accounts.access import patient_for, require_role, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role
from osteorehab.audit.services import note_access
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient
from osteorehab.plans.selectors import library
from osteorehab.psychology.selectors import psych_plan

from . import services
from .forms import AcceptForm, ModifyForm, RejectForm
from .models import Proposal, SweepRun, Urgency
from .selectors import cards

STAFF = (*CLINICAL_ROLES, Role.LEAD)
URGENT_FIRST = Case(
    When(urgency=Urgency.URGENT, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def _in_force(patient: Patient) -> dict:
    return {r.code: r.frequency for r in psych_plan(patient)}


@login_required
def patient_proposals(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's proposals: those waiting for a decision, urgent first, each with why, the
    data that fired it and the rule's source; then those decided, with the decision."""
    require_role(request.user, *STAFF)
    patient = patient_for(request, patient_id, part=Part.PLAN)
    rows = patient.proposals.select_related("decided_by", "plan_version")
    waiting = list(rows.open().order_by(URGENT_FIRST, "created_at", "id"))
    decided = list(rows.exclude(status="open").order_by("-decided_at", "-id"))
    language = get_language() or "en"
    in_force = _in_force(patient)
    return render(
        request,
        "rules/patient.html",
        {
            "patient": patient,
            "waiting": cards(waiting, request.user, language, in_force),
            "decided": cards(decided, request.user, language, in_force),
        },
    )


def _proposal(
    request: AuthedRequest, patient_id: int, proposal_id: int
) -> tuple[Patient, Proposal]:
    patient = patient_for(request, patient_id, action=Action.EDIT, part=Part.PLAN)
    return patient, get_object_or_404(patient.proposals, pk=proposal_id)


def _back(request: AuthedRequest, patient: Patient) -> HttpResponse:
    """Back where the decision was taken (the patient's proposals, the plan, the queue)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("rules:patient", patient_id=patient.pk)


def _refused(request: AuthedRequest, form: AcceptForm | RejectForm) -> None:
    errors = [str(e) for e in form.non_field_errors()]
    errors += [str(e) for name in form.fields for e in form.errors.get(name, [])]
    messages.error(request, " ".join(errors))


@login_required
def proposal_accept(request: AuthedRequest, patient_id: int, proposal_id: int) -> HttpResponse:
    patient, proposal = _proposal(request, patient_id, proposal_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AcceptForm(request.POST)
    if run_service(
        form,
        lambda d: services.proposal_accept(proposal=proposal, by=request.user, note=d["note"]),
    ):
        messages.success(request, _("Proposal accepted."))
    else:
        _refused(request, form)
    return _back(request, patient)


@login_required
def proposal_reject(request: AuthedRequest, patient_id: int, proposal_id: int) -> HttpResponse:
    patient, proposal = _proposal(request, patient_id, proposal_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RejectForm(request.POST)
    if run_service(
        form,
        lambda d: services.proposal_reject(proposal=proposal, by=request.user, reason=d["reason"]),
    ):
        messages.success(request, _("Proposal rejected."))
    else:
        _refused(request, form)
    return _back(request, patient)


@login_required
def proposal_modify(request: AuthedRequest, patient_id: int, proposal_id: int) -> HttpResponse:
    """The clinician changes the proposal first (another exercise offered, another dose or
    frequency, other tasks), then it is applied like an accepted one."""
    patient, proposal = _proposal(request, patient_id, proposal_id)
    language = get_language() or "en"
    change = proposal.proposed
    form = ModifyForm(
        request.POST or None,
        change=change,
        exercises=library(include_retired=True),
        language=language,
        in_force=_in_force(patient).get(change.module) if change.module else None,
    )
    if request.method == "POST" and run_service(
        form,
        lambda d: services.proposal_modify(
            proposal=proposal, by=request.user, change=form.change(), reason=d["reason"]
        ),
    ):
        messages.success(request, _("Proposal accepted with your changes."))
        return redirect("rules:patient", patient_id=patient.pk)
    return render(
        request,
        "rules/modify.html",
        {
            "patient": patient,
            "card": cards([proposal], request.user, language, _in_force(patient))[0],
            "form": form,
            "title": _("Change the proposal"),
            "submit": _("Apply with my changes"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    """The proposals waiting for the user's role across the patients of their care teams,
    urgent first, oldest first; a program lead sees every one waiting in the organisation."""
    require_role(request.user, *STAFF)
    role = request.user.role_enum
    rows = Proposal.objects.open().filter(patient__in=visible_patients(request.user))
    if role != Role.LEAD:
        rows = rows.for_role(role)
    proposals = list(rows.select_related("patient").order_by(URGENT_FIRST, "created_at", "id"))
    note_access({p.patient_id for p in proposals}, view_name="rules:queue", listed=True)
    return render(
        request,
        "rules/queue.html",
        {
            "cards": cards(proposals, request.user, get_language() or "en"),
            "sweep": SweepRun.objects.first(),
        },
    )
