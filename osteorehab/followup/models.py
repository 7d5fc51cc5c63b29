from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from osteorehab.patients.domain import CLOSED

from . import domain


class Kind(models.TextChoices):
    PSYCHOLOGICAL_CHECK_UP = domain.Kind.PSYCHOLOGICAL_CHECK_UP.value, _("Psychological check-up")
    MOTOR_ENDURANCE_TEST = domain.Kind.MOTOR_ENDURANCE_TEST.value, _("Motor endurance test")
    TEAM_REVIEW = domain.Kind.TEAM_REVIEW.value, _("Team review")
    REASSESSMENT = domain.Kind.REASSESSMENT.value, _("Full reassessment")
    BONE_DENSITY = domain.Kind.BONE_DENSITY.value, _("Bone density (DXA)")


STATUS_LABELS = {
    domain.Status.UPCOMING: _("Upcoming"),
    domain.Status.DUE: _("Due"),
    domain.Status.OVERDUE: _("Overdue"),
    domain.Status.MISSED: _("Missed"),
    domain.Status.DONE: _("Done"),
    domain.Status.CANCELLED: _("Cancelled"),
}

# What each item is, in the patient's words (their check-ups page and goal sheet); a team review
# is the team's own meeting, not shown to them.
PATIENT_WORDS = {
    domain.Kind.PSYCHOLOGICAL_CHECK_UP: _("Questions about how you feel"),
    domain.Kind.MOTOR_ENDURANCE_TEST: _(
        "Fitness check with your therapist: standing up from a chair, and a 2-minute walk"
    ),
    domain.Kind.REASSESSMENT: _("Full check-up with your care team"),
    domain.Kind.BONE_DENSITY: _("Bone density scan (DXA)"),
}


class ScheduleItemQuerySet(models.QuerySet["ScheduleItem"]):
    def in_open_episodes(self) -> "ScheduleItemQuerySet":
        return self.exclude(episode__status__in=sorted(status.value for status in CLOSED))

    def not_cancelled(self) -> "ScheduleItemQuerySet":
        return self.filter(cancelled_at__isnull=True)


class ScheduleItem(models.Model):
    """One item of a patient's follow-up schedule. Written only by the `schedule_*` services.

    Whether it is done is not stored but derived (`domain.item_status`): from the assessments
    administered inside its window, or for a team review from the day staff marked it held."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="schedule_items"
    )
    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.CASCADE, related_name="schedule_items"
    )
    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    opens_on = models.DateField(_("window opens on"))
    closes_on = models.DateField(_("window closes on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # None: from the program's schedule, made when the episode became active.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)  # a team review
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScheduleItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("schedule item")
        verbose_name_plural = _("schedule items")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["patient", "due_on"]),
            models.Index(fields=["opens_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="schedule_item_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=F("due_on"), due_on__lte=F("closes_on")),
                name="schedule_item_window_holds_due_date",
            ),
            models.UniqueConstraint(
                fields=["patient", "kind", "due_on"],
                condition=Q(cancelled_at__isnull=True),
                name="schedule_item_one_of_a_kind_per_day",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="schedule_item_cancellation_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True, held_by__isnull=True)
                | Q(
                    held_on__isnull=False,
                    held_by__isnull=False,
                    kind__in=sorted(k.value for k in domain.MARKED_HELD),
                ),
                name="schedule_item_only_a_review_is_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"

    def as_item(self) -> domain.Item:
        """The item for the pure rules (`episode` is read: select it with the item)."""
        ended = self.episode.status_since if self.episode.status in CLOSED else None
        return domain.Item(
            kind=domain.Kind(self.kind),
            due_on=self.due_on,
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            cancelled=self.cancelled_at is not None,
            held_on=self.held_on,
            ended_on=ended,
        )
