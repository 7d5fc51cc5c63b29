from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from osteorehab.accounts.access import own_patient, patient_for, require_role
from osteorehab.accounts.domain import Action, Part, Role, may
from osteorehab.accounts.models import ROLE_LABELS
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient

from . import services
from .domain import BASELINE_BATTERY, SELF_REPORT, safety_constraints
from .forms import AssessmentForm, ImpactDecisionForm, QuestionForm, has_form
from .instruments import INSTRUMENTS
from .instruments.base import Instrument
from .models import Assessment, Draft, Occasion
from .selectors import patient_baseline, questionnaires_to_answer


def _instrument(code: str) -> Instrument:
    instrument = INSTRUMENTS.get(code)
    if instrument is None or not has_form(instrument):
        raise Http404
    return instrument


# Fields one instrument takes from another's latest result, so that a measurement is not typed
# twice: the fall-risk stratification reads the therapist's gait speed and TUG (3.6).
CARRIED = {"falls_risk_wfg": {"gait_speed_m_s": "gait_speed", "tug_seconds": "tug"}}


def _carried(patient: Patient, code: str) -> tuple[dict[str, str], list[Assessment]]:
    """The initial values carried into the form for `code`, and the assessments they came from."""
    values: dict[str, str] = {}
    sources: list[Assessment] = []
    for field, source in CARRIED.get(code, {}).items():
        latest = (
            patient.assessments.valid()
            .filter(instrument=source, valid=True)
            .order_by("-administered_on", "-id")
            .first()
        )
        if latest is not None and latest.total is not None:
            values[field] = f"{latest.total:g}"
            sources.append(latest)
    return values, sources


