import uuid
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from osteorehab.accounts.access import own_patient, patient_for
from osteorehab.accounts.domain import Action, Part, Role
from osteorehab.alerts.models import AlertKind
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient
from osteorehab.plans.domain import items_of
from osteorehab.plans.handout import dose_words

from . import domain, services
from .forms import (
    CheckInForm,
    DoctorForm,
    ExerciseLogForm,
    GotUpForm,
    InjuryForm,
    InjuryWhatForm,
    PlaceForm,
    StaffCheckInForm,
    StaffExerciseLogForm,
    StaffFallReportForm,
    WhenForm,
)
from .models import CheckIn, CompletionChoice, FallReport
from .selectors import (
    TodaySession,
    approved_version,
    exercise_rows,
    feedback,
    log_overview,
    today_session,
)


def _language() -> str:
    return get_language() or "en"


def _own_patient(request: AuthedRequest, action: Action = Action.VIEW) -> Patient:
    return own_patient(request, part=Part.LOG, action=action)


def _today(patient: Patient) -> TodaySession:
    return today_session(patient, timezone.localdate(), _language())


def next_url(session: TodaySession) -> str:
    """Where today's session goes on: the next exercise not yet logged, then the practice."""
    step = session.next_step
    if step is not None:
        return reverse("logbook:exercise", args=[step.code])
    return reverse("logbook:practice")


@login_required
def week(request: AuthedRequest) -> HttpResponse:
    """The patient's week so far, the days in a row, what their checks show and the milestones
    reached: effort linked to the gains it brings."""
    patient = _own_patient(request)
    return render(
        request,
        "logbook/week.html",
        {"patient": patient, "feedback": feedback(patient, timezone.localdate())},
    )


# ---- Today's session, one screen at a time ----


@login_required
def today(request: AuthedRequest) -> HttpResponse:
    """Today: the exercises of the approved plan due today (each logged or not), the practice
    of the day and any lesson to do, with one button to go on."""
    patient = _own_patient(request)
    session = _today(patient)
    return render(
        request,
        "logbook/today.html",
        {
            "patient": patient,
            "session": session,
            "next": next_url(session),
            "practice_title": session.practice.title(_language()),
        },
    )


@login_required
def exercise(request: AuthedRequest, code: str) -> HttpResponse:
    """One exercise: its name, how to do it, how much, a timer for holds and timed bouts; then
    Done, Partly or Skipped."""
    patient = _own_patient(request)
    session = _today(patient)
    step = session.step(code)
    if step is None:  # not one of today's (the day changed, or an old link)
        return redirect("logbook:today")
    return render(
        request,
        "logbook/exercise.html",
        {
            "patient": patient,
            "session": session,
            "step": step,
            "number": session.number_of(step),
            "dose": dose_words(step.item.dose),
            "completions": CompletionChoice.choices,
        },
    )


@login_required
def exercise_log(request: AuthedRequest, code: str) -> HttpResponse:
    """What was done (or why not), on one screen; saved, the session goes on. The form keeps the
    day and plan version it was shown with, so that an answer sent late keeps them."""
    patient = _own_patient(request, Action.REPORT)
    session = _today(patient)
    step = session.step(code)
    completion = (request.POST if request.method == "POST" else request.GET).get("completion")
    if completion not in CompletionChoice.values or (request.method != "POST" and step is None):
        return redirect("logbook:exercise", code=code) if step else redirect("logbook:today")
    form = ExerciseLogForm(
        request.POST or None,
        completion=completion,
        dose=step.item.dose if step else None,
        initial={
            "day": session.day,
            "plan_version": session.version.number if session.version else None,
            "completion": completion,
        },
    )
    if request.method == "POST" and run_service(
        form,
        lambda d: services.exercise_log_record(
            patient=patient, by=request.user, exercise=code, **form.values()
        ),
    ):
        return redirect(next_url(_today(patient)))
    rows = exercise_rows([code]) if step is None else {}
    return render(
        request,
        "logbook/exercise_log.html",
        {
            "patient": patient,
            "form": form,
            "code": code,
            "name": step.name if step else (rows[code].name(_language()) if rows else code),
            "completion": completion,
            "skipped": completion == domain.Completion.SKIPPED,
        },
        status=400 if form.errors else 200,
    )


