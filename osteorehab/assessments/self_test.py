"""The patient's own 30-second chair stand, on their phone: how to do it safely, a practice run
with the timer, the test itself and its count, then the result in plain words against the
STEADI norm for their age and sex (clinical-reference 2.2). Only the patient themself."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import KeyedForm, run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient

from . import services
from .domain import SELF_REPORT
from .instruments.chair_stand import BELOW_NORM, CHAIR_STAND, STANDS_HIGH
from .instruments.measurement import SEXES
from .models import Draft, Occasion
from .selectors import questionnaires_to_answer
from .views import _own_patient

CODE = CHAIR_STAND.code
SECONDS = 30  # the test's length (STEADI): the timer counts it down


def questionnaires_waiting(patient: Patient) -> int:
    """How many of the patient's questionnaires are to start or to finish, counted as the
    questionnaires page marks them (views.questionnaires): part-answered, or due now."""
    started = {d.instrument for d in Draft.objects.filter(patient=patient) if d.answers}
    due = questionnaires_to_answer(patient, timezone.localdate())
    return sum(1 for code in SELF_REPORT if code in started or code in due)


class StandsForm(KeyedForm):
    key_required = False  # the key came later than the form (core.forms.KeyedForm)

    # No range here: the instrument refuses a count outside 0..STANDS_HIGH, naming the field,
    # so the limit is written once, with its reason.
    stands = forms.IntegerField(
        label=_("How many times did you stand up?"),
        error_messages={"required": _("Enter how many times you stood up.")},
        widget=forms.NumberInput(
            attrs={
                "min": 0,
                "max": STANDS_HIGH,
                "inputmode": "numeric",
                "class": "count",
                "aria-describedby": "stands-help",
            }
        ),
    )


def _page(request: AuthedRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"assessments/chair_stand/{template}", context)


@login_required
def chair_stand(request: AuthedRequest) -> HttpResponse:
    """Screen 1: what the test is, how to do it, and how to stay safe."""
    patient = _own_patient(request)
    # The norms are by sex; a record without female or male cannot be compared: the care team
    # does the test with the patient instead.
    return _page(request, "start.html", patient=patient, possible=patient.sex in SEXES)


@login_required
def chair_stand_practice(request: AuthedRequest) -> HttpResponse:
    """Screen 2: a practice run with the timer; nothing is kept."""
    patient = _own_patient(request)
    if patient.sex not in SEXES:
        return redirect("assessments:chair-stand")
    return _page(request, "practice.html", patient=patient, seconds=SECONDS)


@login_required
def chair_stand_test(request: AuthedRequest) -> HttpResponse:
    """Screen 3: the test with the timer, then the count, scored by the instrument with the
    age and sex from the record and kept as the patient's own report."""
    patient = _own_patient(request)
    if patient.sex not in SEXES:
        return redirect("assessments:chair-stand")
    form = StandsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # the first chair stand on record is the baseline; later ones are follow-ups
        had_baseline = (
            patient.assessments.valid().filter(instrument=CODE, occasion=Occasion.BASELINE)
        ).exists()
        assessment = run_service(
            form,
            lambda d: services.assessment_record(
                patient=patient,
                by=request.user,
                code=CODE,
                answers={"stands": d["stands"], "age": patient.age, "sex": patient.sex},
                administered_on=timezone.localdate(),
                occasion=Occasion.FOLLOW_UP if had_baseline else Occasion.BASELINE,
                self_reported=True,
                client_key=d["client_key"],
            ),
        )
        if assessment:
            return redirect("assessments:chair-stand-result", assessment_id=assessment.pk)
    return render(
        request,
        "assessments/chair_stand/test.html",
        {"patient": patient, "form": form, "seconds": SECONDS, "high": STANDS_HIGH},
        status=400 if form.errors else 200,
    )


@login_required
def chair_stand_result(request: AuthedRequest, assessment_id: int) -> HttpResponse:
    """Screen 4: the count, and whether it is below the norm for the patient's age and sex, as
    the instrument judged it."""
    patient = _own_patient(request)
    assessment = get_object_or_404(
        patient.assessments.valid(), pk=assessment_id, instrument=CODE, self_reported=True
    )
    result = assessment.result
    return _page(
        request,
        "result.html",
        patient=patient,
        assessment=assessment,
        stands=assessment.answers["stands"],
        norm=result.get("norm"),
        below=BELOW_NORM in result.get("flags", ()),
    )