@login_required
def assessment_list(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's assessments, and how far the baseline battery of each role has come."""
    patient = patient_for(request, patient_id, part=Part.PROGRESS)
    assessments = list(patient.assessments.valid().select_related("recorded_by"))
    baseline_done = {a.instrument for a in assessments if a.occasion == Occasion.BASELINE}
    battery = [
        (ROLE_LABELS[Role(role)], [(INSTRUMENTS[code], code in baseline_done) for code in codes])
        for role, codes in BASELINE_BATTERY.items()
    ]
    return render(
        request,
        "assessments/list.html",
        {
            "patient": patient,
            "assessments": assessments,
            "battery": battery,
            "instruments": INSTRUMENTS,
            "can_record": may(request.user.role_enum, Action.EDIT),
        },
    )


@login_required
def assessment_new(request: AuthedRequest, patient_id: int, code: str) -> HttpResponse:
    patient = patient_for(request, patient_id, action=Action.EDIT)
    instrument = _instrument(code)
    # Age and sex come from the record, so a timed test shows the norm for this patient.
    carried, carried_from = _carried(patient, code)
    initial = {
        "administered_on": timezone.localdate(),
        "occasion": request.GET.get("occasion", ""),
        "age": patient.age,
        "sex": patient.sex if patient.sex in ("female", "male") else "",
        **carried,
    }
    form = AssessmentForm(request.POST or None, instrument=instrument, initial=initial)
    preview = None
    if request.method == "POST" and "preview" in request.POST:
        # Check the score (and the norm it is judged by) before saving anything.
        preview = run_service(form, lambda d: services.score(instrument, form.answers()))
    elif request.method == "POST":
        assessment = run_service(
            form,
            lambda d: services.assessment_record(
                patient=patient,
                by=request.user,
                code=code,
                answers=form.answers(),
                administered_on=d["administered_on"],
                occasion=Occasion(d["occasion"]),
                note=d["note"],
            ),
        )
        if assessment:
            messages.success(request, _("Assessment saved."))
            return redirect(
                "assessments:detail", patient_id=patient.pk, assessment_id=assessment.pk
            )
    return render(
        request,
        "assessments/new.html",
        {
            "form": form,
            "patient": patient,
            "instrument": instrument,
            "title": _(instrument.name),
            "submit": _("Save"),
            "preview": preview,
            "carried_from": carried_from,
        },
        status=400 if form.errors else 200,
    )


@login_required
def assessment_detail(request: AuthedRequest, patient_id: int, assessment_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id, part=Part.PROGRESS)
    assessment = get_object_or_404(patient.assessments.valid(), pk=assessment_id)
    return render(
        request,
        "assessments/detail.html",
        {
            "patient": patient,
            "assessment": assessment,
            "instrument": INSTRUMENTS.get(assessment.instrument),
            "can_correct": may(request.user.role_enum, Action.EDIT),
        },
    )


@login_required
def profile(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The baseline profile: every latest score with its band and the cut-off it was judged by,
    fall risk, fracture risk, WHO class and the exercise safety constraints, with why."""
    patient = patient_for(request, patient_id, part=Part.PROGRESS)
    baseline = patient_baseline(patient)
    results, impact = baseline.results, baseline.impact
    rows = [
        (INSTRUMENTS[code], baseline.assessments[code], result)
        for code, result in sorted(results.items(), key=lambda item: item[0])
    ]
    return render(
        request,
        "assessments/profile.html",
        {
            "patient": patient,
            "rows": rows,
            "profile": baseline.profile,
            "constraints": safety_constraints(baseline.profile),
            "bone": results.get("bone_density"),
            "falls": results.get("falls_risk_wfg"),
            "fracture": results.get("garvan"),
            "frax": results.get("frax"),
            "impact": impact,
            "can_decide_impact": request.user.role == Role.PHYSICIAN,
        },
    )


@login_required
def impact_decision(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The physician decides how much impact exercise the patient may do; earlier decisions
    stay listed beneath."""
    patient = patient_for(request, patient_id, action=Action.EDIT)
    require_role(request.user, Role.PHYSICIAN)
    form = ImpactDecisionForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST":
        decision = run_service(
            form,
            lambda d: services.impact_decide(
                patient=patient,
                by=request.user,
                level=d["level"],
                reason=d["reason"],
                decided_on=d["decided_on"],
            ),
        )
        if decision:
            messages.success(request, _("Decision recorded."))
            return redirect("assessments:profile", patient_id=patient.pk)
    return render(
        request,
        "assessments/impact.html",
        {
            "form": form,
            "patient": patient,
            "title": _("Impact exercise: the physician's decision"),
            "submit": _("Record the decision"),
            "decisions": patient.impact_decisions.select_related("decided_by"),
        },
        status=400 if form.errors else 200,
    )


def _own_patient(request: AuthedRequest) -> Patient:
    return own_patient(request, action=Action.REPORT)


@login_required
def questionnaires(request: AuthedRequest) -> HttpResponse:
    """The patient's own questionnaires, each resumable where they left it: first those to
    answer now (due under the follow-up schedule, or started), then the others, which they may
    answer again at any time."""
    patient = _own_patient(request)
    drafts = {d.instrument: d for d in Draft.objects.filter(patient=patient)}
    due = questionnaires_to_answer(patient, timezone.localdate())
    done = set(patient.assessments.valid().values_list("instrument", flat=True))
    rows = [
        {
            "instrument": INSTRUMENTS[code],
            "now": code in due or code in drafts,
            "done": code in done,
            "started": len(drafts[code].answers) if code in drafts else 0,
        }
        for code in SELF_REPORT
    ]
    by = sorted(day for day in due.values() if day is not None)
    return render(
        request,
        "assessments/questionnaires.html",
        {
            "patient": patient,
            "now": [row for row in rows if row["now"]],
            "others": [row for row in rows if not row["now"]],
            "by": by[0] if by else None,
        },
    )


@login_required
def questionnaire_done(request: AuthedRequest, assessment_id: int) -> HttpResponse:
    patient = _own_patient(request)
    assessment = get_object_or_404(patient.assessments.valid(), pk=assessment_id)
    if any(flag in services.ALERTS for flag in assessment.result["flags"]):
        return render(
            request,
            "assessments/crisis.html",
            {"patient": patient, "crisis_contact": settings.CRISIS_CONTACT},
        )
    messages.success(request, _("Thank you. Your answers have been sent to your care team."))
    return redirect("assessments:questionnaires")


@login_required
def questionnaire(request: AuthedRequest, code: str) -> HttpResponse:
    """One question per screen; each answer is kept, so the patient can stop and come back."""
    patient = _own_patient(request)
    if code not in SELF_REPORT:
        raise Http404
    instrument = _instrument(code)
    draft = Draft.objects.filter(patient=patient, instrument=code).first()
    answered: dict[str, Any] = draft.answers if draft else {}
    keys = [item.key for item in instrument.items]
    asked = request.GET.get("q") or next((k for k in keys if k not in answered), None)
    if asked is None and draft is not None:
        # every answer kept (the last one saved just before a lost signal): submitted, and what
        # follows shown on its own address, so that reloading it neither repeats the
        # questionnaire nor loses the crisis information
        submitted = services.questionnaire_submit(patient=patient, by=request.user, draft=draft)
        return redirect("assessments:questionnaire-done", assessment_id=submitted.pk)
    if asked not in keys:
        raise Http404
    item = instrument.items[keys.index(asked)]
    current = answered.get(asked)
    initial = {"answer": None if current is None else str(current)}
    form = QuestionForm(
        request.POST or None,
        item=item,
        # the draft's key, or for the first answer the key a new draft will take
        initial={**initial, "client_key": draft.client_key} if draft else initial,
    )
    if request.method == "POST" and form.is_valid():
        value = next(o for o in item.options if str(o) == form.cleaned_data["answer"])
        assessment = services.questionnaire_answer(
            patient=patient,
            by=request.user,
            code=code,
            item=asked,
            answer=value,
            client_key=form.cleaned_data["client_key"],
        )
        if assessment is not None:
            return redirect("assessments:questionnaire-done", assessment_id=assessment.pk)
        answered = Draft.objects.get(patient=patient, instrument=code).answers
        following = keys[keys.index(asked) + 1 :]
        nxt = next((k for k in following if k not in answered), None)
        return redirect(f"{request.path}?q={nxt or next(k for k in keys if k not in answered)}")
    return render(
        request,
        "assessments/question.html",
        {
            "patient": patient,
            "instrument": instrument,
            "item": item,
            "form": form,
            "number": keys.index(asked) + 1,
            "count": len(keys),
            "previous": keys[keys.index(asked) - 1] if keys.index(asked) else None,
        },
        status=400 if form.errors else 200,
    )
