from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from osteorehab.accounts.access import own_patient, patient_for, require_role
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role, may
from osteorehab.assessments.instruments.base import Reason
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient
from osteorehab.plans.education import MODULES, MODULES_BY_CODE, Module, Option
from osteorehab.plans.nutrition import (
    calcium_gap,
    calcium_upper_limit_mg,
    vitamin_d_upper_limit_iu,
)

from . import services
from .domain import local
from .forms import AssignmentForm, FoodItemForm, NutritionCheckForm, QuestionForm, QuizForm
from .models import Assignment, FoodItem, NutritionCheck

# Who keeps the organisation's food list.
FOOD_STAFF = (*CLINICAL_ROLES, Role.LEAD)


def _titles() -> dict[str, str]:
    language = get_language()
    return {module.code: local(module, "title", language) for module in MODULES}


def _module(code: str) -> Module:
    module = MODULES_BY_CODE.get(code)
    if module is None:
        raise Http404
    return module


def _nutrition(check: NutritionCheck | None) -> dict[str, Any] | None:
    """A stored check as the pages show it: the calcium gap and the upper limits for the age at
    the check (both from the pure module), and why each number is what it is."""
    if check is None:
        return None
    gap = calcium_gap(check.estimate_mg, check.target_mg)
    stored = [Reason.from_stored(reason) for reason in check.reasons]
    return {
        "check": check,
        "gap": gap,
        "calcium_upper": calcium_upper_limit_mg(check.age),
        "vitamin_d_upper": vitamin_d_upper_limit_iu(check.age),
        "reasons": [reason.translated(_) for reason in (*stored, gap.reason)],
    }


@dataclass(frozen=True)
class Answered:
    """One question of the latest attempt, as the result shows it."""

    text: str
    chosen: Option | None
    right: Option
    correct: bool
    explanation: str


def _answers(module: Module, assignment: Assignment) -> list[Answered]:
    language = get_language()
    rows = []
    for question in module.quiz:
        options = {option.code: option for option in question.options}
        chosen = options.get(assignment.quiz_answers.get(question.code, ""))
        rows.append(
            Answered(
                text=local(question, "text", language),
                chosen=chosen,
                right=options[question.answer],
                correct=chosen is not None and chosen.code == question.answer,
                explanation=local(question, "explanation", language),
            )
        )
    return rows


def _current(patient: Patient, code: str) -> Assignment | None:
    """The patient's assignment of this lesson: the open one, else the latest completed."""
    return (
        patient.education_assignments.filter(module=code)
        .order_by(F("completed_on").desc(nulls_first=True), "-id")
        .first()
    )


# --- The care team's pages (and, read-only, the patient's and the family's) -------------------


