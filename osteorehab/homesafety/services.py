"""Recording home-safety checks and closing their actions: checked, saved and audited in one
transaction each.

Who may do what: the care team's clinicians (the roles that may edit the record) record checks
and may mark any action done. The patient, and a caregiver the patient shared the plan with
(with the patient's consent to family sharing), may mark done the actions owned by the patient
or a caregiver; the nurse's actions are closed by the care team.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.access import parts_for, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role, may
from osteorehab.accounts.models import User
from osteorehab.audit.services import audit_write, changes_of, values_of
from osteorehab.patients.domain import event_date_refusal
from osteorehab.patients.models import Patient
from osteorehab.patients.services import refuse
from osteorehab.plans.services import plan_snapshot

from .domain import SELF_OWNERS, Owner, answered, recheck
from .models import HomeSafetyAction, HomeSafetyCheck, How

CHECK_FIELDS = ("checked_on", "how", "answers", "note")


def _clinician(user: Any) -> bool:
    role = Role(user.role)
    return role in CLINICAL_ROLES and may(role, Action.EDIT)


@transaction.atomic
def home_safety_check_record(
    *,
    patient: Patient,
    by: User,
    checked_on: date,
    how: str,
    answers: dict[str, str],
    note: str = "",
) -> HomeSafetyCheck:
    """Record a check; each new hazard becomes an action (due the item's number of days after
    the check), and each action still open from an earlier check whose item is now answered
    "ok" is resolved by this check. A hazard that is still there keeps its open action."""
    if not _clinician(by):
        raise ValidationError(_("Only the care team's clinicians record home safety checks."))
    refuse(
        event_date_refusal(
            checked_on,
            date_of_birth=patient.date_of_birth,
            today=timezone.localdate(),
            field="checked_on",
        )
    )
    # Checks are re-checks of the ones before: an earlier date would resolve (or repeat) what a
    # later check found.
    latest = patient.home_safety_checks.order_by("-checked_on").first()
    if latest is not None and checked_on < latest.checked_on:
        raise ValidationError(
            {
                "checked_on": _("The latest check is dated %(date)s; this one cannot be earlier.")
                % {"date": latest.checked_on.isoformat()}
            }
        )
    if how not in How.values:
        raise ValidationError({"how": _("Choose one of the options.")})
    try:
        given = answered(answers)
    except ValueError as error:
        raise ValidationError(
            {"answers": _("Not on the checklist: %(detail)s") % {"detail": error}}
        ) from error
    if not given:
        raise ValidationError({"answers": _("Answer at least one item of the checklist.")})

    open_actions = list(patient.home_safety_actions.open().select_for_update())
    found = recheck([action.item for action in open_actions], given)
    check = HomeSafetyCheck.objects.create(
        patient=patient,
        checked_on=checked_on,
        checked_by=by,
        how=how,
        answers={code: answer.value for code, answer in given.items()},
        note=note,
    )
    created = HomeSafetyAction.objects.bulk_create(
        HomeSafetyAction(
            patient=patient,
            found_by_check=check,
            item=hazard.code,
            text=hazard.item.action,
            owner=hazard.item.owner.value,
            due_on=checked_on + timedelta(days=hazard.item.due_days),
        )
        for hazard in found.new
    )
    resolved = [action.pk for action in open_actions if action.item in found.resolved]
    HomeSafetyAction.objects.filter(pk__in=resolved).update(resolved_by_check=check)
    audit_write(
        by=by,
        obj=check,
        patient_id=patient.pk,
        created=True,
        changes={
            **values_of(check, CHECK_FIELDS),
            "actions_created": [
                {"id": a.pk, "item": a.item, "owner": a.owner, "due_on": a.due_on} for a in created
            ],
            "actions_resolved": resolved,
            "still_present": list(found.still_present),
            "not_rechecked": list(found.not_rechecked),
        },
    )
    plan_snapshot(patient=patient, by=by, reason="Home safety check")
    return check


def _done_refusal(user: Any, action: HomeSafetyAction) -> str | None:
    """Why this user may not mark this action done, or None if they may."""
    reaches = visible_patients(user).filter(pk=action.patient_id).exists()
    if not user.is_authenticated or not reaches:
        return gettext("You may not mark this action done.")
    if _clinician(user):
        return None
    role = Role(user.role)
    if role is Role.PATIENT or (
        role is Role.CAREGIVER and Part.PLAN in parts_for(user, action.patient)
    ):
        if Owner(action.owner) in SELF_OWNERS:
            return None
        return gettext("The care team marks the nurse's actions done.")
    return gettext("You may not mark this action done.")


def may_mark_done(user: Any, action: HomeSafetyAction) -> bool:
    """Whether this user may mark this action done (see the module docstring)."""
    return _done_refusal(user, action) is None


@transaction.atomic
def home_safety_action_done(
    *, action: HomeSafetyAction, by: User, done_on: date
) -> HomeSafetyAction:
    """Mark an action done, by its owner or by the care team."""
    action = (
        HomeSafetyAction.objects.select_for_update()
        .select_related("patient", "found_by_check")
        .get(pk=action.pk)
    )
    refusal = _done_refusal(by, action)
    if refusal is not None:
        raise ValidationError(refusal)
    if action.done_on is not None:
        raise ValidationError(_("This action is already done."))
    if action.resolved_by_check_id is not None:
        raise ValidationError(_("A later check already found this hazard resolved."))
    refuse(
        event_date_refusal(
            done_on,
            date_of_birth=action.patient.date_of_birth,
            today=timezone.localdate(),
            field="done_on",
        )
    )
    if done_on < action.found_by_check.checked_on:
        raise ValidationError(
            {"done_on": _("An action cannot be done before the check that found the hazard.")}
        )
    before = values_of(action, ("done_on", "done_by_id"))
    action.done_on = done_on
    action.done_by = by
    action.save(update_fields=["done_on", "done_by"])
    audit_write(
        by=by,
        obj=action,
        patient_id=action.patient_id,
        created=False,
        changes=changes_of(action, ("done_on", "done_by_id"), before),
    )
    return action
