"""The exercise library and the program presets: the clinical staff and the program lead read
them; the rehabilitation therapist and the physician, who write plans, add, edit and retire
exercises and apply a preset to a patient's plan."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from osteorehab.accounts.access import require_role
from osteorehab.assessments.domain import IMPACT_WORDS
from osteorehab.assessments.selectors import patient_baseline
from osteorehab.audit.models import AuditEvent
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest

from . import domain, library_services
from .exercises import (
    CATEGORY_LABELS,
    CONTRAINDICATION_LABELS,
    EQUIPMENT_LABELS,
    MUSCLE_WORDS,
    Category,
    Contraindication,
    Dose,
    Intensity,
)
from .forms import DAYS
from .library_forms import (
    INTENSITY_LABELS,
    ExerciseForm,
    LibraryFilterForm,
    PresetApplyForm,
    RetireForm,
)
from .library_services import LIBRARY_EDITORS, LIBRARY_READERS
from .models import Exercise, PlanVersion, Preset
from .views import _edit


def _language() -> str:
    return get_language() or "en"


def _tags(exercise: Exercise) -> list[str]:
    return [_(CONTRAINDICATION_LABELS[Contraindication(tag)]) for tag in exercise.contraindications]


def _row(exercise: Exercise, language: str) -> dict[str, Any]:
    return {
        "exercise": exercise,
        "name": exercise.name(language),
        "category": _(CATEGORY_LABELS[Category(exercise.category)]),
        "impact": _(IMPACT_WORDS[exercise.impact]),
        "tags": _tags(exercise),
    }


def _filtered(form: LibraryFilterForm) -> list[Exercise]:
    rows: QuerySet[Exercise] = Exercise.objects.all()
    if form.is_bound and not form.is_valid():
        return []
    data = form.cleaned_data if form.is_bound else {}
    if not data.get("retired"):
        rows = rows.filter(retired=False)
    if data.get("category"):
        rows = rows.filter(category=data["category"])
    if data.get("impact"):
        rows = rows.filter(impact=data["impact"])
    if text := (data.get("q") or "").strip():
        rows = rows.filter(
            Q(name_en__icontains=text) | Q(name_zh__icontains=text) | Q(code__icontains=text)
        )
    # the tags are a JSON list, which not every database searches inside: filtered here
    tag = data.get("tag")
    return [row for row in rows if not tag or tag in row.contraindications]


@login_required
def exercises(request: AuthedRequest) -> HttpResponse:
    """The library, filtered by category, impact, contraindication and words of the name in
    either language (or of the code); one query."""
    require_role(request.user, *LIBRARY_READERS)
    form = LibraryFilterForm(request.GET or None)
    language = _language()
    return render(
        request,
        "plans/library/exercises.html",
        {
            "form": form,
            "rows": [_row(exercise, language) for exercise in _filtered(form)],
            "can_edit": request.user.role in LIBRARY_EDITORS,
        },
    )


def _dose(exercise: Exercise) -> Dose:
    return Dose(
        sets=exercise.sets,
        reps=exercise.reps,
        reps_max=exercise.reps_max,
        hold_seconds=exercise.hold_seconds,
        minutes=exercise.minutes,
        impacts=exercise.impacts,
        load_en=exercise.load_en,
        load_zh=exercise.load_zh,
    )


def _flags(exercise: Exercise) -> list[str]:
    flags = [
        words
        for on, words in (
            (exercise.spinal_flexion, _("loaded or end-range spinal flexion or twisting")),
            (exercise.floor_lift, _("lifting from or to the floor")),
            (exercise.high_intensity, _("high intensity (LIFTMOR-type)")),
        )
        if on
    ]
    flags.append(_("done holding on to a support") if exercise.supported else _("without support"))
    if exercise.otago_level:
        flags.append(_("Otago level %(level)s") % {"level": exercise.otago_level})
    return flags


def _named(objects: Any, language: str) -> list[tuple[int, str]]:
    """(id, name in the language) of exercises or presets, leaving out None."""
    return [(obj.pk, obj.name(language)) for obj in objects if obj is not None]


@login_required
def exercise_detail(request: AuthedRequest, exercise_id: int) -> HttpResponse:
    require_role(request.user, *LIBRARY_READERS)
    exercise = get_object_or_404(
        Exercise.objects.select_related("progression", "regression"), pk=exercise_id
    )
    language = _language()
    retirement = (
        AuditEvent.objects.filter(
            target=Exercise._meta.label, object_id=str(exercise.pk), changes__has_key="retired"
        ).first()
        if exercise.retired
        else None
    )
    return render(
        request,
        "plans/library/exercise.html",
        {
            "exercise": exercise,
            "name": exercise.name(language),
            "category": _(CATEGORY_LABELS[Category(exercise.category)]),
            "impact": _(IMPACT_WORDS[exercise.impact]),
            "intensity": INTENSITY_LABELS[Intensity(exercise.intensity)],
            "dose": _dose(exercise),
            "equipment": [_(EQUIPMENT_LABELS[key]) for key in exercise.equipment],
            "muscle_groups": [_(MUSCLE_WORDS[group]) for group in exercise.muscle_groups],
            "tags": _tags(exercise),
            "flags": _flags(exercise),
            "links": [
                (_("Progression"), _named([exercise.progression], language)),
                (_("Regression"), _named([exercise.regression], language)),
                (_("Alternatives"), _named(exercise.alternatives.all(), language)),
            ],
            "presets": _named(
                Preset.objects.filter(items__exercise=exercise, retired=False).distinct(), language
            ),
            "retirement": retirement,
            "can_edit": request.user.role in LIBRARY_EDITORS,
        },
    )


def _form_page(request: AuthedRequest, form: Any, title: str, back: str) -> HttpResponse:
    return render(
        request,
        "plans/library/form.html",
        {"form": form, "title": title, "submit": _("Save"), "back": back},
        status=400 if form.errors else 200,
    )


@login_required
def exercise_new(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *LIBRARY_EDITORS)
    form = ExerciseForm(request.POST or None)
    if request.method == "POST":
        exercise = run_service(
            form, lambda d: library_services.exercise_create(by=request.user, **d)
        )
        if exercise:
            messages.success(request, _("Exercise added to the library."))
            return redirect("plans:exercise", exercise_id=exercise.pk)
    return _form_page(request, form, _("New exercise"), "")


@login_required
def exercise_edit(request: AuthedRequest, exercise_id: int) -> HttpResponse:
    require_role(request.user, *LIBRARY_EDITORS)
    exercise = get_object_or_404(Exercise, pk=exercise_id)
    # named before the form is bound: a refused edit leaves its values on the instance
    title = _("Edit %(name)s") % {"name": exercise.name(_language())}
    form = ExerciseForm(request.POST or None, instance=exercise)
    if request.method == "POST" and run_service(
        form,
        lambda d: library_services.exercise_update(exercise=exercise, by=request.user, **d),
    ):
        messages.success(request, _("Exercise saved."))
        return redirect("plans:exercise", exercise_id=exercise.pk)
    return _form_page(request, form, title, str(exercise.pk))


@login_required
def exercise_retire(request: AuthedRequest, exercise_id: int) -> HttpResponse:
    require_role(request.user, *LIBRARY_EDITORS)
    exercise = get_object_or_404(Exercise, pk=exercise_id)
    form = RetireForm(request.POST or None)
    if request.method == "POST" and run_service(
        form,
        lambda d: library_services.exercise_retire(
            exercise=exercise, by=request.user, reason=d["reason"]
        ),
    ):
        messages.success(request, _("Exercise retired."))
        return redirect("plans:exercise", exercise_id=exercise.pk)
    title = _("Retire %(name)s") % {"name": exercise.name(_language())}
    return _form_page(request, form, title, str(exercise.pk))


@login_required
def presets(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *LIBRARY_READERS)
    language = _language()
    found = Preset.objects.filter(retired=False).annotate(exercises=Count("items"))
    return render(
        request,
        "plans/library/presets.html",
        {
            "rows": [
                {
                    "preset": preset,
                    "name": preset.name(language),
                    "description": preset.description(language),
                }
                for preset in found
            ]
        },
    )


@login_required
def preset_detail(request: AuthedRequest, preset_id: int) -> HttpResponse:
    require_role(request.user, *LIBRARY_READERS)
    preset = get_object_or_404(Preset, pk=preset_id)
    language = _language()
    labels = dict(DAYS)
    return render(
        request,
        "plans/library/preset.html",
        {
            "preset": preset,
            "name": preset.name(language),
            "description": preset.description(language),
            "items": [
                {
                    **_row(item.exercise, language),
                    "days": [labels[day] for day in sorted(item.days)],
                    "dose": item.dose(),
                }
                for item in preset.items.select_related("exercise")
            ],
        },
    )


@login_required
def plan_preset_apply(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """A preset's exercises replace the plan's, checked by the safety layer for this patient:
    refused, naming each rule, where one breaks a rule."""
    patient, version = _edit(request, patient_id)
    form = PresetApplyForm(
        request.POST or None,
        initial={"based_on": version.number if version else 0},
        ask_facts=version is None,
    )
    if request.method == "POST":

        def apply(data: dict[str, Any]) -> PlanVersion:
            profile = patient_baseline(patient).profile
            facts = (
                domain.Facts(profile, **form.facts())
                if version is None
                else domain.recorded_facts(version.content, profile)
            )
            return library_services.plan_preset_apply(
                patient=patient,
                by=request.user,
                preset=data["preset"],
                facts=facts,
                reason=data["reason"],
                based_on=data["based_on"],
            )

        if run_service(form, apply):
            messages.success(request, _("Preset applied: plan saved."))
            return redirect("plans:plan", patient_id=patient.pk)
    return render(
        request,
        "plans/library/apply.html",
        {
            "patient": patient,
            "form": form,
            "title": _("Apply a preset"),
            "submit": _("Save the plan"),
        },
        status=400 if form.errors else 200,
    )
