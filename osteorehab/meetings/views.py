"""The care team's case meetings (members of the team only: another team's meeting is not found)
and each clinician's work."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from osteorehab.accounts.access import patient_for, require_role, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part
from osteorehab.assessments.instruments.base import plain
from osteorehab.audit.services import note_access
from osteorehab.core.charts import CutOff, inline_svg, trend_drawing
from osteorehab.core.forms import run_service
from osteorehab.core.types import AuthedRequest

from . import services
from .forms import DecisionForm, MeetingForm
from .models import Meeting, Task
from .queues import waiting_for
from .selectors import Trend, adherence_trend, next_review, open_tasks, trends


@login_required
def meeting_list(request: AuthedRequest) -> HttpResponse:
    """The meetings of the user's care teams, the latest first."""
    require_role(request.user, *CLINICAL_ROLES)
    meetings = (
        Meeting.objects.of_member(request.user)
        .select_related("care_team", "chair")
        .annotate(patients=Count("items"))
    )
    return render(request, "meetings/list.html", {"meetings": meetings})


@login_required
def meeting_new(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *CLINICAL_ROLES)
    form = MeetingForm(request.user, request.POST or None, initial={"chair": request.user})
    if request.method == "POST":
        meeting = run_service(form, lambda d: services.meeting_schedule(by=request.user, **d))
        if meeting is not None:
            messages.success(request, _("Meeting scheduled; its agenda is built."))
            return redirect("meetings:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Schedule a case meeting"), "submit": _("Schedule")},
        status=400 if form.errors else 200,
    )


def _meeting(request: AuthedRequest, meeting_id: int) -> Meeting:
    """A meeting of one of the user's care teams; any other is not found."""
    require_role(request.user, *CLINICAL_ROLES)
    meetings = Meeting.objects.of_member(request.user).select_related("care_team", "chair")
    return get_object_or_404(meetings, pk=meeting_id)


def _chart(trend: Trend, uid: str) -> SafeString | None:
    latest = trend.latest
    if latest is None:
        return None
    label = _("%(measure)s over time: %(count)s reading(s), the latest %(value)s on %(day)s") % {
        "measure": _(trend.name),
        "count": len(trend.points),
        "value": plain(latest.value),
        "day": latest.day.isoformat(),
    }
    drawing = trend_drawing(
        [(point.day, point.value) for point in trend.points],
        cut_offs=[CutOff(line.value, line.label.translated(_)) for line in trend.lines],
        low=trend.low,
        high=trend.high,
    )
    return inline_svg(drawing, label=label, uid=uid)


@login_required
def meeting_page(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    """The agenda, and one patient's summary with the decision form (`?item=`: the first patient
    not yet discussed by default). POST: a decision on the patient of the form's item."""
    meeting = _meeting(request, meeting_id)
    items = list(
        meeting.items.filter(patient__in=visible_patients(request.user))
        .select_related("patient")
        .prefetch_related("decisions__tasks__owner_user")
    )
    form = DecisionForm(meeting, request.POST or None)
    wanted = (request.POST if request.method == "POST" else request.GET).get("item", "")
    by_id = {str(item.pk): item for item in items}
    if wanted and wanted not in by_id:
        raise Http404
    first = next((i for i in items if not i.discussed), items[0] if items else None)
    selected = by_id.get(wanted, first)
    if request.method == "POST" and selected is None:
        raise Http404
    context: dict[str, object] = {"meeting": meeting, "items": items, "selected": selected}
    if selected is not None:
        # the patient shown is read (or, by a POST, written); the others only listed
        action = Action.EDIT if request.method == "POST" else Action.VIEW
        patient = patient_for(request, selected.patient_id, part=Part.PROGRESS, action=action)
        context |= {"patient": patient}
    note_access([i.patient_id for i in items], view_name="meetings:meeting", listed=True)
    if request.method == "POST" and selected is not None:
        chosen = selected
        decided = run_service(
            form, lambda d: services.decision_record(item=chosen, by=request.user, **d)
        )
        if decided is not None:
            messages.success(
                request, _("Decision recorded for %(name)s.") % {"name": chosen.patient.name}
            )
            following = next((i for i in items if not i.discussed and i.pk != chosen.pk), None)
            url = reverse("meetings:meeting", args=[meeting.pk])
            return redirect(f"{url}?item={following.pk}" if following else url)
    if selected is not None:
        shown = [*trends(selected.patient), adherence_trend(selected.patient, timezone.localdate())]
        context |= {
            "trends": [(t, _chart(t, f"chart-{t.code}-{selected.patient_id}")) for t in shown],
            "next_review": next_review(selected.patient),
            "tasks": selected.patient.team_tasks.open().select_related("owner_user"),
        }
    context["form"] = form
    template = "meetings/meeting.html#summary" if request.htmx else "meetings/meeting.html"
    return render(request, template, context, status=400 if form.errors else 200)


def _run(request: AuthedRequest, action: Callable[[], object]) -> bool:
    """Call a service for a button without a form: what it refuses is said as a message."""
    try:
        action()
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return False
    return True


@login_required
def agenda_rebuild(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    today = timezone.localdate()
    if _run(request, lambda: services.agenda_build(meeting=meeting, by=request.user, today=today)):
        messages.success(request, _("The agenda is up to date with today's facts."))
    return redirect("meetings:meeting", meeting_id=meeting.pk)


@login_required
def meeting_close(request: AuthedRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if _run(request, lambda: services.meeting_close(meeting=meeting, by=request.user)):
        messages.success(
            request,
            _("Meeting closed: the team reviews of the patients discussed are marked held."),
        )
    return redirect("meetings:meeting", meeting_id=meeting.pk)


@login_required
def work(request: AuthedRequest) -> HttpResponse:
    """My work: my open tasks (mine and my role's), then what waits for my role elsewhere."""
    require_role(request.user, *CLINICAL_ROLES)
    tasks = list(open_tasks(request.user))
    waiting = waiting_for(request.user, timezone.localdate())
    reached = {t.patient_id for t in tasks} | {w.patient.pk for w in waiting}
    note_access(reached, view_name="meetings:work", listed=True)
    return render(request, "meetings/work.html", {"tasks": tasks, "waiting": waiting})


@login_required
def task_done(request: AuthedRequest, task_id: int) -> HttpResponse:
    require_role(request.user, *CLINICAL_ROLES)
    task = get_object_or_404(
        Task.objects.filter(patient__in=visible_patients(request.user)), pk=task_id
    )
    patient_for(request, task.patient_id, action=Action.EDIT)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if _run(request, lambda: services.task_done(task=task, by=request.user)):
        messages.success(request, _("Task done: %(task)s") % {"task": task.title})
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("meetings:work")
