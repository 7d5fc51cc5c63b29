from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import CLINICAL_ROLES
from osteorehab.accounts.models import ROLE_LABELS

from .domain import Need

CLINICAL_ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in CLINICAL_ROLES]


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def of_member(self, user: Any) -> "MeetingQuerySet":
        """The meetings of the care teams this user belongs to."""
        return self.filter(care_team__memberships__user=user)


class Meeting(models.Model):
    """A case meeting of one care team. Its agenda (`AgendaItem`) is built from the facts of the
    team's patients by `agenda_build`; written only by the `meeting_*` services."""

    care_team = models.ForeignKey(
        "accounts.CareTeam",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("care team"),
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chair"),
    )
    # the agenda's last building: on which day, and the first day whose news it counted
    agenda_built_on = models.DateField(null=True, blank=True)
    facts_since = models.DateField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("case meeting")
        verbose_name_plural = _("case meetings")
        ordering = ["-scheduled_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=MeetingStatus.PLANNED, closed_at__isnull=True)
                | Q(status=MeetingStatus.HELD, closed_at__isnull=False, closed_by__isnull=False),
                name="meeting_closed_when_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.care_team_id} meeting {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED


class AgendaItem(models.Model):
    """A patient on a meeting's agenda, with the reasons as they stood when the agenda was
    built (each a stored `domain.Need`), its place on the agenda and whether it was discussed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="agenda_items"
    )
    reasons = models.JSONField(default=list)
    order = models.PositiveIntegerField()
    discussed = models.BooleanField(_("discussed"), default=False)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "patient"], name="agenda_patient_once")
        ]

    def __str__(self) -> str:
        return f"{self.order}. patient {self.patient_id}"

    @property
    def needs(self) -> list[Need]:
        return [Need.from_stored(stored) for stored in self.reasons]

    @property
    def urgent(self) -> bool:
        return any(stored["urgent"] for stored in self.reasons)


class Decision(models.Model):
    """What the team decided about a patient at a meeting: a plan change agreed (written back
    as a task for the therapist, never into the plan itself), a new task, the next team review,
    a note. Never edited: a further decision is a new row."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    plan_change = models.TextField(_("plan change agreed"), blank=True)
    next_review_on = models.DateField(_("next team review"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"decision #{self.pk} on agenda item #{self.item_id}"


class TaskKind(models.TextChoices):
    TASK = "task", _("Task")
    PLAN_CHANGE = "plan_change", _("Plan change agreed")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> "TaskQuerySet":
        return self.filter(status=TaskStatus.OPEN)


class Task(models.Model):
    """Something a member of the care team (or whoever holds a role in it) is to do for a
    patient by a date, and the meeting decision it came from."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="team_tasks"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.TASK
    )
    title = models.CharField(_("task"), max_length=500)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_tasks",
        verbose_name=_("owner"),
    )
    owner_role = models.CharField(
        _("owner (role)"), max_length=20, choices=CLINICAL_ROLE_CHOICES, blank=True
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="tasks")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            # one owner: a person, or a role of the patient's care team
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False, owner_role="")
                | Q(owner_user__isnull=True, owner_role__in=[r.value for r in CLINICAL_ROLES]),
                name="task_one_owner",
            ),
            models.CheckConstraint(condition=Q(kind__in=TaskKind.values), name="task_kind_known"),
            models.CheckConstraint(condition=~Q(title=""), name="task_has_title"),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.OPEN, done_at__isnull=True, done_by__isnull=True)
                | Q(status=TaskStatus.DONE, done_at__isnull=False, done_by__isnull=False),
                name="task_done_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_words(self) -> str:
        return str(self.owner_user) if self.owner_user_id else self.get_owner_role_display()
