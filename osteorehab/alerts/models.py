from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    # PHQ-9 item 9 above 0: immediate clinical risk assessment (clinical-reference 1.1)
    SELF_HARM_THOUGHTS = "self_harm_thoughts", _("Thoughts of death or self-harm (PHQ-9 item 9)")
    SELF_HARM_UNKNOWN = "self_harm_unknown", _("PHQ-9 item 9 unanswered: safety unknown")
    # Raised by the rehabilitation log (osteorehab.logbook.domain): a fall with injury, or not
    # getting up after it (World Falls Guidelines severity indicators, clinical-reference 3.6);
    # new back pain in the severe band (Serlin 7-10, unverified, clinical-reference 1.13).
    FALL_INJURY = "fall_injury", _("Fall with injury")
    FALL_CANNOT_GET_UP = "fall_cannot_get_up", _("Fall: could not get up")
    SEVERE_BACK_PAIN = "severe_back_pain", _("New severe back pain")


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> "AlertQuerySet":
        return self.filter(acknowledged_at__isnull=True)


class Alert(models.Model):
    """A safety signal that must reach a person of the care team at once; it stays open until
    one of them acknowledges it, saying what they did."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("alert"), max_length=40, choices=AlertKind.choices)
    urgent = models.BooleanField(_("urgent"), default=True)
    roles = models.JSONField(_("for roles"), default=list)  # who must act (role codes)
    source = models.CharField(max_length=100, blank=True)  # e.g. "assessments.Assessment #12"
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.CharField(_("what was done"), max_length=500, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-urgent", "-raised_at"]
        indexes = [models.Index(fields=["patient", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.raised_at:%Y-%m-%d %H:%M})"
