from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from osteorehab.accounts.access import patient_for
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role
from osteorehab.assessments.domain import safety_constraints
from osteorehab.assessments.instruments.base import Reason
from osteorehab.assessments.selectors import patient_baseline
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient
from osteorehab.rules.selectors import cards

from . import domain, services
from .exercises import Dose
from .forms import (
    DAYS,
    ApproveForm,
    DraftForm,
    GoalForm,
    ItemForm,
    RatingForm,
    RemoveForm,
)
from .handout import handout_pdf
from .models import CarePlan, Exercise, PlanVersion
from .selectors import goal_attainment, library, measure_values, names


def _latest(patient: Patient) -> PlanVersion | None:
    plan = CarePlan.objects.filter(patient=patient).first()
    return plan.latest if plan else None


def _grid(version: PlanVersion | None, language: str) -> list[dict[str, Any]]:
    """The week as rows of exercises and columns of days, for the plan builder."""
    if version is None:
        return []
    items = domain.items_of(version.content)
    rows = {e.code: e for e in Exercise.objects.filter(code__in=[i.exercise for i in items])}
    return [
        {
            "item": item,
            "exercise": rows.get(item.exercise),
            "name": rows[item.exercise].name(language) if item.exercise in rows else item.exercise,
            "days": [day in item.days for day, _label in DAYS],
        }
        for item in items
    ]


# Where each part of the plan is kept and changed.
SECTION_PAGES = {
    "goals": "plans:goals",
    "psychology": "psychology:overview",
    "education": "education:overview",
    "nutrition": "education:overview",
    "medication": "patients:record",
    "home_safety": "homesafety:overview",
}


def _sections(version: PlanVersion | None, patient: Patient, language: str) -> list[dict]:
    """The version's other parts, each with its entries in the language and its page."""
    kept = version.content.get("sections", {}) if version else {}
    field = "zh" if language.startswith("zh") else "en"
    return [
        {
            "label": label,
            "entries": [entry[field] for entry in kept.get(name, ())],
            "url": reverse(SECTION_PAGES[name], args=[patient.pk]) if name in SECTION_PAGES else "",
        }
        for name, label in domain.SECTIONS.items()
        if name in SECTION_PAGES or kept.get(name)
    ]


def _history(plan_versions: list[PlanVersion], language: str) -> list[tuple[PlanVersion, list]]:
    """Each version with what changed from the one before, in words."""
    exercise_names = names(language)
    ordered = sorted(plan_versions, key=lambda v: v.number)
    history = []
    for before, version in zip([None, *ordered], ordered, strict=False):
        found = domain.changes(
            before.content if before else None, version.content, exercise_names, language
        )
        history.append((version, found))
    return list(reversed(history))


