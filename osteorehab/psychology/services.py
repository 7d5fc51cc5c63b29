"""Recording psychological sessions, and how often a module is offered: checked, saved and
audited in one transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Role, may
from osteorehab.accounts.models import User
from osteorehab.audit.services import audit_write, values_of
from osteorehab.patients.domain import event_date_refusal
from osteorehab.patients.models import Patient
from osteorehab.patients.services import refuse
from osteorehab.plans.models import PlanVersion
from osteorehab.plans.services import plan_snapshot

from .domain import FREQUENCY_WORDS, MODULES_BY_CODE, Frequency
from .models import Modality, ModuleFrequency, PsychSession

SESSION_FIELDS = ("held_on", "modality", "module", "notes", "homework", "next_session_on")


@transaction.atomic
def psych_session_record(
    *,
    patient: Patient,
    by: User,
    held_on: date,
    modality: str,
    module: str,
    notes: str = "",
    homework: str = "",
    next_session_on: date | None = None,
) -> PsychSession:
    """The counsellor's record of a session (any clinician of the care team may record one)."""
    role = Role(by.role)
    if role not in CLINICAL_ROLES or not may(role, Action.EDIT):
        raise ValidationError(_("Only the care team's clinicians record psychological sessions."))
    refuse(
        event_date_refusal(
            held_on,
            date_of_birth=patient.date_of_birth,
            today=timezone.localdate(),
            field="held_on",
        )
    )
    # A later date only: the next session is planned, so it may lie in the future.
    if next_session_on is not None and next_session_on <= held_on:
        raise ValidationError(
            {"next_session_on": _("The next session must be after this session's date.")}
        )
    if modality not in Modality.values:
        raise ValidationError({"modality": _("Choose one of the options.")})
    if module not in MODULES_BY_CODE:
        raise ValidationError({"module": _("Choose one of the options.")})
    session = PsychSession.objects.create(
        patient=patient,
        held_on=held_on,
        modality=modality,
        module=module,
        notes=notes,
        homework=homework,
        next_session_on=next_session_on,
        recorded_by=by,
    )
    audit_write(
        by=by,
        obj=session,
        patient_id=patient.pk,
        created=True,
        changes=values_of(session, SESSION_FIELDS),
    )
    return session


@transaction.atomic
def module_frequency_set(
    *, patient: Patient, by: User, module: str, frequency: str, reason: str
) -> tuple[ModuleFrequency, PlanVersion | None]:
    """A clinician of the care team sets how often a module is offered (the counsellor, as a
    rule); the care plan gets a new version gathering its psychological part as it now stands
    (none before the first plan is drafted, which will gather it)."""
    role = Role(by.role)
    if role not in CLINICAL_ROLES or not may(role, Action.EDIT):
        raise ValidationError(
            _("Only the care team's clinicians set how often a module is offered.")
        )
    if module not in MODULES_BY_CODE:
        raise ValidationError({"module": _("Choose one of the options.")})
    if frequency not in Frequency.__members__.values():
        raise ValidationError({"frequency": _("Choose one of the options.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    row = ModuleFrequency.objects.create(
        patient=patient, module=module, frequency=frequency, reason=reason.strip(), set_by=by
    )
    audit_write(
        by=by,
        obj=row,
        patient_id=patient.pk,
        created=True,
        changes=values_of(row, ("module", "frequency", "reason")),
    )
    words = FREQUENCY_WORDS[Frequency(frequency)]
    version = plan_snapshot(
        patient=patient,
        by=by,
        reason=f"{MODULES_BY_CODE[module].name}: {words}. {reason.strip()}"[:300],
    )
    return row, version
