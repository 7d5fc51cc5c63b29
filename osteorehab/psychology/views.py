from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from osteorehab.accounts.access import patient_for
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role, may
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient

from . import services
from .domain import MEASURES, Recommendation, recommend, with_set_frequencies
from .forms import PsychSessionForm
from .models import Modality, PsychSession
from .selectors import psych_baseline, set_frequencies

# Who sees why: the scores, the rule and the safety step behind the plan, and the session notes.
STAFF = (*CLINICAL_ROLES, Role.LEAD)


def _plan(patient: Patient, staff: bool) -> dict[str, Any]:
    baseline, used, latest_phq9 = psych_baseline(patient)
    recommendations = with_set_frequencies(recommend(baseline), set_frequencies(patient))
    shown: list[Recommendation] = [
        r for r in recommendations if not r.urgent and (staff or r.frequency is not None)
    ]
    if not staff:
        return {"recommendations": shown}
    return {
        "urgent": [r for r in recommendations if r.urgent],
        "recommendations": shown,
        "used": [(MEASURES[code], used[code]) for code in MEASURES if code in used],
        "item9_from": latest_phq9,
    }


@login_required
def overview(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's psychological work: the modules and how often each is offered, and the
    sessions held. The care team and the program lead also see the scores and the rule behind
    each frequency, any urgent safety step, and the counsellor's notes. The patient and a
    caregiver the patient shared the plan with see the plan itself (modules, frequencies,
    sessions, homework, next session): the scores belong to the progress part a caregiver may
    not have been shared, and the notes are the counsellor's working notes for the team."""
    patient = patient_for(request, patient_id, part=Part.PLAN)
    role = request.user.role_enum
    staff = role in STAFF
    return render(
        request,
        "psychology/overview.html",
        {
            "patient": patient,
            "staff": staff,
            "can_record": may(role, Action.EDIT),
            "sessions": PsychSession.objects.filter(patient=patient).select_related("recorded_by"),
            **_plan(patient, staff),
        },
    )


@login_required
def session_new(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """Record a session: the counsellor's, though any clinician of the team may."""
    patient = patient_for(request, patient_id, action=Action.EDIT, part=Part.PLAN)
    form = PsychSessionForm(
        request.POST or None,
        initial={"held_on": timezone.localdate(), "modality": Modality.IN_PERSON},
    )
    if request.method == "POST":
        session = run_service(
            form,
            lambda d: services.psych_session_record(patient=patient, by=request.user, **d),
        )
        if session:
            messages.success(request, _("Session recorded."))
            return redirect("psychology:overview", patient_id=patient.pk)
    return render(
        request,
        "psychology/session_new.html",
        {
            "form": form,
            "patient": patient,
            "title": _("Record a session"),
            "submit": _("Save"),
            **_plan(patient, staff=True),
        },
        status=400 if form.errors else 200,
    )
