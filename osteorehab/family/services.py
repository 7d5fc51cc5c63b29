"""Messages of encouragement: sent, audited (the fact, never the words) and marked seen."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.access import parts_for, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Role
from osteorehab.accounts.models import User
from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event, audit_write
from osteorehab.core.idempotency import kept, save_once
from osteorehab.patients.models import Patient

from .models import ENCOURAGEMENT_MAX_CHARS, Encouragement, EncouragementKind

# How many unseen messages the patient's home page shows at a time.
SHOWN_AT_ONCE = 3


def encouragement_kind(user: User, patient: Patient) -> EncouragementKind | None:
    """Who may encourage this patient, as what: a family member the patient shares at least one
    part with while their consent to family sharing is in force, or a clinician of the patient's
    care team; anyone else, None."""
    role = user.role_enum
    if role not in (Role.CAREGIVER, *CLINICAL_ROLES):
        return None
    if not visible_patients(user).filter(pk=patient.pk).exists():
        return None
    if role is Role.CAREGIVER:
        return EncouragementKind.FAMILY if parts_for(user, patient) else None
    return EncouragementKind.TEAM


@transaction.atomic
def encouragement_send(
    *, patient: Patient, by: User, text: str, client_key: UUID | None = None
) -> Encouragement:
    """Send the words; the form sent again with its key (`client_key`) answers the message it
    sent, and writes nothing."""
    kind = encouragement_kind(by, patient)
    if kind is None:
        raise ValidationError(_("You cannot send messages to this person."))
    earlier = kept(Encouragement, patient=patient, client_key=client_key)
    if earlier is not None:
        return earlier
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a few words.")})
    if len(text) > ENCOURAGEMENT_MAX_CHARS:
        raise ValidationError(
            {
                "text": _("Keep it short: at most %(max)s characters.")
                % {"max": ENCOURAGEMENT_MAX_CHARS}
            }
        )
    message, created = save_once(
        Encouragement(
            patient=patient,
            author=by,
            kind=kind,
            text=text,
            sent_at=timezone.now(),
            client_key=client_key,
        ),
        key={"patient": patient, "client_key": client_key},
    )
    if not created:
        return message
    # The words are between the sender and the patient: the trail keeps that a message was sent.
    audit_write(
        by=by,
        obj=message,
        patient_id=patient.pk,
        created=True,
        changes={"kind": kind.value, "characters": len(text)},
    )
    return message


@transaction.atomic
def encouragements_shown(*, patient: Patient, by: User) -> list[Encouragement]:
    """The latest unseen messages (at most SHOWN_AT_ONCE), marked seen as they are shown: each
    is shown on the home page once; all of them stay on the patient's list of messages."""
    shown = list(
        patient.encouragements.filter(seen_at__isnull=True)
        .select_related("author")
        .order_by("-sent_at", "-id")[:SHOWN_AT_ONCE]
    )
    if shown:
        now = timezone.now()
        Encouragement.objects.filter(pk__in=[m.pk for m in shown]).update(seen_at=now)
        audit_event(
            by=by,
            action=AuditAction.UPDATE,
            target=Encouragement._meta.label,
            patient_id=patient.pk,
            object_id=shown[0].pk,
            changes={"seen_at": now, "messages": [m.pk for m in shown]},
        )
    return shown
