from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from osteorehab.accounts.access import patient_for
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role, may
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest

from . import services
from .domain import ITEMS, ITEMS_BY_CODE, SELF_OWNERS, Answer, Owner, by_room
from .forms import DoneForm, HomeSafetyCheckForm
from .models import HomeSafetyAction, HomeSafetyCheck, How

# Who reads the check's note: the care team and the program lead.
STAFF = (*CLINICAL_ROLES, Role.LEAD)


def _markable_owners(role: Role) -> list[str]:
    """The owners whose actions this role may mark done on a patient it reached with the plan
    part (the rule is the service's, `services.may_mark_done`)."""
    if role in CLINICAL_ROLES and may(role, Action.EDIT):
        return [owner.value for owner in Owner]
    if role in (Role.PATIENT, Role.CAREGIVER):
        return sorted(owner.value for owner in SELF_OWNERS)
    return []


def _known(answers: dict[str, Any]) -> dict[str, str]:
    """A stored check's answers to the items still on the checklist."""
    return {code: answer for code, answer in answers.items() if code in ITEMS_BY_CODE}


def _summary(check: HomeSafetyCheck) -> dict[str, Any]:
    answers = _known(check.answers)
    return {
        "check": check,
        "hazards": sum(1 for answer in answers.values() if answer == Answer.HAZARD),
        "not_checked": len(ITEMS) - len(answers),
    }


@login_required
def overview(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's home safety: the open actions, each with its owner and due date (overdue
    ones flagged), the latest check room by room, and the history of checks and closed actions.
    The patient and a caregiver the plan is shared with see it too, in large type, and mark
    their own actions done here."""
    patient = patient_for(request, patient_id, part=Part.PLAN)
    role = request.user.role_enum
    actions = list(
        HomeSafetyAction.objects.filter(patient=patient).select_related(
            "found_by_check", "resolved_by_check", "done_by"
        )
    )
    checks = list(HomeSafetyCheck.objects.filter(patient=patient).select_related("checked_by"))
    latest = checks[0] if checks else None
    closed = sorted(
        (a for a in actions if not a.is_open),
        key=lambda a: (a.done_on or a.resolved_by_check.checked_on, a.pk),  # type: ignore[union-attr]
        reverse=True,
    )
    return render(
        request,
        "homesafety/overview.html",
        {
            "patient": patient,
            "staff": role in STAFF,
            "can_record": may(role, Action.EDIT),
            "markable_owners": _markable_owners(role),
            "today": timezone.localdate(),
            "open_actions": [a for a in actions if a.is_open],
            "closed_actions": closed,
            "latest": latest,
            "rooms": by_room(_known(latest.answers)) if latest else [],
            "checks": [_summary(check) for check in checks],
        },
    )


@login_required
def check(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """Record a check of the home, room by room; the care team's clinicians only."""
    patient = patient_for(request, patient_id, part=Part.PLAN, action=Action.EDIT)
    form = HomeSafetyCheckForm(
        request.POST or None,
        initial={"checked_on": timezone.localdate(), "how": How.IN_PERSON},
    )
    if request.method == "POST":
        recorded = run_service(
            form,
            lambda d: services.home_safety_check_record(
                patient=patient,
                by=request.user,
                checked_on=d["checked_on"],
                how=d["how"],
                note=d["note"],
                answers=form.answers(),
            ),
        )
        if recorded:
            messages.success(request, _("Home safety check recorded."))
            return redirect("homesafety:overview", patient_id=patient.pk)
    open_items = set(
        HomeSafetyAction.objects.filter(patient=patient).open().values_list("item", flat=True)
    )
    return render(
        request,
        "homesafety/check.html",
        {"form": form, "patient": patient, "open_items": open_items},
        status=400 if form.errors else 200,
    )


@login_required
def action_done(request: AuthedRequest, patient_id: int, action_id: int) -> HttpResponse:
    """Mark an action done: the care team any action, the patient and a caregiver with the plan
    shared the actions owned by the patient or a caregiver."""
    patient = patient_for(request, patient_id, part=Part.PLAN)
    action = get_object_or_404(HomeSafetyAction, patient=patient, pk=action_id)
    if request.method != "POST":  # after the look-ups, so outsiders learn nothing
        return HttpResponseNotAllowed(["POST"])
    if not services.may_mark_done(request.user, action):
        raise PermissionDenied
    form = DoneForm(request.POST)
    if run_service(
        form,
        lambda d: services.home_safety_action_done(
            action=action, by=request.user, done_on=d["done_on"] or timezone.localdate()
        ),
    ):
        messages.success(request, _("Marked as done."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("homesafety:overview", patient_id=patient.pk)
