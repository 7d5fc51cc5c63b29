from typing import Any

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from osteorehab.accounts.access import own_patient, parts_for, patient_for
from osteorehab.accounts.domain import Action, CaregiverAction, Part, Role
from osteorehab.accounts.models import PART_LABELS
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.logbook.selectors import approved_version, feedback
from osteorehab.patients import services as patient_services
from osteorehab.patients.models import Caregiver, ConsentKind, Patient
from osteorehab.patients.views import invitation_page

from . import selectors, services
from .domain import GUIDE, HOME, walk_through
from .forms import EncouragementForm, JoinForm, JoinWithMyLoginForm, SharingForm
from .models import Encouragement

ACTION_WORDS = {
    CaregiverAction.LOG_ON_BEHALF.value: gettext_lazy(
        "fill in their exercise log and check-in for them"
    ),
    CaregiverAction.RECEIVE_ALERTS.value: gettext_lazy(
        "be told at once of an urgent alert about them"
    ),
}


@login_required
def person(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """A caregiver's page for the person they support: what is shared with them, this week's
    exercises from the plan in force and the home-safety tasks given to family (the plan part),
    the week so far from the log (the log part), a link to the goals (the progress part), and
    how to help. Any user who can reach the patient
    may open it, and sees it as their role allows."""
    patient = patient_for(request, patient_id)
    user = request.user
    parts = parts_for(user, patient)
    context: dict[str, Any] = {
        "patient": patient,
        "parts": {part.value for part in parts},
        "shared": [PART_LABELS[part] for part in Part if part in parts],
        "can_encourage": services.encouragement_kind(user, patient) is not None,
    }
    if user.role == Role.CAREGIVER:
        link = Caregiver.objects.filter(patient=patient, user=user).first()
        context["may_do"] = [ACTION_WORDS[a] for a in (link.allowed_actions if link else [])]
    today = timezone.localdate()
    if Part.PLAN in parts:
        version = approved_version(patient)
        context["week"] = (
            selectors.plan_week(version, today=today, language=get_language() or "en")
            if version
            else None
        )
        context["tasks"] = selectors.family_tasks(patient)
        context["today"] = today
    if Part.LOG in parts:
        context["feedback"] = feedback(patient, today)
    return render(request, "family/person.html", context)


@login_required
def goals(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's goals in their own words, and where they stand at the latest review."""
    patient = patient_for(request, patient_id, part=Part.PROGRESS)
    return render(
        request,
        "family/goals.html",
        {"patient": patient, "goals": selectors.goals_in_own_words(patient)},
    )


@login_required
def encourage(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """Send a few kind words: a family member the patient shares with, or their care team."""
    patient = patient_for(request, patient_id)
    if services.encouragement_kind(request.user, patient) is None:
        raise PermissionDenied
    form = EncouragementForm(request.POST or None)
    if request.method == "POST" and run_service(
        form,
        lambda d: services.encouragement_send(
            patient=patient, by=request.user, text=d["text"], client_key=d["client_key"]
        ),
    ):
        messages.success(
            request,
            _("Your message is on its way to %(name)s.") % {"name": patient.given_name},
        )
        if request.user.role == Role.CAREGIVER:
            return redirect("family:person", patient_id=patient.pk)
        return redirect("patients:record", patient_id=patient.pk)
    return render(
        request,
        "family/form_page.html",
        {
            "form": form,
            "patient": patient,
            "title": _("Send %(name)s a few kind words") % {"name": patient.given_name},
            "submit": _("Send"),
            "back": _back(request, patient),
        },
        status=400 if form.errors else 200,
    )


def _back(request: AuthedRequest, patient: Patient) -> str:
    name = "family:person" if request.user.role == Role.CAREGIVER else "patients:record"
    return reverse(name, args=[patient.pk])


@login_required
def guide(request: AuthedRequest) -> HttpResponse:
    """How to help: supporting exercise, the home-safety walk-through, what to do after a fall,
    and looking after yourself; in the reader's language."""
    language = get_language() or "en"
    return render(
        request,
        "family/guide.html",
        {
            "sections": [
                {
                    "code": section.code,
                    "title": section.title.of(language),
                    "intro": section.intro.of(language),
                    "points": [point.of(language) for point in section.points],
                    "note": section.note.of(language) if section.note else "",
                    "rooms": walk_through(language) if section is HOME else [],
                }
                for section in GUIDE
            ]
        },
    )


# Wrong joining codes are limited: JOIN_TRIES_PER_CLIENT per quarter of an hour from one address
# (the client address as the login lockout, django-axes, sees it) and JOIN_TRIES_SITE_WIDE per
# hour from everyone together, which bounds a guesser with many addresses: 100 an hour for the
# 7 days a code lives find one of 1,000 live codes with a chance of about 2 in 100,000
# (16,800 x 1,000 / 31**8). LOCAL PROGRAM CHOICES.
JOIN_TRIES_PER_CLIENT = 5
JOIN_TRIES_SITE_WIDE = 100
_CLIENT_WINDOW_S = 15 * 60
_SITE_WINDOW_S = 60 * 60


def _join_counters(request: HttpRequest) -> list[tuple[str, int, int]]:
    address = get_client_ip_address(request) or "unknown"
    # the address is kept in the cache only as a keyed hash
    client = salted_hmac("osteorehab.family.join", address).hexdigest()[:32]
    return [
        (f"family-join:client:{client}", JOIN_TRIES_PER_CLIENT, _CLIENT_WINDOW_S),
        ("family-join:site", JOIN_TRIES_SITE_WIDE, _SITE_WINDOW_S),
    ]


def _join_blocked(request: HttpRequest) -> bool:
    return any(cache.get(key, 0) >= limit for key, limit, _window in _join_counters(request))


def _join_failed(request: HttpRequest) -> None:
    for key, _limit, window in _join_counters(request):
        cache.add(key, 0, window)  # the window starts with the first wrong try
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, window)


def join(request: HttpRequest) -> HttpResponse:
    """Where a family member types the joining code they were given, instead of opening the
    invitation link: with a new login, or with the family login they already have."""
    user = request.user
    mine = user if user.is_authenticated and user.role == Role.CAREGIVER else None
    form: forms.Form = (JoinWithMyLoginForm if mine else JoinForm)(request.POST or None)
    status = 200
    if request.method == "POST":
        if _join_blocked(request):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many wrong codes. Wait 15 minutes and try again, or open the link "
                    "in the invitation e-mail."
                ),
            )
            status = 429
        else:
            caregiver = run_service(
                form,
                lambda d: patient_services.caregiver_join(
                    code=d["code"],
                    user=mine,
                    username=d.get("username", ""),
                    password=d.get("password", ""),
                ),
            )
            if caregiver and mine:
                messages.success(
                    request, _("You now support %(name)s.") % {"name": caregiver.patient.name}
                )
                return redirect("family:person", patient_id=caregiver.patient_id)
            if caregiver:
                messages.success(
                    request,
                    _("Your login is ready. Log in with your new user name and password."),
                )
                return redirect("accounts:login")
            if form.has_error("code", "bad_code"):
                _join_failed(request)
    return render(
        request,
        "family/join.html",
        {
            "form": form,
            "title": _("Join with a code"),
            "submit": _("Join") if mine else _("Create my login"),
            "mine": mine,
        },
        status=status if status != 200 else (400 if form.errors else 200),
    )


