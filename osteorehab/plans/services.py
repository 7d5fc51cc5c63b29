"""Writing the care plan: every change is a new version, checked by the safety layer, with its
author, role and reason, in one transaction with its audit event."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import CLINICAL_ROLES, Role
from osteorehab.accounts.models import User
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.audit.services import audit_write
from osteorehab.core.idempotency import kept, save_once
from osteorehab.patients.domain import event_date_refusal
from osteorehab.patients.models import Patient
from osteorehab.patients.services import refuse

from . import domain
from .models import GAS_LEVELS, PHASE_WEEKS, CarePlan, Goal, GoalRating, Phase, PlanVersion, RatedAs
from .selectors import library, names, plan_sections

PLAN_AUTHORS = (Role.THERAPIST, Role.PHYSICIAN)  # the therapist designs, the physician limits


def _conflict(latest: PlanVersion | None) -> ValidationError:
    if latest is None:
        return ValidationError(_("The plan was removed while you edited it; reload the page."))
    return ValidationError(
        _(
            "%(author)s saved version %(number)s of the plan at %(time)s while you were editing: "
            "your change was not saved. Look at their version, then make your change again."
        )
        % {
            "author": latest.author.full_name,
            "number": latest.number,
            "time": timezone.localtime(latest.created_at).strftime("%H:%M"),
        }
    )


@transaction.atomic
def plan_version_save(
    *,
    patient: Patient,
    by: User,
    items: Sequence[domain.Item],
    facts: domain.Facts,
    reason: str,
    based_on: int,
) -> PlanVersion:
    """Save the plan as a new version, if it was not changed since version `based_on` (0: no
    plan yet) and no item breaks a safety rule; the message names each rule broken."""
    if by.role not in PLAN_AUTHORS:
        raise ValidationError(
            _("Only the rehabilitation therapist or the physician changes the exercise plan.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan changes.")})
    plan, _created = CarePlan.objects.select_for_update().get_or_create(patient=patient)
    latest = plan.latest
    if based_on != (latest.number if latest else 0):
        raise _conflict(latest)
    refused = domain.check(items, facts, library())
    if refused:
        exercise_names = names(by.preferred_language)
        raise ValidationError(
            [
                gettext("%(exercise)s cannot be in this plan: %(reason)s")
                % {
                    "exercise": exercise_names.get(code, code),
                    "reason": "; ".join(v.reason.translated(gettext) for v in violations),
                }
                for code, violations in refused.items()
            ]
        )
    document = domain.content(items, facts, plan_sections(patient))
    physician = by.role == Role.PHYSICIAN
    try:
        with transaction.atomic():
            version = PlanVersion.objects.create(
                plan=plan,
                number=based_on + 1,
                content=document,
                reason=reason.strip(),
                author=by,
                author_role=by.role,
                needs_approval=domain.approval_needed(facts.profile) is not None,
                approved_by=by if physician else None,
                approved_at=timezone.now() if physician else None,
            )
    except IntegrityError:  # another clinician saved the same version number first
        raise _conflict(plan.latest) from None
    old = latest.content if latest else None
    audit_write(
        by=by,
        obj=version,
        patient_id=patient.pk,
        created=True,
        changes={
            "number": version.number,
            "reason": version.reason,
            "changes": [str(change) for change in domain.changes(old, document, names("en"))],
        },
    )
    return version


@transaction.atomic
def plan_snapshot(*, patient: Patient, by: User, reason: str) -> PlanVersion | None:
    """A new version gathering the plan's other parts as they now stand (a goal set, lessons
    assigned, home-safety actions), the exercise unchanged: so that every change to the plan
    has its version, author and reason. Nothing before the first plan is drafted (the first
    version gathers them), and the approval stands, since the exercise did not change."""
    plan = CarePlan.objects.select_for_update().filter(patient=patient).first()
    latest = plan.latest if plan else None
    if plan is None or latest is None:
        return None
    document = {**latest.content, "sections": domain.gathered(plan_sections(patient))}
    version = PlanVersion.objects.create(
        plan=plan,
        number=latest.number + 1,
        content=document,
        reason=reason,
        author=by,
        author_role=by.role,
        needs_approval=latest.needs_approval,
        approved_by=latest.approved_by,
        approved_at=latest.approved_at,
    )
    audit_write(
        by=by,
        obj=version,
        patient_id=patient.pk,
        created=True,
        changes={
            "number": version.number,
            "reason": reason,
            "changes": [str(c) for c in domain.changes(latest.content, document, names("en"))],
        },
    )
    return version


@transaction.atomic
def plan_version_approve(*, version: PlanVersion, by: User) -> PlanVersion:
    """The physician approves the latest version of a plan that needs it."""
    if by.role != Role.PHYSICIAN:
        raise ValidationError(_("Only the physician approves the plan."))
    locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if locked.plan.versions.filter(number__gt=locked.number).exists():
        raise ValidationError(_("A newer version exists: approve that one."))
    if locked.approved_at is not None:
        raise ValidationError(_("This version is already approved."))
    locked.approved_by, locked.approved_at = by, timezone.now()
    locked.save(update_fields=["approved_by", "approved_at"])
    audit_write(
        by=by,
        obj=locked,
        patient_id=locked.plan.patient_id,
        created=False,
        changes={"approved": [False, True], "number": locked.number},
    )
    return locked


GOAL_FIELDS = (
    "statement",
    "phase",
    "target_on",
    "measure",
    "importance",
    "difficulty",
    "level_minus_2",
    "level_minus_1",
    "level_0",
    "level_plus_1",
    "level_plus_2",
    "baseline_level",
)


def _may_set_goals(by: User) -> None:
    if by.role not in CLINICAL_ROLES:
        raise ValidationError(_("Goals are set by the care team."))


@transaction.atomic
def goal_create(*, patient: Patient, by: User, **fields: Any) -> Goal:
    """A goal set with the patient; its target date defaults to the phase's length from today."""
    _may_set_goals(by)
    today = timezone.localdate()
    target = fields.get("target_on") or today + timedelta(weeks=PHASE_WEEKS[Phase(fields["phase"])])
    if target <= today:
        raise ValidationError({"target_on": _("The date to reach the goal must be in the future.")})
    if fields.get("measure") and fields["measure"] not in INSTRUMENTS:
        raise ValidationError({"measure": _("Unknown measure.")})
    goal = Goal.objects.create(patient=patient, created_by=by, **{**fields, "target_on": target})
    audit_write(
        by=by,
        obj=goal,
        patient_id=patient.pk,
        created=True,
        changes={name: str(getattr(goal, name)) for name in GOAL_FIELDS},
    )
    plan_snapshot(patient=patient, by=by, reason=f"Goal set: {goal.statement}")
    return goal


