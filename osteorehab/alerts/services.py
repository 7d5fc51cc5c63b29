from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import User
from osteorehab.audit.services import audit_write
from osteorehab.patients.models import Patient

from .models import Alert, AlertKind
from .tasks import notify_alert


@transaction.atomic
def alert_raise(
    *,
    patient: Patient,
    kind: AlertKind,
    roles: Sequence[Role],
    source: models.Model,
    by: User | None,
) -> Alert:
    """Open an alert and tell the care team once the transaction that raised it has committed
    (`by` None: raised by the program itself, the adjustment rules)."""
    alert = Alert.objects.create(
        patient=patient,
        kind=kind,
        roles=[role.value for role in roles],
        source=f"{source._meta.label} #{source.pk}",
    )
    audit_write(
        by=by,
        obj=alert,
        patient_id=patient.pk,
        created=True,
        changes={"kind": kind.value, "roles": alert.roles, "source": alert.source},
    )
    transaction.on_commit(lambda: notify_alert(alert.pk))
    return alert


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by: User, action_taken: str) -> Alert:
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.acknowledged_at:
        raise ValidationError(_("Someone of the team has already acknowledged this alert."))
    if not action_taken.strip():
        raise ValidationError({"action_taken": _("Say what was done.")})
    locked.acknowledged_by = by
    locked.acknowledged_at = timezone.now()
    locked.action_taken = action_taken.strip()
    locked.save(update_fields=["acknowledged_by", "acknowledged_at", "action_taken"])
    audit_write(
        by=by,
        obj=locked,
        patient_id=locked.patient_id,
        created=False,
        changes={
            "acknowledged_at": [None, locked.acknowledged_at],
            "action_taken": locked.action_taken,
        },
    )
    return locked