@login_required
def sharing(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's consent to sharing with family, given or withdrawn at any time: while it
    is withdrawn no caregiver sees anything (osteorehab.accounts.access), from the next page
    they open."""
    patient = patient_for(request, patient_id, action=Action.SHARE)
    in_force = patient_services.family_sharing_in_force(patient)
    form = SharingForm(request.POST or None)

    def decide(data: dict[str, Any]) -> bool:
        if data["granted"] != bool(in_force):  # pressed twice: decided already
            patient_services.consent_record(
                patient=patient,
                by=request.user,
                kind=ConsentKind.FAMILY_SHARING,
                granted=data["granted"],
                decided_on=timezone.localdate(),
            )
        return True

    if request.method == "POST" and run_service(form, decide):
        messages.success(
            request,
            _("Family sharing is on.")
            if form.cleaned_data["granted"]
            else _("Family sharing has stopped. Nobody in your family sees anything now."),
        )
        return redirect(reverse("patients:record", args=[patient.pk]) + "#family")
    return render(
        request,
        "family/sharing.html",
        {
            "patient": patient,
            "in_force": bool(in_force),
            "people": patient.caregivers.filter(revoked_at__isnull=True),
        },
        status=400 if form.errors else 200,
    )


@login_required
def code_new(request: AuthedRequest, patient_id: int, caregiver_id: int) -> HttpResponse:
    """A new joining code for an invitation not yet taken up (the last one may have expired);
    asks first, as the code given before stops working."""
    patient = patient_for(request, patient_id, action=Action.SHARE)
    caregiver = get_object_or_404(
        patient.caregivers.filter(revoked_at__isnull=True, user__isnull=True), pk=caregiver_id
    )
    if request.method != "POST":
        return render(
            request,
            "family/form_page.html",
            {
                "form": forms.Form(),
                "patient": patient,
                "title": _("A new joining code for %(name)s") % {"name": caregiver.name},
                "lead": _("The code given before stops working. The invitation link still works."),
                "submit": _("Make a new code"),
                "back": reverse("patients:record", args=[patient.pk]) + "#family",
            },
        )
    code = patient_services.caregiver_code_issue(caregiver=caregiver, by=request.user)
    return invitation_page(request, patient, caregiver, code)


@login_required
def received(request: AuthedRequest) -> HttpResponse:
    """The patient's messages of encouragement, all of them, newest first."""
    patient = own_patient(request)
    return render(
        request,
        "family/messages.html",
        {
            "patient": patient,
            "encouragements": Encouragement.objects.filter(patient=patient).select_related(
                "author"
            )[:100],
        },
    )
