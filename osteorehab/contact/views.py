from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from osteorehab.accounts.access import own_patient, patient_for, require_role, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role, may
from osteorehab.accounts.models import ROLE_LABELS
from osteorehab.audit.services import note_access
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient

from . import services
from .domain import ROUTES, day_words
from .forms import CancelForm, FollowUpForm, FollowUpNoteForm, MessageForm
from .models import FollowUp, Message, Mode, ReadMark, Thread
from .selectors import may_take_part, patient_threads, staff_threads

# Who sees the care team's side of follow-ups (the notes, the forms): the care team and the
# program lead. The patient and a caregiver see their appointments.
STAFF = (*CLINICAL_ROLES, Role.LEAD)
PAGE_SIZE = 25
# A call that has begun stays on the patient's page, with its link, for this long.
STILL_SHOWN_AFTER_START = timedelta(hours=1)


def _own_patient(request: AuthedRequest) -> Patient:
    """The logged-in patient's own record, reached through the access helper."""
    return own_patient(request, part=Part.PROGRAM)


# --- Follow-ups ----------------------------------------------------------------------------


@login_required
def follow_ups(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's follow-ups. The care team: what is scheduled, the notes of those held, and
    the form to schedule one (clinicians only); the patient's conversations. The patient and a
    caregiver the program is shared with: the next appointment, in large type."""
    action = Action.EDIT if request.method == "POST" else Action.VIEW
    patient = patient_for(request, patient_id, part=Part.PROGRAM, action=action)
    user = request.user
    if user.role_enum not in STAFF:
        return _appointments(request, patient)
    can_edit = may(user.role_enum, Action.EDIT)
    form = FollowUpForm(
        request.POST or None,
        initial={
            "mode": Mode.PHONE,
            "with_role": user.role if user.role_enum in CLINICAL_ROLES else Role.NURSE.value,
        },
    )
    if request.method == "POST" and run_service(
        form, lambda d: services.follow_up_schedule(patient=patient, by=user, **d)
    ):
        messages.success(request, _("Follow-up scheduled."))
        return redirect("contact:follow-ups", patient_id=patient.pk)
    all_follow_ups = list(
        FollowUp.objects.filter(patient=patient).select_related("held_by", "closed_by")
    )
    now = timezone.now()
    scheduled = [f for f in all_follow_ups if f.status == "scheduled"]
    takes_part = may_take_part(user, patient)  # a program lead does not read the messages
    return render(
        request,
        "contact/follow_ups.html",
        {
            "patient": patient,
            "form": form,
            "can_edit": can_edit,
            "now": now,
            "scheduled": scheduled,
            "closed": sorted(
                (f for f in all_follow_ups if f.status != "scheduled"),
                key=lambda f: (f.scheduled_at, f.pk),
                reverse=True,
            ),
            "takes_part": takes_part,
            "threads": list(patient_threads(user, patient.pk)) if takes_part else [],
        },
        status=400 if form.errors else 200,
    )


def _appointments(request: AuthedRequest, patient: Patient) -> HttpResponse:
    now = timezone.now()
    coming = list(
        FollowUp.objects.filter(patient=patient)
        .scheduled()
        .filter(scheduled_at__gte=now - STILL_SHOWN_AFTER_START)
    )
    first = coming[0] if coming else None
    today = timezone.localdate()
    return render(
        request,
        "contact/appointments.html",
        {
            "patient": patient,
            "next": first,
            "day": day_words(timezone.localdate(first.scheduled_at), today=today)
            if first
            else None,
            "later": coming[1:],
            "own": request.user.role_enum is Role.PATIENT,
        },
    )


@login_required
def my_follow_ups(request: AuthedRequest) -> HttpResponse:
    """The patient's next appointment, on their phone."""
    return _appointments(request, _own_patient(request))


@login_required
def follow_ups_due(request: AuthedRequest) -> HttpResponse:
    """The follow-ups still to be held for the patients of this user's care teams (a program
    lead: of the organisation): those overdue (their time passed, not yet recorded) first."""
    require_role(request.user, *STAFF)
    user = request.user
    mine = request.GET.get("who") == "mine" and user.role_enum in CLINICAL_ROLES
    due = (
        FollowUp.objects.scheduled()
        .filter(patient__in=visible_patients(user))
        .select_related("patient")
    )
    if mine:
        due = due.filter(with_role=user.role)
    rows = list(due)
    note_access({f.patient_id for f in rows}, view_name="contact:follow-ups-due", listed=True)
    now = timezone.now()
    return render(
        request,
        "contact/follow_ups_due.html",
        {
            "overdue": [f for f in rows if f.scheduled_at < now],
            "upcoming": [f for f in rows if f.scheduled_at >= now],
            "mine": mine,
            "can_filter": user.role_enum in CLINICAL_ROLES,
        },
    )


def _open_follow_up(request: AuthedRequest, patient_id: int, follow_up_id: int) -> FollowUp:
    patient = patient_for(request, patient_id, part=Part.PROGRAM, action=Action.EDIT)
    return get_object_or_404(FollowUp.objects.scheduled(), patient=patient, pk=follow_up_id)


@login_required
def follow_up_complete(request: AuthedRequest, patient_id: int, follow_up_id: int) -> HttpResponse:
    """Record a follow-up held, with its structured note (and, if agreed, the next one)."""
    follow_up = _open_follow_up(request, patient_id, follow_up_id)
    form = FollowUpNoteForm(request.POST or None)
    if request.method == "POST" and run_service(
        form,
        lambda d: services.follow_up_complete(follow_up=follow_up, by=request.user, **d),
    ):
        messages.success(request, _("Follow-up recorded."))
        return redirect("contact:follow-ups", patient_id=follow_up.patient_id)
    return render(
        request,
        "contact/follow_up_form.html",
        {
            "patient": follow_up.patient,
            "follow_up": follow_up,
            "form": form,
            "title": _("Record the follow-up"),
            "submit": _("Save"),
        },
        status=400 if form.errors else 200,
    )


@login_required
def follow_up_cancel(request: AuthedRequest, patient_id: int, follow_up_id: int) -> HttpResponse:
    follow_up = _open_follow_up(request, patient_id, follow_up_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and run_service(
        form, lambda d: services.follow_up_cancel(follow_up=follow_up, by=request.user, **d)
    ):
        messages.success(request, _("Follow-up cancelled."))
        return redirect("contact:follow-ups", patient_id=follow_up.patient_id)
    return render(
        request,
        "contact/follow_up_form.html",
        {
            "patient": follow_up.patient,
            "follow_up": follow_up,
            "form": form,
            "title": _("Cancel the follow-up"),
            "submit": _("Cancel the follow-up"),
            "submit_class": "danger",
        },
        status=400 if form.errors else 200,
    )


@login_required
def follow_up_missed(request: AuthedRequest, patient_id: int, follow_up_id: int) -> HttpResponse:
    follow_up = _open_follow_up(request, patient_id, follow_up_id)
    if request.method != "POST":  # after the look-ups, so outsiders learn nothing
        return HttpResponseNotAllowed(["POST"])
    try:
        services.follow_up_missed(follow_up=follow_up, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Recorded as missed."))
    return redirect("contact:follow-ups", patient_id=follow_up.patient_id)


# --- Messages ------------------------------------------------------------------------------


def _participant(request: AuthedRequest, patient_id: int) -> Patient:
    """The patient, if this user takes part in their messages: outsiders 404, a caregiver the
    program is not shared with 403 (the access helper), a program lead 403."""
    patient = patient_for(request, patient_id, part=Part.PROGRAM)
    if not may_take_part(request.user, patient):
        raise PermissionDenied
    return patient


def _threads_page(request: AuthedRequest, patient: Patient) -> HttpResponse:
    return render(
        request,
        "contact/threads.html",
        {
            "patient": patient,
            "threads": list(patient_threads(request.user, patient.pk)),
            "own": request.user.role_enum is Role.PATIENT,
            "staff": request.user.role_enum in CLINICAL_ROLES,
        },
    )


@login_required
def threads(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's conversations with the care team, each with its unread messages."""
    return _threads_page(request, _participant(request, patient_id))


@login_required
def my_messages(request: AuthedRequest) -> HttpResponse:
    """The patient's own conversations, on their phone."""
    patient = _own_patient(request)
    return _threads_page(request, patient)


@login_required
def thread_new(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """A new message, one step per screen: what it is about (big buttons), then the text."""
    patient = _participant(request, patient_id)
    topic = request.POST.get("topic") or request.GET.get("topic", "")
    chosen = next((r for r in ROUTES if r.topic.value == topic), None)
    if chosen is None:
        if request.method == "POST":
            return HttpResponseNotAllowed(["GET"])
        return render(request, "contact/topics.html", {"patient": patient, "routes": ROUTES})
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        thread = run_service(
            form,
            lambda d: services.thread_start(
                patient=patient,
                by=request.user,
                topic=chosen.topic.value,
                body=d["body"],
                client_key=d["client_key"],
            ),
        )
        if thread:
            messages.success(request, _("Your message has been sent."))
            return redirect("contact:thread", patient_id=patient.pk, thread_id=thread.pk)
    return render(
        request,
        "contact/thread_new.html",
        {
            "patient": patient,
            "route": chosen,
            "role_label": ROLE_LABELS[chosen.role],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _author_labels(patient: Patient) -> dict[int, str]:
    """How each person on the patient's side is named in the thread: a caregiver by the name
    and relationship the patient gave ("Wang Lei (daughter)")."""
    labels = {
        link.user_id: f"{link.name} ({link.relationship.lower()})"
        for link in patient.caregivers.filter(user__isnull=False)
        if link.user_id is not None
    }
    if patient.user_id is not None:
        labels[patient.user_id] = patient.name
    return labels


@login_required
def thread(request: AuthedRequest, patient_id: int, thread_id: int) -> HttpResponse:
    """One conversation: its messages, oldest first, those new to this reader marked; a reply.
    Opening it marks it read for this reader only."""
    patient = _participant(request, patient_id)
    conversation = get_object_or_404(Thread, patient=patient, pk=thread_id)
    user = request.user
    form = MessageForm(request.POST or None)
    if request.method == "POST" and run_service(
        form,
        lambda d: services.message_send(
            thread=conversation, by=user, body=d["body"], client_key=d["client_key"]
        ),
    ):
        messages.success(request, _("Your message has been sent."))
        return redirect("contact:thread", patient_id=patient.pk, thread_id=conversation.pk)
    mark = ReadMark.objects.filter(user=user, thread=conversation).first()
    read_upto = mark.last_read_message_id if mark else None
    labels = _author_labels(patient)
    rows = [
        {
            "message": m,
            "mine": m.author_id == user.pk,
            "team": m.author.role in CLINICAL_ROLES,
            "author": labels.get(m.author_id)
            or f"{m.author.full_name} ({ROLE_LABELS[m.author.role_enum]})",
            "new": m.author_id != user.pk and (read_upto is None or m.pk > read_upto),
        }
        for m in Message.objects.filter(thread=conversation).select_related("author")
    ]
    services.thread_read(thread=conversation, by=user)
    return render(
        request,
        "contact/thread.html",
        {
            "patient": patient,
            "thread": conversation,
            "rows": rows,
            "form": form,
            "role_label": ROLE_LABELS[Role(conversation.to_role)],
            "own": user.role_enum is Role.PATIENT,
            "staff": user.role_enum in CLINICAL_ROLES,
        },
        status=400 if form.errors else 200,
    )


INBOX_FILTERS = ("all", "unread", "read")


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """The conversations of the patients of this clinician's care teams: those routed to their
    role (or that they wrote in) first, then the most recent; unread counts; read/unread."""
    require_role(request.user, *CLINICAL_ROLES)
    shown = request.GET.get("show", "all")
    shown = shown if shown in INBOX_FILTERS else "all"
    page = Paginator(staff_threads(request.user, show=shown), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    note_access({t.patient_id for t in page}, view_name="contact:inbox", listed=True)
    return render(
        request,
        "contact/inbox.html",
        {"page": page, "shown": shown, "filters": INBOX_FILTERS},
    )