def _rater(goal: Goal, by: User) -> RatedAs:
    """Whose rating it is: a clinician's at a review, or the patient's own; a caregiver's, or
    another patient's, is refused (the goal is the patient's judgement, not the family's)."""
    if by.role in CLINICAL_ROLES:
        return RatedAs.CLINICIAN
    if by.role == Role.PATIENT and goal.patient.user_id == by.pk:
        return RatedAs.PATIENT
    raise ValidationError(_("Goals are rated by the patient or the care team."))


@transaction.atomic
def goal_rate(
    *,
    goal: Goal,
    by: User,
    level: int,
    rated_on: date,
    note: str = "",
    client_key: UUID | None = None,
) -> GoalRating:
    """How far the goal is attained at a review (-2..+2), by a clinician or by the patient
    themself (kept as such). The form sent again with its key (`client_key`) answers the rating
    it stored, and writes nothing."""
    rated_as = _rater(goal, by)
    earlier = kept(GoalRating, goal=goal, client_key=client_key)
    if earlier is not None:
        return earlier
    if level not in dict(GAS_LEVELS):
        raise ValidationError({"level": _("Choose one of the five levels.")})
    refuse(
        event_date_refusal(
            rated_on,
            date_of_birth=goal.patient.date_of_birth,
            today=timezone.localdate(),
            field="rated_on",
        )
    )
    if rated_on < timezone.localdate(goal.created_at):
        raise ValidationError({"rated_on": _("A goal cannot be rated before it was set.")})
    rating, created = save_once(
        GoalRating(
            goal=goal,
            level=level,
            rated_on=rated_on,
            note=note,
            rated_by=by,
            rated_as=rated_as,
            client_key=client_key,
        ),
        key={"goal": goal, "client_key": client_key},
    )
    if not created:
        return rating
    audit_write(
        by=by,
        obj=rating,
        patient_id=goal.patient_id,
        created=True,
        changes={
            "goal": goal.pk,
            "level": level,
            "rated_on": rated_on.isoformat(),
            "rated_as": rated_as.value,
        },
    )
    return rating