@login_required
def overview(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's lessons with their status and score, the form to assign one, and the
    latest nutrition check with its targets and the calcium gap."""
    action = Action.EDIT if request.method == "POST" else Action.VIEW
    patient = patient_for(request, patient_id, part=Part.PLAN, action=action)
    role = request.user.role_enum
    can_edit = role in CLINICAL_ROLES and may(role, Action.EDIT)
    titles = _titles()
    form = AssignmentForm(request.POST or None, titles=titles)
    if request.method == "POST":
        assignment = run_service(
            form,
            lambda d: services.assignment_create(patient=patient, by=request.user, **d),
        )
        if assignment:
            messages.success(request, _("Lesson assigned."))
            return redirect("education:overview", patient_id=patient.pk)
    return render(
        request,
        "education/overview.html",
        {
            "patient": patient,
            "assignments": patient.education_assignments.select_related("assigned_by"),
            "form": form if can_edit else None,
            "can_edit": can_edit,
            "keeps_foods": role in FOOD_STAFF,
            "foods_listed": FoodItem.objects.filter(
                organisation_id=patient.organisation_id, retired=False
            ).exists(),
            "nutrition": _nutrition(patient.nutrition_checks.select_related("by").first()),
            "modules": MODULES,
        },
        status=400 if form.errors else 200,
    )


@login_required
def nutrition(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """A food-frequency check: servings per week of each food on the clinic's list."""
    patient = patient_for(request, patient_id, part=Part.PLAN, action=Action.EDIT)
    foods = list(FoodItem.objects.filter(organisation_id=patient.organisation_id, retired=False))
    latest = patient.nutrition_checks.first()
    form = NutritionCheckForm(
        request.POST or None,
        foods=foods,
        initial={
            "checked_on": timezone.localdate(),
            "age": patient.age,
            "sex": patient.sex if patient.sex in ("female", "male") else None,
            "weight_kg": latest.weight_kg if latest else None,
            "ill": latest.ill if latest else False,
        },
    )
    if request.method == "POST" and foods:
        check = run_service(
            form,
            lambda d: services.nutrition_check_record(
                patient=patient,
                by=request.user,
                checked_on=d["checked_on"],
                sex=d["sex"],
                weight_kg=d["weight_kg"],
                ill=d["ill"],
                servings=form.servings(),
            ),
        )
        if check:
            messages.success(request, _("Nutrition check recorded."))
            return redirect("education:overview", patient_id=patient.pk)
    return render(
        request,
        "education/nutrition.html",
        {"patient": patient, "form": form if foods else None, "foods": foods},
        status=400 if foods and form.errors else 200,
    )


@login_required
def module_page(request: AuthedRequest, patient_id: int, code: str) -> HttpResponse:
    """A lesson as the patient reads it, with their latest answers. A nurse of the care team
    may answer the quiz with the patient, on their behalf; everyone else reads."""
    action = Action.EDIT if request.method == "POST" else Action.VIEW
    patient = patient_for(request, patient_id, part=Part.PLAN, action=action)
    module = _module(code)
    assignment = _current(patient, code)
    answering = (
        assignment is not None
        and assignment.completed_on is None
        and services.may_answer(request.user, patient)
        and request.user.role == Role.NURSE
    )
    form = QuizForm(request.POST or None, module=module) if answering else None
    if request.method == "POST":
        if form is None or assignment is None:
            raise Http404
        marked = run_service(
            form,
            lambda d: services.assignment_complete(
                assignment=assignment, by=request.user, answers=d
            ),
        )
        if marked:
            messages.success(
                request,
                _("Quiz marked: %(score)s of %(total)s right.")
                % {"score": marked.score, "total": marked.total},
            )
            return redirect("education:module", patient_id=patient.pk, code=code)
    return render(
        request,
        "education/module.html",
        {
            "patient": patient,
            "module": module,
            "assignment": assignment,
            "answers": _answers(module, assignment) if assignment and assignment.attempts else [],
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


# --- The clinic's food list -------------------------------------------------------------------


@login_required
def foods(request: AuthedRequest) -> HttpResponse:
    """The organisation's food-frequency checklist, and a form to add a food."""
    require_role(request.user, *FOOD_STAFF)
    form = FoodItemForm(request.POST or None)
    if request.method == "POST":
        food = run_service(form, lambda d: services.food_item_create(by=request.user, **d))
        if food:
            messages.success(request, _("Food added to the list."))
            return redirect("education:foods")
    items = FoodItem.objects.filter(organisation_id=request.user.organisation_id)
    return render(
        request,
        "education/foods.html",
        {"form": form, "items": items.order_by("retired", "name_en", "id")},
        status=400 if form.errors else 200,
    )


def _food(request: AuthedRequest, food_id: int) -> FoodItem:
    require_role(request.user, *FOOD_STAFF)
    return get_object_or_404(
        FoodItem, pk=food_id, organisation_id=request.user.organisation_id, retired=False
    )


@login_required
def food_edit(request: AuthedRequest, food_id: int) -> HttpResponse:
    food = _food(request, food_id)
    form = FoodItemForm(
        request.POST or None, initial={name: getattr(food, name) for name in services.FOOD_FIELDS}
    )
    if request.method == "POST":
        changed = run_service(
            form, lambda d: services.food_item_update(food=food, by=request.user, **d)
        )
        if changed:
            messages.success(request, _("Food changed."))
            return redirect("education:foods")
    return render(
        request,
        "education/food_edit.html",
        {"form": form, "food": food},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def food_retire(request: AuthedRequest, food_id: int) -> HttpResponse:
    food = _food(request, food_id)
    try:
        services.food_item_retire(food=food, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Food taken off the list."))
    return redirect("education:foods")


# --- The patient's own lessons, on their phone ------------------------------------------------


def _own_patient(request: AuthedRequest, action: Action = Action.VIEW) -> Patient:
    return own_patient(request, part=Part.PLAN, action=action)


def _own_assignment(patient: Patient, code: str) -> tuple[Module, Assignment]:
    """A lesson the patient was given; any other code is not found."""
    module = _module(code)
    assignment = _current(patient, code)
    if assignment is None:
        raise Http404
    return module, assignment


@login_required
def lessons(request: AuthedRequest) -> HttpResponse:
    """My lessons: those to do first, then those done; and my daily targets, if set."""
    patient = _own_patient(request)
    assignments = sorted(
        patient.education_assignments.all(),
        key=lambda a: (a.completed_on is not None, a.due_on or a.assigned_on, a.pk),
    )
    return render(
        request,
        "education/lessons.html",
        {
            "patient": patient,
            "assignments": assignments,
            "nutrition": _nutrition(patient.nutrition_checks.first()),
        },
    )


@login_required
def lesson(request: AuthedRequest, code: str) -> HttpResponse:
    """The lesson to read, then the way to its quiz (or to the answers, once passed)."""
    patient = _own_patient(request)
    module, assignment = _own_assignment(patient, code)
    return render(
        request,
        "education/lesson.html",
        {"patient": patient, "module": module, "assignment": assignment},
    )


@login_required
def quiz(request: AuthedRequest, code: str) -> HttpResponse:
    """One question per screen; each answer is kept, so the patient can stop and come back.
    The last answer marks the attempt."""
    patient = _own_patient(request, Action.REPORT)
    module, assignment = _own_assignment(patient, code)
    if assignment.completed_on is not None:
        return redirect("education:result", code=code)
    keys = [question.code for question in module.quiz]
    answered = assignment.draft_answers
    asked = request.GET.get("q") or next((k for k in keys if k not in answered), None)
    if asked is None:  # every answer kept: mark them
        return _mark(request, assignment, code)
    if asked not in keys:
        raise Http404
    question = module.quiz[keys.index(asked)]
    form = QuestionForm(
        request.POST or None, question=question, initial={"answer": answered.get(asked)}
    )
    if request.method == "POST" and form.is_valid():
        services.assignment_answer(
            assignment=assignment,
            by=request.user,
            question=asked,
            option=form.cleaned_data["answer"],
        )
        answered = assignment.draft_answers
        following = keys[keys.index(asked) + 1 :]
        nxt = next((k for k in following if k not in answered), None)
        nxt = nxt or next((k for k in keys if k not in answered), None)
        if nxt is None:
            return _mark(request, assignment, code)
        return redirect(f"{request.path}?q={nxt}")
    return render(
        request,
        "education/question.html",
        {
            "module": module,
            "question": question,
            "form": form,
            "number": keys.index(asked) + 1,
            "count": len(keys),
            "previous": keys[keys.index(asked) - 1] if keys.index(asked) else None,
        },
        status=400 if form.errors else 200,
    )


def _mark(request: AuthedRequest, assignment: Assignment, code: str) -> HttpResponse:
    try:
        services.assignment_complete(
            assignment=assignment, by=request.user, answers=assignment.draft_answers
        )
    except ValidationError:  # marked meanwhile on another screen, or a lesson that changed
        return redirect("education:lesson", code=code)
    return redirect("education:result", code=code)


@login_required
def result(request: AuthedRequest, code: str) -> HttpResponse:
    """The latest attempt: the score, each right answer and why; a way to try again."""
    patient = _own_patient(request)
    module, assignment = _own_assignment(patient, code)
    if not assignment.attempts:
        return redirect("education:lesson", code=code)
    return render(
        request,
        "education/result.html",
        {
            "patient": patient,
            "module": module,
            "assignment": assignment,
            "answers": _answers(module, assignment),
        },
    )
