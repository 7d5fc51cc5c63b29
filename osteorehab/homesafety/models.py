from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .domain import ITEMS_BY_CODE, ROOM_OF, Owner


class How(models.TextChoices):
    IN_PERSON = "in_person", _("In person, at the home")
    VIDEO = "video", _("By video")
    REPORTED = "reported", _("Reported by the patient or caregiver")


class OwnerChoice(models.TextChoices):
    PATIENT = Owner.PATIENT.value, _("Patient")
    CAREGIVER = Owner.CAREGIVER.value, _("Caregiver")
    NURSE = Owner.NURSE.value, _("Nurse")


class HomeSafetyCheck(models.Model):
    """One room-by-room check of the patient's home: each item's answer as given (ok, hazard,
    not applicable; an item not in `answers` was not checked). Written only by
    `home_safety_check_record`, which also turns its hazards into actions."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="home_safety_checks"
    )
    checked_on = models.DateField(_("date of the check"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    how = models.CharField(_("how"), max_length=20, choices=How.choices)
    answers = models.JSONField(_("answers"), default=dict)  # item code -> ok/hazard/...
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("home safety check")
        verbose_name_plural = _("home safety checks")
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(how__in=How.values), name="home_safety_check_how_known"
            )
        ]

    def __str__(self) -> str:
        return f"home safety check {self.checked_on}"


class HomeSafetyActionQuerySet(models.QuerySet["HomeSafetyAction"]):
    def open(self) -> "HomeSafetyActionQuerySet":
        """Neither done nor found resolved by a later check."""
        return self.filter(done_on__isnull=True, resolved_by_check__isnull=True)

    def closed(self) -> "HomeSafetyActionQuerySet":
        return self.exclude(done_on__isnull=True, resolved_by_check__isnull=True)


class HomeSafetyAction(models.Model):
    """What is to be done about one hazard a check found, by whom and by when. It closes when
    its owner (or the care team) marks it done, or when a later check finds the item safe."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="home_safety_actions"
    )
    found_by_check = models.ForeignKey(
        HomeSafetyCheck,
        on_delete=models.CASCADE,
        related_name="found_actions",
        verbose_name=_("found by the check"),
    )
    item = models.CharField(_("checklist item"), max_length=40)
    text = models.TextField(_("action"))
    owner = models.CharField(_("owner"), max_length=20, choices=OwnerChoice.choices)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resolved_by_check = models.ForeignKey(
        HomeSafetyCheck,
        on_delete=models.PROTECT,
        related_name="resolved_actions",
        null=True,
        blank=True,
        verbose_name=_("resolved by the check"),
    )

    objects = HomeSafetyActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("home safety action")
        verbose_name_plural = _("home safety actions")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__in=OwnerChoice.values), name="home_safety_action_owner_known"
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, done_by__isnull=True)
                | Q(done_on__isnull=False, done_by__isnull=False),
                name="home_safety_action_done_by_whom",
            ),
            # closed one way or the other, not both
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(resolved_by_check__isnull=True),
                name="home_safety_action_done_or_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} due {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.done_on is None and self.resolved_by_check_id is None

    @property
    def question(self) -> str:
        item = ITEMS_BY_CODE.get(self.item)
        return gettext(item.question) if item else self.item

    @property
    def room_name(self) -> str:
        room = ROOM_OF.get(self.item)
        return gettext(room.name) if room else ""

    @property
    def text_shown(self) -> str:
        """The suggested action in the reader's language; a text written by hand as it is."""
        item = ITEMS_BY_CODE.get(self.item)
        return gettext(self.text) if item and self.text == item.action else self.text
