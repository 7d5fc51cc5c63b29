from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .domain import FREQUENCY_WORDS, MODULES, Frequency


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    GROUP = "group", _("Group")


# The catalogue's modules (domain), in its order.
MODULE_CHOICES = [(module.code, _(module.name)) for module in MODULES]


class PsychSession(models.Model):
    """One psychological session held with the patient: what module was worked on, how, the
    homework agreed and when the next session is. Written only by `psych_session_record`."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="psych_sessions"
    )
    held_on = models.DateField(_("date"))
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    module = models.CharField(
        _("module"),
        max_length=40,
        choices=MODULE_CHOICES,
    )
    notes = models.TextField(_("notes"), blank=True)
    homework = models.TextField(_("homework"), blank=True)
    next_session_on = models.DateField(_("next session"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("psychological session")
        verbose_name_plural = _("psychological sessions")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_session_on__isnull=True) | Q(next_session_on__gt=F("held_on")),
                name="psych_session_next_after_held",
            )
        ]

    def __str__(self) -> str:
        return f"{self.module} {self.held_on}"


class ModuleFrequency(models.Model):
    """How often the care team set a module to be offered, over the baseline rule's frequency
    (a proposal of the adjustment rules accepted, for one); the latest per module is in force.
    Never edited: a later setting supersedes it. Written only by `module_frequency_set`."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="module_frequencies"
    )
    module = models.CharField(_("module"), max_length=40, choices=MODULE_CHOICES)
    frequency = models.CharField(
        _("how often"),
        max_length=20,
        choices=[(f.value, _(FREQUENCY_WORDS[f])) for f in Frequency],
    )
    reason = models.CharField(_("reason"), max_length=300)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("module frequency")
        verbose_name_plural = _("module frequencies")
        ordering = ["-set_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=[f.value for f in Frequency]),
                name="module_frequency_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.module}: {self.frequency}"