@login_required
def practice(request: AuthedRequest) -> HttpResponse:
    """The relaxation or mindfulness practice of the day: the program's own script."""
    patient = _own_patient(request)
    session = _today(patient)
    language = _language()
    chosen = session.practice
    return render(
        request,
        "logbook/practice.html",
        {
            "patient": patient,
            "title": chosen.title(language),
            "steps": chosen.steps(language),
            "practice": chosen,
            "kind": domain.PRACTICE_KIND_WORDS[chosen.kind],
            "next": reverse("logbook:lessons") if session.lessons else reverse("logbook:today"),
        },
    )


@login_required
def lessons(request: AuthedRequest) -> HttpResponse:
    """The lessons still to do, each a link to the lesson."""
    patient = _own_patient(request)
    return render(request, "logbook/lessons.html", {"patient": patient, "session": _today(patient)})


# ---- The daily check-in ----


@login_required
def check_in(request: AuthedRequest) -> HttpResponse:
    """The check-in on one short screen of large controls: one submission, kept whole on the
    phone when the connection drops (see the template)."""
    patient = _own_patient(request, Action.REPORT)
    form = CheckInForm(request.POST or None, initial={"day": timezone.localdate()})
    if request.method == "POST":
        entry = run_service(
            form, lambda d: services.check_in_record(patient=patient, by=request.user, **d)
        )
        if entry:
            return redirect("logbook:check-in-done", check_in_id=entry.pk)
    return render(
        request,
        "logbook/check_in.html",
        {"patient": patient, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def check_in_done(request: AuthedRequest, check_in_id: int) -> HttpResponse:
    """After the check-in, on its own address: what to do now when it carried a safety signal;
    the way to the fall report when it told of a fall; else thanks."""
    patient = _own_patient(request)
    entry = get_object_or_404(CheckIn, patient=patient, pk=check_in_id)
    return render(
        request,
        "logbook/check_in_done.html",
        {
            "patient": patient,
            "entry": entry,
            "signals": domain.check_in_signals(back_pain_new=entry.back_pain_new, pain=entry.pain),
            "crisis_contact": settings.CRISIS_CONTACT,
        },
    )


# ---- The fall report, one question per screen ----

FALL_STEPS: dict[str, type[forms.Form]] = {
    "when": WhenForm,
    "place": PlaceForm,
    "injury": InjuryForm,
    "injury_what": InjuryWhatForm,
    "got_up": GotUpForm,
    "doctor": DoctorForm,
}
FIELD_STEP = {name: step for step, form in FALL_STEPS.items() for name in form.base_fields}
FIELD_STEP["happened_on"] = "when"


def _steps(data: Any) -> list[str]:
    """The screens that apply: what was hurt is asked only after a yes to "Were you hurt?"."""
    return [step for step in FALL_STEPS if step != "injury_what" or data.get("injury") == "yes"]


def _step_form(step: str, data: Any = None, **kwargs: Any) -> forms.Form:
    if FALL_STEPS[step] is WhenForm:
        kwargs["today"] = timezone.localdate()
    return FALL_STEPS[step](data, **kwargs)


def _fall_screen(
    request: AuthedRequest,
    patient: Patient,
    step: str,
    form: forms.Form,
    *,
    data: Any,
    client_key: uuid.UUID,
) -> HttpResponse:
    """One question; the answers given so far travel with it as hidden fields (a POST body,
    never the address: what was hurt stays out of the server's logs)."""
    steps = _steps(data)
    carried = [
        (name, data[name])
        for other in steps
        if other != step
        for name in FALL_STEPS[other].base_fields
        if name in data
    ]
    number = steps.index(step) + 1
    return render(
        request,
        "logbook/fall_step.html",
        {
            "patient": patient,
            "form": form,
            "step": step,
            "carried": carried,
            "client_key": client_key,
            "number": number,
            "count": len(steps),
            "last": number == len(steps),
            "crisis_contact": settings.CRISIS_CONTACT,
        },
        status=400 if form.errors else 200,
    )


@login_required
def fall_report(request: AuthedRequest) -> HttpResponse:
    """I had a fall: when, where, hurt or not (and what), could I get up, did I see a doctor.
    Each screen checks every answer so far; the last one sends them all."""
    patient = _own_patient(request, Action.REPORT)
    if request.method != "POST":
        first = next(iter(FALL_STEPS))
        return _fall_screen(
            request, patient, first, _step_form(first), data={}, client_key=uuid.uuid4()
        )
    data = request.POST
    try:
        client_key = uuid.UUID(data.get("client_key", ""))
    except ValueError:
        client_key = uuid.uuid4()
    steps = _steps(data)
    current = data.get("step", "")
    if current not in steps:
        current = steps[0]
    index = steps.index(current)
    if "back" in data:
        target = steps[max(index - 1, 0)]
        return _fall_screen(
            request,
            patient,
            target,
            _step_form(target, initial=data),
            data=data,
            client_key=client_key,
        )
    answered = {}
    for step in steps[: index + 1]:
        form = _step_form(step, data)
        if not form.is_valid():
            return _fall_screen(request, patient, step, form, data=data, client_key=client_key)
        answered[step] = form
    if index + 1 < len(steps):
        target = steps[index + 1]
        return _fall_screen(
            request,
            patient,
            target,
            _step_form(target, initial=data),
            data=data,
            client_key=client_key,
        )
    values: dict[str, Any] = {}
    for form in answered.values():
        values.update(form.cleaned_data)
    when = cast(WhenForm, answered["when"])
    try:
        entry = services.fall_report_record(
            patient=patient,
            by=request.user,
            client_key=client_key,
            happened_on=when.happened_on(),
            place=values["place"],
            place_other=values.get("place_other", ""),
            injury=values["injury"],
            injury_what=values.get("injury_what", ""),
            could_get_up=values["could_get_up"],
            saw_doctor=values["saw_doctor"],
        )
    except ValidationError as error:
        field, errors = next(iter(error.message_dict.items()))
        step = FIELD_STEP.get(field, steps[0])
        form = _step_form(step, data)
        form.is_valid()
        target = "other_day" if field == "happened_on" and data.get("when") == "other" else field
        form.add_error(target if target in form.fields else None, errors)
        return _fall_screen(request, patient, step, form, data=data, client_key=client_key)
    return redirect("logbook:fall-done", fall_id=entry.pk)


@login_required
def fall_done(request: AuthedRequest, fall_id: int) -> HttpResponse:
    """After the fall report, on its own address: what to do now, and that the care team has
    been told when the fall carried a safety signal."""
    patient = _own_patient(request)
    entry = get_object_or_404(FallReport, patient=patient, pk=fall_id)
    return render(
        request,
        "logbook/fall_done.html",
        {
            "patient": patient,
            "entry": entry,
            "signals": domain.fall_signals(injury=entry.injury, could_get_up=entry.could_get_up),
            "crisis_contact": settings.CRISIS_CONTACT,
        },
    )


# ---- The care team's log, and entries on the patient's behalf ----


@login_required
def overview(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The last weeks: each day's exercises done against those planned, the check-ins and the
    falls, with the safety signals each carried. For the care team, the program lead, and a
    caregiver the patient shared the log with."""
    patient = patient_for(request, patient_id, part=Part.LOG)
    found = log_overview(patient, timezone.localdate(), _language())
    return render(
        request,
        "logbook/overview.html",
        {
            "patient": patient,
            "overview": found,
            "falls": [
                (f, domain.fall_signals(injury=f.injury, could_get_up=f.could_get_up))
                for f in found.falls
            ],
            "check_ins": [
                (c, domain.check_in_signals(back_pain_new=c.back_pain_new, pain=c.pain))
                for c in found.check_ins
            ],
            "can_enter": services.may_enter_for(request.user, patient),
        },
    )


def _entering(request: AuthedRequest, patient_id: int) -> tuple[Patient, bool]:
    """The patient, for a user who may enter their log on their behalf; and whether the user is
    a clinician (who says how they heard it)."""
    patient = patient_for(request, patient_id, part=Part.LOG)
    if not services.may_enter_for(request.user, patient):
        raise PermissionDenied
    return patient, request.user.role != Role.CAREGIVER


def _told(request: AuthedRequest, signals: tuple[domain.Signal, ...]) -> None:
    if not signals:
        messages.success(request, _("Saved."))
        return
    messages.warning(
        request,
        _(
            "Saved. An urgent alert has gone to the nurse and the physician: %(signals)s. If the "
            "patient is hurt or cannot get up, call the local emergency number now."
        )
        % {"signals": "; ".join(_alert_words(s) for s in signals)},
    )


def _alert_words(signal: domain.Signal) -> str:
    return str(AlertKind(signal.kind.value).label)


def _entry_page(
    request: AuthedRequest, patient: Patient, form: forms.Form, title: str
) -> HttpResponse:
    return render(
        request,
        "logbook/entry_form.html",
        {"patient": patient, "form": form, "title": title, "submit": _("Save")},
        status=400 if form.errors else 200,
    )


@login_required
def enter_exercise(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient, clinician = _entering(request, patient_id)
    version = approved_version(patient)
    if version is None:
        messages.error(request, _("There is no approved plan yet: no exercise to log."))
        return redirect("logbook:overview", patient_id=patient.pk)
    rows = exercise_rows([item.exercise for item in items_of(version.content)])
    language = _language()
    choices = [
        (
            item.exercise,
            rows[item.exercise].name(language) if item.exercise in rows else item.exercise,
        )
        for item in items_of(version.content)
    ]
    form = StaffExerciseLogForm(
        request.POST or None,
        exercises=choices,
        clinician=clinician,
        initial={"day": timezone.localdate()},
    )
    if request.method == "POST" and run_service(
        form,
        lambda d: services.exercise_log_record(
            patient=patient, by=request.user, plan_version=version.number, **d
        ),
    ):
        messages.success(request, _("Saved."))
        return redirect("logbook:overview", patient_id=patient.pk)
    return _entry_page(request, patient, form, _("Log an exercise for the patient"))


@login_required
def enter_check_in(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient, clinician = _entering(request, patient_id)
    form = StaffCheckInForm(
        request.POST or None, clinician=clinician, initial={"day": timezone.localdate()}
    )
    if request.method == "POST":
        entry = run_service(
            form, lambda d: services.check_in_record(patient=patient, by=request.user, **d)
        )
        if entry:
            _told(
                request,
                domain.check_in_signals(back_pain_new=entry.back_pain_new, pain=entry.pain),
            )
            return redirect("logbook:overview", patient_id=patient.pk)
    return _entry_page(request, patient, form, _("Enter a check-in for the patient"))


@login_required
def enter_fall(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient, clinician = _entering(request, patient_id)
    form = StaffFallReportForm(
        request.POST or None, clinician=clinician, initial={"happened_on": timezone.localdate()}
    )
    if request.method == "POST":
        entry = run_service(
            form, lambda d: services.fall_report_record(patient=patient, by=request.user, **d)
        )
        if entry:
            _told(
                request, domain.fall_signals(injury=entry.injury, could_get_up=entry.could_get_up)
            )
            return redirect("logbook:overview", patient_id=patient.pk)
    return _entry_page(request, patient, form, _("Report a fall for the patient"))
