"""Case meetings and the care team's tasks: scheduled, built, decided and closed, each checked,
saved and audited in one transaction.

Who may do what: the clinicians of a care team schedule its meetings, build and rebuild the
agenda, record decisions and close a meeting; a task is marked done by its owner, or by a member
of the role that owns it.

Decisions are written back, never silently into the plan: a plan change agreed becomes a task
for the rehabilitation therapist, who changes the plan as a new version with its reason (the
software proposes, the clinician decides); a new task goes to its owner's work; the next team
review moves the patient's next review on the follow-up schedule. Closing the meeting marks the
team review held for each patient discussed.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.access import visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Role, may
from osteorehab.accounts.models import CareTeam, User
from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event, audit_write
from osteorehab.core.numbers import id_from
from osteorehab.followup import services as schedule
from osteorehab.followup.models import Kind as ScheduleKind
from osteorehab.followup.models import ScheduleItem
from osteorehab.patients.models import Patient

from .models import AgendaItem, Decision, Meeting, MeetingStatus, Task, TaskKind, TaskStatus
from .sources import team_agenda

# LOCAL PROGRAM CHOICE: the therapist has a week from the meeting to write an agreed plan change
# into the plan.
PLAN_CHANGE_DAYS = 7


def _of_team(user: User, care_team: CareTeam) -> bool:
    return (
        Role(user.role) in CLINICAL_ROLES
        and care_team.memberships.filter(user=user, user__is_active=True).exists()
    )


def _refuse_outsider(user: User, care_team: CareTeam) -> None:
    if not _of_team(user, care_team):
        raise ValidationError(_("Only the care team's clinicians hold its case meetings."))


def _meeting_day(meeting: Meeting) -> date:
    return timezone.localdate(meeting.scheduled_at)


@transaction.atomic
def meeting_schedule(
    *, care_team: CareTeam, by: User, scheduled_at: datetime, chair: User
) -> Meeting:
    """A meeting of the care team, chaired by one of its clinicians; its agenda builds itself."""
    _refuse_outsider(by, care_team)
    if timezone.is_naive(scheduled_at):
        raise ValueError("scheduled_at must be an aware datetime")
    if timezone.localdate(scheduled_at) < timezone.localdate():
        raise ValidationError({"scheduled_at": _("A meeting cannot be scheduled in the past.")})
    if not _of_team(chair, care_team):
        raise ValidationError({"chair": _("The chair is one of the care team's clinicians.")})
    meeting = Meeting.objects.create(
        care_team=care_team, scheduled_at=scheduled_at, chair=chair, scheduled_by=by
    )
    audit_event(
        by=by,
        action=AuditAction.CREATE,
        target=Meeting._meta.label,
        object_id=meeting.pk,
        changes={
            "care_team_id": care_team.pk,
            "scheduled_at": scheduled_at,
            "chair_id": chair.pk,
        },
    )
    agenda_build(meeting=meeting, by=by, today=timezone.localdate())
    meeting.refresh_from_db()
    return meeting


def _locked_planned(meeting: Meeting, by: User) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("care_team").get(pk=meeting.pk)
    _refuse_outsider(by, locked.care_team)
    if locked.status != MeetingStatus.PLANNED:
        raise ValidationError(_("This meeting has been held: its record is kept as it was."))
    return locked


@transaction.atomic
def agenda_build(*, meeting: Meeting, by: User, today: date) -> list[AgendaItem]:
    """The agenda from the care team's facts on `today` (`sources.team_agenda`): each patient
    who needs discussion with the reasons as they stand, in order. Built again it changes only
    what the facts changed: a patient no longer in need leaves the agenda unless the team has
    discussed them or recorded a decision, which stay (after the others). Audited when it
    changes."""
    locked = _locked_planned(meeting, by)
    since, entries = team_agenda(locked.care_team, today, meeting=locked)
    items = {item.patient_id: item for item in locked.items.prefetch_related("decisions")}
    added, changed = [], []
    for order, entry in enumerate(entries, start=1):
        reasons = [need.stored() for need in entry.needs]
        item = items.pop(entry.patient_id, None)
        if item is None:
            AgendaItem.objects.create(
                meeting=locked, patient_id=entry.patient_id, reasons=reasons, order=order
            )
            added.append(entry.patient_id)
        elif (item.reasons, item.order) != (reasons, order):
            item.reasons, item.order = reasons, order
            item.save(update_fields=["reasons", "order"])
            changed.append(entry.patient_id)
    kept, removed = [], []
    for item in sorted(items.values(), key=lambda i: (i.order, i.pk)):
        if item.discussed or item.decisions.all():
            kept.append(item)
        else:
            removed.append(item.patient_id)
            item.delete()
    for order, item in enumerate(kept, start=len(entries) + 1):
        if item.order != order:
            item.order = order
            item.save(update_fields=["order"])
            changed.append(item.patient_id)
    first_build = locked.agenda_built_on is None
    if locked.facts_since != since or locked.agenda_built_on != today:
        locked.facts_since, locked.agenda_built_on = since, today
        locked.save(update_fields=["facts_since", "agenda_built_on"])
    if first_build or added or changed or removed:
        audit_event(
            by=by,
            action=AuditAction.CREATE if first_build else AuditAction.UPDATE,
            target=AgendaItem._meta.label,
            object_id=locked.pk,
            changes={
                "agenda": [entry.patient_id for entry in entries] + [i.patient_id for i in kept],
                "added": added,
                "changed": changed,
                "removed": removed,
                "facts_since": since,
            },
        )
    return list(locked.items.all())


def _owner(care_team: CareTeam, owner: str) -> tuple[User | None, str]:
    """A task's owner from the form's choice: "user:<id>" of a clinician of the team, or
    "role:<role>" of a clinical role."""
    kind, _colon, value = owner.partition(":")
    if kind == "role" and value in [role.value for role in CLINICAL_ROLES]:
        return None, value
    user_id = id_from(value) if kind == "user" else None
    if user_id is not None:
        user = User.objects.filter(pk=user_id).first()
        if user is not None and _of_team(user, care_team):
            return user, ""
    raise ValidationError({"task_owner": _("Choose a clinician of the care team, or a role.")})


def _next_review(patient: Patient, by: User, meeting_day: date, review_on: date) -> None:
    """The patient's next team review on the follow-up schedule moved to `review_on` (the first
    review whose window has not opened by the meeting), or added where none is left."""
    upcoming = (
        ScheduleItem.objects.in_open_episodes()
        .not_cancelled()
        .filter(patient=patient, kind=ScheduleKind.TEAM_REVIEW, held_on__isnull=True)
        .filter(opens_on__gt=meeting_day)
        .order_by("due_on", "id")
        .first()
    )
    try:
        if upcoming is None:
            schedule.schedule_item_add(
                patient=patient, by=by, kind=ScheduleKind.TEAM_REVIEW, due_on=review_on
            )
        elif upcoming.due_on != review_on:
            schedule.schedule_item_move(
                item=upcoming, by=by, due_on=review_on, version=upcoming.version
            )
    except ValidationError as error:  # said on the form's field for the next review
        raise ValidationError({"next_review_on": error.messages}) from None


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    by: User,
    plan_change: str = "",
    task_title: str = "",
    task_owner: str = "",
    task_due_on: date | None = None,
    next_review_on: date | None = None,
    note: str = "",
) -> Decision:
    """What the team decided about one patient of the agenda, written back (module docstring);
    the patient is then marked discussed."""
    meeting = _locked_planned(item.meeting, by)
    item = AgendaItem.objects.select_for_update().select_related("patient").get(pk=item.pk)
    patient = item.patient
    if (
        not may(Role(by.role), Action.EDIT)
        or not visible_patients(by).filter(pk=patient.pk).exists()
    ):
        raise ValidationError(_("Only the clinicians of the patient's care team decide for them."))
    plan_change, task_title, note = plan_change.strip(), task_title.strip(), note.strip()
    if not (plan_change or task_title or next_review_on or note):
        raise ValidationError(
            _("Say what was decided: a plan change, a task, the next review or a note.")
        )
    today, meeting_day = timezone.localdate(), _meeting_day(meeting)
    if task_title and (not task_owner or task_due_on is None):
        raise ValidationError({"task_owner": _("A task needs an owner and a due date.")})
    if task_due_on is not None and task_due_on < today:
        raise ValidationError({"task_due_on": _("A task cannot be due in the past.")})
    if next_review_on is not None and next_review_on <= meeting_day:
        raise ValidationError({"next_review_on": _("The next review comes after this meeting.")})
    decision = Decision.objects.create(
        item=item, plan_change=plan_change, next_review_on=next_review_on, note=note, recorded_by=by
    )
    tasks = []
    if task_title and task_due_on is not None:
        owner_user, owner_role = _owner(meeting.care_team, task_owner)
        tasks.append(
            Task(
                kind=TaskKind.TASK,
                title=task_title,
                owner_user=owner_user,
                owner_role=owner_role,
                due_on=task_due_on,
            )
        )
    if plan_change:
        tasks.append(
            Task(
                kind=TaskKind.PLAN_CHANGE,
                title=plan_change,
                owner_role=Role.THERAPIST.value,
                due_on=max(today, meeting_day) + timedelta(days=PLAN_CHANGE_DAYS),
            )
        )
    for task in tasks:
        task.patient, task.decision, task.created_by = patient, decision, by
        task.save()
    if next_review_on is not None:
        _next_review(patient, by, meeting_day, next_review_on)
    if not item.discussed:
        item.discussed = True
        item.save(update_fields=["discussed"])
    audit_write(
        by=by,
        obj=decision,
        patient_id=patient.pk,
        created=True,
        changes={
            "meeting_id": meeting.pk,
            "plan_change": plan_change,
            "next_review_on": next_review_on,
            "note": note,
            "tasks": [_task_record(task) for task in tasks],
        },
    )
    return decision


def _task_record(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "kind": task.kind,
        "title": task.title,
        "owner_user_id": task.owner_user_id,
        "owner_role": task.owner_role,
        "due_on": task.due_on,
    }


@transaction.atomic
def meeting_close(*, meeting: Meeting, by: User) -> Meeting:
    """The meeting held: its record is kept as it is, and each patient discussed has their team
    review of the follow-up schedule marked held on the meeting's day (the review whose window
    has opened by then and is not yet held)."""
    locked = _locked_planned(meeting, by)
    day = _meeting_day(locked)
    if day > timezone.localdate():
        raise ValidationError(_("A meeting is closed once it has been held."))
    discussed = list(locked.items.filter(discussed=True).values_list("patient_id", flat=True))
    reviews = (
        ScheduleItem.objects.in_open_episodes()
        .not_cancelled()
        .filter(patient_id__in=discussed, kind=ScheduleKind.TEAM_REVIEW, held_on__isnull=True)
        .filter(opens_on__lte=day)
        .order_by("patient_id", "-due_on", "-id")
    )
    marked: dict[int, int] = {}
    for review in reviews:
        if review.patient_id not in marked:
            schedule.schedule_item_complete(item=review, by=by, on=day)
            marked[review.patient_id] = review.pk
    locked.status = MeetingStatus.HELD
    locked.closed_by, locked.closed_at = by, timezone.now()
    locked.save(update_fields=["status", "closed_by", "closed_at"])
    audit_event(
        by=by,
        action=AuditAction.UPDATE,
        target=Meeting._meta.label,
        object_id=locked.pk,
        changes={
            "status": [MeetingStatus.PLANNED.value, MeetingStatus.HELD.value],
            "discussed": discussed,
            "reviews_held": marked,
        },
    )
    return locked


def may_complete(user: User, task: Task) -> bool:
    """The task's owner, or a clinician of the owning role who can reach the patient."""
    if task.owner_user_id is not None:
        return task.owner_user_id == user.pk
    return (
        task.owner_role == user.role and visible_patients(user).filter(pk=task.patient_id).exists()
    )


@transaction.atomic
def task_done(*, task: Task, by: User) -> Task:
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if not may_complete(by, locked):
        raise ValidationError(_("Only the task's owner marks it done."))
    if locked.status == TaskStatus.DONE:
        raise ValidationError(_("This task is already done."))
    locked.status, locked.done_by, locked.done_at = TaskStatus.DONE, by, timezone.now()
    locked.save(update_fields=["status", "done_by", "done_at"])
    audit_write(
        by=by,
        obj=locked,
        patient_id=locked.patient_id,
        created=False,
        changes={"status": [TaskStatus.OPEN.value, TaskStatus.DONE.value]},
    )
    return locked
