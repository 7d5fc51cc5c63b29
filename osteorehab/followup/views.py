from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from osteorehab.accounts.access import patient_for, require_role, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role, may
from osteorehab.audit.services import note_access
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.domain import OPEN, EpisodeStatus
from osteorehab.patients.models import Patient

from . import services
from .domain import ATTENTION, Status, urgency
from .forms import AddForm, CancelForm, HeldForm, MoveForm
from .models import STATUS_LABELS, Kind, ScheduleItem
from .selectors import Scheduled, check_ups, due_items, patient_schedule, questionnaires_due

# Who sees the care team's side of the schedule: the care team and the program lead (who reads
# but does not change it). The patient and a caregiver the program is shared with see the
# patient's check-ups in plain words.
STAFF = (*CLINICAL_ROLES, Role.LEAD)
PAGE_SIZE = 50


@login_required
def due(request: AuthedRequest) -> HttpResponse:
    """Follow-ups due: the overdue, due and missed items of the follow-up schedules of the
    patients this user may see, most urgent first, filtered by status and kind."""
    require_role(request.user, *STAFF)
    rows = due_items(visible_patients(request.user), timezone.localdate())
    counts = Counter(s.status for s in rows)
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in ATTENTION:
        rows = [s for s in rows if s.status == status]
    if kind in Kind.values:
        rows = [s for s in rows if s.item.kind == kind]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    note_access({s.item.patient_id for s in page}, view_name="followup:due", listed=True)
    return render(
        request,
        "followup/due.html",
        {
            "page": page,
            "counts": [(s, STATUS_LABELS[s], counts[s]) for s in ATTENTION],
            "status": status,
            "kind": kind,
            "kinds": Kind.choices,
        },
    )


def _kinds_for(role: Role) -> list[tuple[str, Any]]:
    """What this user may add: a bone density scan is the physician's order."""
    return [
        (v, label) for v, label in Kind.choices if v != Kind.BONE_DENSITY or role is Role.PHYSICIAN
    ]


@login_required
def schedule(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's follow-up schedule. The care team: what needs attention, what is coming
    and what was done, with the forms to add, move, cancel or mark held (clinicians only). The
    patient and a caregiver the program is shared with: the check-ups, in plain words."""
    action = Action.EDIT if request.method == "POST" else Action.VIEW
    patient = patient_for(request, patient_id, part=Part.PROGRAM, action=action)
    user, today = request.user, timezone.localdate()
    items = patient_schedule(patient, today)
    if user.role_enum not in STAFF:
        return _check_ups(request, patient, items)
    form = AddForm(
        request.POST or None, kinds=_kinds_for(user.role_enum), initial={"due_on": today}
    )
    if request.method == "POST" and run_service(
        form, lambda d: services.schedule_item_add(patient=patient, by=user, **d)
    ):
        messages.success(request, _("Added to the schedule."))
        return redirect("followup:schedule", patient_id=patient.pk)
    attention = sorted(
        (s for s in items if s.status in ATTENTION),
        key=lambda s: urgency(s.status, s.item.as_item()),
    )
    return render(
        request,
        "followup/schedule.html",
        {
            "patient": patient,
            "form": form,
            "can_edit": may(user.role_enum, Action.EDIT),
            "is_physician": user.role_enum is Role.PHYSICIAN,
            "can_make": _can_make(patient) and may(user.role_enum, Action.ENROL),
            "attention": attention,
            "upcoming": [s for s in items if s.status is Status.UPCOMING],
            "closed": sorted(
                (s for s in items if s.status in (Status.DONE, Status.CANCELLED)),
                key=lambda s: (s.item.due_on, s.item.pk),
                reverse=True,
            ),
            "labels": STATUS_LABELS,
        },
        status=400 if form.errors else 200,
    )


def _can_make(patient: Patient) -> bool:
    """Whether the patient's open episode has been active but has no program schedule (it
    became active before schedules existed)."""
    episode = patient.episodes.filter(status__in=OPEN).first()
    return (
        episode is not None
        and episode.changes.filter(to_status=EpisodeStatus.ACTIVE).exists()
        and not episode.schedule_items.filter(added_by__isnull=True).exists()
    )


def _check_ups(request: AuthedRequest, patient: Patient, items: list[Scheduled]) -> HttpResponse:
    today = timezone.localdate()
    now, coming = check_ups(items, today, coming=6)
    own = request.user.role_enum is Role.PATIENT
    return render(
        request,
        "followup/check_ups.html",
        {
            "patient": patient,
            "now": now,
            "coming": coming,
            "own": own,
            "questionnaires": own and bool(questionnaires_due(items)),
        },
    )


@login_required
def schedule_make(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """Make the program's schedule for an open episode that became active before schedules
    existed (from the day it did)."""
    patient = patient_for(request, patient_id, part=Part.PROGRAM, action=Action.ENROL)
    episode = get_object_or_404(patient.episodes.filter(status__in=OPEN))
    if request.method != "POST":  # after the look-ups, so outsiders learn nothing
        return HttpResponseNotAllowed(["POST"])
    try:
        services.schedule_create(episode=episode, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The program's schedule is made."))
    return redirect("followup:schedule", patient_id=patient.pk)


def _item(request: AuthedRequest, patient_id: int, schedule_item_id: int) -> ScheduleItem:
    patient = patient_for(request, patient_id, part=Part.PROGRAM, action=Action.EDIT)
    return get_object_or_404(
        ScheduleItem.objects.select_related("patient", "episode"),
        patient=patient,
        pk=schedule_item_id,
    )


def _item_page(
    request: AuthedRequest, item: ScheduleItem, form: Any, title: str, submit: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "followup/item_form.html",
        {
            "patient": item.patient,
            "item": item,
            "form": form,
            "title": title,
            "submit": submit,
            **extra,
        },
        status=400 if form.errors else 200,
    )


def _saved(request: AuthedRequest, item: ScheduleItem, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("followup:schedule", patient_id=item.patient_id)


@login_required
def item_move(request: AuthedRequest, patient_id: int, schedule_item_id: int) -> HttpResponse:
    item = _item(request, patient_id, schedule_item_id)
    form = MoveForm(
        request.POST or None,
        initial={"due_on": item.due_on, "note": item.note, "version": item.version},
    )
    if request.method == "POST" and run_service(
        form, lambda d: services.schedule_item_move(item=item, by=request.user, **d)
    ):
        return _saved(request, item, _("Moved."))
    return _item_page(request, item, form, _("Move to another date"), _("Move"))


@login_required
def item_cancel(request: AuthedRequest, patient_id: int, schedule_item_id: int) -> HttpResponse:
    item = _item(request, patient_id, schedule_item_id)
    form = CancelForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and run_service(
        form, lambda d: services.schedule_item_cancel(item=item, by=request.user, **d)
    ):
        return _saved(request, item, _("Cancelled."))
    return _item_page(
        request, item, form, _("Cancel this item"), _("Cancel it"), submit_class="danger"
    )


@login_required
def item_held(request: AuthedRequest, patient_id: int, schedule_item_id: int) -> HttpResponse:
    """Mark a team review held (the case meetings do it for the patients they discuss)."""
    item = _item(request, patient_id, schedule_item_id)
    form = HeldForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and run_service(
        form, lambda d: services.schedule_item_complete(item=item, by=request.user, **d)
    ):
        return _saved(request, item, _("Marked held."))
    return _item_page(request, item, form, _("Mark the team review held"), _("Save"))
