"""Reads of a patient's record that more than one page shows (the record page, the patient's
report)."""

from collections.abc import Sized
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from . import services
from .domain import Adherence
from .models import Medication, MedicationFill, Patient

# clinical-reference 5: PDC >= 0.80 is adherent, below it is not.
ADHERENCE_WORDS = {
    True: gettext_lazy("adherent (≥ 80%)"),
    False: gettext_lazy("below 80%"),
}


@dataclass(frozen=True)
class MedicationRow:
    """A medicine on the record page, with its refills and proportion of days covered."""

    medication: Medication
    fill_count: int
    adherence: Adherence | None

    @classmethod
    def of(cls, medication: Medication, fills: Sized, *, today: date) -> "MedicationRow":
        return cls(
            medication=medication,
            fill_count=len(fills),
            adherence=services.medication_adherence(medication, today=today),
        )

    @property
    def adherence_words(self) -> Promise | None:
        return ADHERENCE_WORDS[self.adherence.adherent] if self.adherence else None


def medication_rows(patient: Patient) -> list[MedicationRow]:
    medications = patient.medications.valid().prefetch_related(
        Prefetch("fills", queryset=MedicationFill.objects.valid())
    )
    today = timezone.localdate()
    return [MedicationRow.of(m, m.fills.all(), today=today) for m in medications]
