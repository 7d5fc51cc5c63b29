from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Short, like a text message: a few kind words, not a letter.
ENCOURAGEMENT_MAX_CHARS = 280


class EncouragementKind(models.TextChoices):
    FAMILY = "family", _("From family")
    TEAM = "team", _("From the care team")


class Encouragement(models.Model):
    """A few kind words for the patient, from a family member they share with or from their
    care team; shown on the patient's home page until seen. No scores, no reminders of what was
    missed. Written only by `encouragement_send`."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="encouragements"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("from"), max_length=10, choices=EncouragementKind.choices)
    text = models.CharField(_("message"), max_length=ENCOURAGEMENT_MAX_CHARS)
    sent_at = models.DateTimeField(_("sent"))
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    # the form's key: the form sent twice is one message (core.idempotency)
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message of encouragement")
        verbose_name_plural = _("messages of encouragement")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["patient", "seen_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "client_key"], name="encouragement_client_key_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EncouragementKind.values), name="encouragement_kind_known"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="encouragement_not_empty"),
            models.CheckConstraint(
                condition=Q(seen_at__isnull=True) | Q(seen_at__gte=models.F("sent_at")),
                name="encouragement_seen_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sent_at:%Y-%m-%d}"
