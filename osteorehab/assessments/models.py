import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from osteorehab.assessments.domain import IMPACT_LEVELS, IMPACT_WORDS
from osteorehab.patients.models import Correctable

from .instruments.base import SCORER_VERSION, Instrument, Result


class Occasion(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    FOLLOW_UP = "follow_up", _("Follow-up")
    OTHER = "other", _("Other")


class Assessment(Correctable):
    """One administered instrument: the raw answers as given and the result as scored then.

    Never edited: the result is recomputable from the answers with the recorded scorer, and a
    mistake is marked entered in error, not changed."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="assessments"
    )
    instrument = models.CharField(_("instrument"), max_length=40)
    instrument_version = models.CharField(max_length=200)
    scorer_version = models.CharField(max_length=40)
    occasion = models.CharField(
        _("occasion"), max_length=20, choices=Occasion.choices, default=Occasion.OTHER
    )
    administered_on = models.DateField(_("date"))
    answers = models.JSONField(encoder=DjangoJSONEncoder)
    result = models.JSONField(encoder=DjangoJSONEncoder)
    # Copied from the result for lists and trends without unpacking JSON.
    valid = models.BooleanField()
    total = models.FloatField(null=True)
    band = models.CharField(max_length=40, blank=True)
    self_reported = models.BooleanField(_("reported by the patient"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)  # e.g. the DXA device
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # the patient's own submission's key (a questionnaire's draft, the chair-stand form): sent
    # twice, it is one assessment (core.idempotency); none for the care team's entries
    client_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-administered_on", "-id"]
        indexes = [models.Index(fields=["patient", "instrument", "administered_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "client_key"], name="assessment_client_key_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.administered_on}"

    @classmethod
    def scored(
        cls, *, instrument: Instrument, answers: dict[str, Any], result: Result, **fields: Any
    ) -> "Assessment":
        """An (unsaved) assessment of these answers as the instrument scored them: the result,
        the versions it was scored with, and the figures copied out for lists and trends."""
        return cls(
            instrument=instrument.code,
            instrument_version=instrument.version,
            scorer_version=SCORER_VERSION,
            answers=answers,
            result=result.stored(),
            valid=result.valid,
            total=result.total,
            band=result.band or "",
            **fields,
        )


class Draft(models.Model):
    """A questionnaire the patient is part-way through on their phone: they can stop and come
    back to the question where they left off."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)  # item key -> answer
    updated_at = models.DateTimeField(auto_now=True)
    # the key the assessment it becomes is stored under: the last answer sent twice is one
    # assessment (core.idempotency)
    client_key = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument"], name="draft_one_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} draft"


class ImpactDecision(models.Model):
    """The physician's decision on how much impact exercise the patient may do. Never edited: a
    new decision supersedes the last, and the history is kept."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="impact_decisions"
    )
    level = models.CharField(
        _("most impact allowed"),
        max_length=20,
        # the Strong, Steady and Straight levels (clinical-reference 4.2), as the rules read them
        choices=[(level, _(IMPACT_WORDS[level])) for level in IMPACT_LEVELS],
    )
    reason = models.CharField(_("reason"), max_length=300)
    decided_on = models.DateField(_("date"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("impact decision")
        verbose_name_plural = _("impact decisions")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.level} {self.decided_on}"