@login_required
def plan_view(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The plan builder: the version in force as a grid of exercises by day, the safety
    constraints it was checked against, and the history of versions with what changed."""
    patient = patient_for(request, patient_id, part=Part.PLAN)
    language = get_language() or "en"
    version = _latest(patient)
    baseline = patient_baseline(patient)
    facts = domain.recorded_facts(version.content if version else None, baseline.profile)
    # A plan saved before the profile changed (a new fracture, a new decision) may break a rule
    # now: the clinicians are told which, until the plan is changed.
    # (retired exercises count as in the library here: retiring one is not a safety rule)
    everything = library(include_retired=True)
    broken = domain.check(domain.items_of(version.content), facts, everything) if version else {}
    author = request.user.role in services.PLAN_AUTHORS
    based_on = version.number if version else 0
    exercise_names = names(language)
    return render(
        request,
        "plans/plan.html",
        {
            "patient": patient,
            "version": version,
            "grid": _grid(version, language),
            "sections": _sections(version, patient, language),
            "days": DAYS,
            "constraints": safety_constraints(baseline.profile),
            "approval": domain.approval_needed(baseline.profile),
            "broken": {exercise_names.get(code, code): v for code, v in broken.items()},
            "history": _history(
                list(version.plan.versions.select_related("author", "approved_by")), language
            )
            if version
            else [],
            "can_edit": author,
            # the adjustment rules' proposals for the exercise, decided here or on the
            # patient's proposals page alike
            "proposals": cards(
                [p for p in patient.proposals.open().order_by("created_at") if p.proposed.items],
                request.user,
                language,
            ),
            "can_approve": request.user.role == Role.PHYSICIAN
            and version is not None
            and not version.approved,
            "draft_form": DraftForm(initial={"based_on": based_on}) if author else None,
            "item_form": ItemForm(initial={"based_on": based_on}) if author and version else None,
            "based_on": based_on,
        },
    )


def _edit(request: AuthedRequest, patient_id: int) -> tuple[Patient, PlanVersion | None]:
    patient = patient_for(request, patient_id, action=Action.EDIT, part=Part.PLAN)
    if request.user.role not in services.PLAN_AUTHORS:
        raise Http404
    return patient, _latest(patient)


def _form_page(request: AuthedRequest, patient: Patient, form: Any, title: str) -> HttpResponse:
    return render(
        request,
        "plans/change.html",
        {"patient": patient, "form": form, "title": title, "submit": _("Save the plan")},
        status=400 if form.errors else 200,
    )


@login_required
def plan_draft(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """A new plan from the profile, as the prescription drafts it (replacing the items of the
    version in force, which stays in the history)."""
    patient, version = _edit(request, patient_id)
    form = DraftForm(request.POST or None, initial={"based_on": version.number if version else 0})
    if request.method == "POST":

        def draft(data: dict[str, Any]) -> PlanVersion:
            facts = domain.Facts(patient_baseline(patient).profile, **form.facts())
            plan = domain.prescribe(facts, library())
            return services.plan_version_save(
                patient=patient,
                by=request.user,
                items=plan.items,
                facts=facts,
                reason=data["reason"],
                based_on=data["based_on"],
            )

        if run_service(form, draft):
            messages.success(request, _("Plan drafted from the profile."))
            return redirect("plans:plan", patient_id=patient.pk)
    return _form_page(request, patient, form, _("Draft the plan from the profile"))


def _item_initial(version: PlanVersion, code: str | None) -> dict[str, Any]:
    """The form's starting values: to change an item of the plan, its exercise, days and dose."""
    initial: dict[str, Any] = {"based_on": version.number}
    item = next((i for i in domain.items_of(version.content) if i.exercise == code), None)
    exercise = Exercise.objects.filter(code=code).first() if item else None
    if item is None or exercise is None:
        return initial
    return {
        **initial,
        "exercise": exercise.pk,
        "days": list(item.days),
        "sets": item.dose.sets,
        "reps": item.dose.reps,
        "hold_seconds": item.dose.hold_seconds,
        "minutes": item.dose.minutes,
    }


@login_required
def plan_item_add(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """Add an exercise (or change one already in the plan); the safety layer refuses an
    exercise that breaks a rule for this patient and says which."""
    patient, version = _edit(request, patient_id)
    if version is None:
        return redirect("plans:draft", patient_id=patient.pk)
    form = ItemForm(request.POST or None, initial=_item_initial(version, request.GET.get("code")))
    if request.method == "POST":

        def add(data: dict[str, Any]) -> PlanVersion:
            exercise: Exercise = data["exercise"]
            dose = Dose(
                sets=data["sets"] or exercise.sets,
                reps=data["reps"] or exercise.reps,
                reps_max=exercise.reps_max if not data["reps"] else None,
                hold_seconds=data["hold_seconds"] or exercise.hold_seconds,
                minutes=data["minutes"] or exercise.minutes,
                impacts=exercise.impacts,
                load_en=exercise.load_en,
                load_zh=exercise.load_zh,
            )
            item = domain.Item(
                exercise.code,
                tuple(sorted(data["days"])),
                dose,
                Reason(
                    "chosen by {author}: {note}",
                    author=request.user.full_name,
                    note=data["reason"],
                ),
            )
            items = [i for i in domain.items_of(version.content) if i.exercise != exercise.code]
            return _save(request, patient, version, [*items, item], data)

        if run_service(form, add):
            messages.success(request, _("Plan saved."))
            return redirect("plans:plan", patient_id=patient.pk)
    return _form_page(request, patient, form, _("Add an exercise"))


def _save(
    request: AuthedRequest,
    patient: Patient,
    version: PlanVersion,
    items: list[domain.Item],
    data: dict[str, Any],
) -> PlanVersion:
    facts = domain.recorded_facts(version.content, patient_baseline(patient).profile)
    return services.plan_version_save(
        patient=patient,
        by=request.user,
        items=items,
        facts=facts,
        reason=data["reason"],
        based_on=data["based_on"],
    )


@login_required
def plan_item_remove(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient, version = _edit(request, patient_id)
    if request.method != "POST":  # after the access check, so outsiders learn nothing
        return HttpResponseNotAllowed(["POST"])
    form = RemoveForm(request.POST)
    if version is None or not form.is_valid():
        messages.error(request, _("Say why the exercise is removed."))
        return redirect("plans:plan", patient_id=patient.pk)
    items = domain.items_of(version.content)
    kept = [i for i in items if i.exercise != form.cleaned_data["exercise"]]
    if len(kept) == len(items):
        raise Http404
    if run_service(form, lambda d: _save(request, patient, version, kept, d)):
        messages.success(request, _("Plan saved."))
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("plans:plan", patient_id=patient.pk)


@login_required
def plan_approve(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = patient_for(request, patient_id, action=Action.EDIT, part=Part.PLAN)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ApproveForm(request.POST)
    if not form.is_valid():
        raise Http404
    version = get_object_or_404(
        PlanVersion, plan__patient=patient, number=form.cleaned_data["number"]
    )
    if run_service(form, lambda d: services.plan_version_approve(version=version, by=request.user)):
        messages.success(request, _("Plan approved."))
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("plans:plan", patient_id=patient.pk)


@login_required
def plan_handout(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's handout as a PDF, in the patient's language, large type."""
    patient = patient_for(request, patient_id, part=Part.PLAN)
    version = _latest(patient)
    if version is None or not version.approved:
        raise Http404
    pdf = handout_pdf(patient, version)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{patient.pk}-v{version.number}.pdf"'
    return response


@login_required
def goals(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's goals in their own words, each with its five levels and latest rating, and
    the Goal Attainment Scaling T-score over them."""
    patient = patient_for(request, patient_id, part=Part.PLAN)
    rows, attainment = goal_attainment(patient)
    values = measure_values(patient, {goal.measure for goal, _rating in rows if goal.measure})
    return render(
        request,
        "plans/goals.html",
        {
            "patient": patient,
            "rows": [(goal, rating, values.get(goal.measure)) for goal, rating in rows],
            "attainment": attainment,
            "can_edit": request.user.role in CLINICAL_ROLES,
        },
    )


def _goal_author(request: AuthedRequest, patient_id: int) -> Patient:
    patient = patient_for(request, patient_id, action=Action.EDIT, part=Part.PLAN)
    if request.user.role not in CLINICAL_ROLES:
        raise Http404
    return patient


@login_required
def goal_new(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = _goal_author(request, patient_id)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and run_service(
        form, lambda d: services.goal_create(patient=patient, by=request.user, **d)
    ):
        messages.success(request, _("Goal saved."))
        return redirect("plans:goals", patient_id=patient.pk)
    return render(
        request,
        "plans/goal_form.html",
        {"patient": patient, "form": form, "title": _("New goal"), "submit": _("Save")},
        status=400 if form.errors else 200,
    )


@login_required
def goal_rate(request: AuthedRequest, patient_id: int, goal_id: int) -> HttpResponse:
    patient = _goal_author(request, patient_id)
    goal = get_object_or_404(patient.goals, pk=goal_id)
    form = RatingForm(request.POST or None, initial={"rated_on": timezone.localdate()})
    if request.method == "POST" and run_service(
        form, lambda d: services.goal_rate(goal=goal, by=request.user, **d)
    ):
        messages.success(request, _("Rating saved."))
        return redirect("plans:goals", patient_id=patient.pk)
    return render(
        request,
        "plans/goal_form.html",
        {
            "patient": patient,
            "form": form,
            "goal": goal,
            "title": _("Rate the goal"),
            "submit": _("Save"),
        },
        status=400 if form.errors else 200,
    )
