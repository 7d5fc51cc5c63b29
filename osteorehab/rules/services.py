"""Writing the adjustment rules' proposals and the decisions on them, each in one transaction
with its audit events.

Finding: the rules run on the patients' histories and every firing is stored once. The database
keeps it so, whatever the number of workers: a proposal's fingerprint (rule, version, evidence)
is unique per patient, and one proposal per rule and subject waits at a time; a firing that
meets either is not stored (`bulk_create(ignore_conflicts=True)`). A new safety firing (PHQ-9
item 9 above 0, a fall with injury or without getting up) makes sure the alert its record
raised exists; it raises it only where none was (data entered without the services).

Deciding: only the role a proposal is routed to decides it, and for an urgent one the
physician too (`domain.may_decide`). Accepting applies the change the way a clinician would:
exercises through `plan_version_save` (a new version, checked by the safety layer), a module's
frequency through `module_frequency_set` (the plan's psychological part, a new version), tasks
recorded with the decision. Modifying applies the clinician's version of the change; rejecting
needs a reason. Rules never change a plan by themselves.
"""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import Action, Role, may
from osteorehab.accounts.models import ROLE_LABELS, User
from osteorehab.alerts.models import Alert, AlertKind
from osteorehab.alerts.services import alert_raise
from osteorehab.assessments.instruments.base import Reason
from osteorehab.assessments.models import Assessment
from osteorehab.assessments.selectors import patient_baseline
from osteorehab.assessments.services import ALERTED_ROLES
from osteorehab.audit.services import audit_creations, audit_write
from osteorehab.logbook.models import FallReport
from osteorehab.logbook.services import ALERT_ROLES
from osteorehab.patients.models import Patient
from osteorehab.plans.domain import Item, items_of, recorded_facts
from osteorehab.plans.models import CarePlan, PlanVersion
from osteorehab.plans.selectors import library, names
from osteorehab.plans.services import plan_version_save
from osteorehab.psychology.domain import MODULES_BY_CODE, Frequency, more_often
from osteorehab.psychology.selectors import psych_plan
from osteorehab.psychology.services import module_frequency_set

from . import domain
from .models import Proposal, Status, SweepRun
from .selectors import histories, in_program

# The records a safety firing's data comes from, and who its alert is for (the services that
# raise them at once: assessments for PHQ-9 item 9, the log for a fall).
ALERT_SOURCES: dict[str, type[Model]] = {"assessment": Assessment, "fall": FallReport}
ALERT_ROLES_BY_KIND = {
    AlertKind.SELF_HARM_THOUGHTS: ALERTED_ROLES,
    AlertKind.FALL_INJURY: ALERT_ROLES,
    AlertKind.FALL_CANNOT_GET_UP: ALERT_ROLES,
}
SWEEP_BATCH = 500  # patients a sweep reads at a time: a batch is one transaction


def _alerts_reach(patient: Patient, alerts: Sequence[tuple[str, domain.Point]]) -> None:
    """Each alert the firing's records must have raised exists (and so was sent to the roles
    that must act); one is raised where none is, never a second."""
    for kind, point in alerts:
        model = ALERT_SOURCES[point.kind]
        source = model._default_manager.filter(pk=point.id, patient=patient).first()
        if source is None:
            continue
        label = f"{source._meta.label} #{source.pk}"
        if not Alert.objects.filter(patient=patient, kind=kind, source=label).exists():
            alert_kind = AlertKind(kind)
            alert_raise(
                patient=patient,
                kind=alert_kind,
                roles=ALERT_ROLES_BY_KIND[alert_kind],
                source=source,
                by=None,
            )


@transaction.atomic
def proposals_find(*, patients: Sequence[Patient], today: date) -> list[Proposal]:
    """Run the rules on these patients' histories and store what is new, each with its audit
    event (the rules' own, by no user); the new proposals."""
    found_in = uuid4()
    exercises = library()
    by_patient = {patient.pk: patient for patient in patients}
    firings = {
        (patient_id, firing.fingerprint): firing
        for patient_id, history in histories(patients, today).items()
        for firing in domain.evaluate(history, today, exercises)
    }
    Proposal.objects.bulk_create(
        [
            Proposal(
                patient_id=patient_id,
                rule=firing.rule,
                rule_version=firing.version,
                subject=firing.subject,
                role=firing.decider.value,
                urgency=firing.urgency.value,
                change=firing.change.stored(),
                reason=firing.reason.stored(),
                evidence=[point.as_dict() for point in firing.evidence],
                fingerprint=fingerprint,
                found_in=found_in,
            )
            for (patient_id, fingerprint), firing in firings.items()
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    created = list(Proposal.objects.filter(found_in=found_in).order_by("id"))
    audit_creations(
        by=None,
        created=[
            (
                proposal,
                proposal.patient_id,
                {
                    "rule": proposal.rule,
                    "rule_version": proposal.rule_version,
                    "role": proposal.role,
                    "urgency": proposal.urgency,
                    "fingerprint": proposal.fingerprint,
                },
            )
            for proposal in created
        ],
    )
    for proposal in created:
        firing = firings[(proposal.patient_id, proposal.fingerprint)]
        if firing.alerts:
            _alerts_reach(by_patient[proposal.patient_id], firing.alerts)
    return created


# ---- The sweep ----


def _sweep_for(today: date, again: bool) -> SweepRun:
    """Today's unfinished sweep, to resume; else today's finished one (nothing to do), unless
    `again`; else a new one."""
    unfinished = SweepRun.objects.filter(day=today, finished_at__isnull=True).first()
    if unfinished is not None:
        return unfinished
    finished = SweepRun.objects.filter(day=today).first()
    if finished is not None and not again:
        return finished
    try:
        with transaction.atomic():
            return SweepRun.objects.create(day=today, total=in_program().count())
    except IntegrityError:  # another worker started today's sweep at the same moment
        return SweepRun.objects.get(day=today, finished_at__isnull=True)


@transaction.atomic
def _sweep_batch(run_id: int, today: date, batch: int) -> SweepRun:
    """The next batch of patients after the last one done, under the run's row lock: a second
    worker waits for it and goes on with the batch after."""
    run = SweepRun.objects.select_for_update().get(pk=run_id)
    if run.finished_at is not None:
        return run
    patients = list(in_program().filter(pk__gt=run.last_patient_id).order_by("pk")[:batch])
    if not patients:
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        return run
    created = proposals_find(patients=patients, today=today)
    run.done += len(patients)
    run.total = max(run.total, run.done)  # patients who joined the program meanwhile
    run.last_patient_id = patients[-1].pk
    run.proposals += len(created)
    run.save(update_fields=["done", "total", "last_patient_id", "proposals"])
    return run


def sweep_run(
    *,
    today: date,
    batch: int = SWEEP_BATCH,
    again: bool = False,
    progress: Callable[[SweepRun], Any] | None = None,
) -> SweepRun:
    """The rules over every patient in the program, batch by batch, each batch committed with
    the run's progress: a sweep stopped half-way resumes after the last patient done, and
    running it twice changes nothing the second time (`again` runs a finished day anew, which
    stores only what is new)."""
    run = _sweep_for(today, again)
    while run.finished_at is None:
        run = _sweep_batch(run.pk, today, batch)
        if progress is not None:
            progress(run)
    return run


def sweep_shares(*, batch: int = SWEEP_BATCH) -> list[list[int]]:
    """Every patient in the program, in shares of `batch` patients by id: a sweep that the
    workers share (`tasks.rules_for_patients`, one share each), for a program too large for
    one worker's hour. Unlike `sweep_run`, its progress is the task queue's."""
    ids = list(in_program().order_by("pk").values_list("pk", flat=True))
    return [ids[start : start + batch] for start in range(0, len(ids), batch)]


# ---- Deciding ----


def _locked_open(proposal: Proposal, by: User) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("patient").get(pk=proposal.pk)
    if not locked.is_open:
        raise ValidationError(_("This proposal has already been decided."))
    role = Role(by.role)
    decider = Role(locked.role)
    if not may(role, Action.EDIT) or not domain.may_decide(
        role, decider, domain.Urgency(locked.urgency)
    ):
        raise ValidationError(
            _("This proposal is for the %(role)s to decide.") % {"role": ROLE_LABELS[decider]}
        )
    return locked


def _title(proposal: Proposal) -> str:
    rule = proposal.rule_definition
    return rule.title if rule else proposal.rule


def _apply_items(
    proposal: Proposal, changes: Sequence[domain.ItemChange], by: User, why: str
) -> PlanVersion:
    """The exercise changes, as a new version of the plan (checked by its safety layer)."""
    patient = proposal.patient
    plan = CarePlan.objects.filter(patient=patient).first()
    latest = plan.latest if plan else None
    if latest is None:
        raise ValidationError(_("The patient has no plan to change."))
    items = items_of(latest.content)
    current = {item.exercise: item for item in items}
    exercise_names = names(by.preferred_language)
    changed: dict[str, Item] = {}
    for change in changes:
        now = current.get(change.exercise)
        if now is None or now.dose != change.dose_from:
            raise ValidationError(
                _(
                    "The plan has changed since this proposal was made (%(exercise)s): modify "
                    "the proposal or reject it."
                )
                % {"exercise": exercise_names.get(change.exercise, change.exercise)}
            )
        if change.to_exercise != change.exercise and change.to_exercise in current:
            raise ValidationError(
                _("%(exercise)s is already in the plan.")
                % {"exercise": exercise_names.get(change.to_exercise, change.to_exercise)}
            )
        changed[change.exercise] = Item(
            change.to_exercise,
            now.days,
            change.dose,
            Reason(
                "proposed by the adjustment rules ({rule}), decided by {author}: {why}",
                rule=_title(proposal),
                author=by.full_name,
                why=change.reason,
            ),
        )
    return plan_version_save(
        patient=patient,
        by=by,
        items=[changed.get(item.exercise, item) for item in items],
        facts=recorded_facts(latest.content, patient_baseline(patient).profile),
        reason=why,
        based_on=latest.number,
    )


def _frequency(patient: Patient, change: domain.Change) -> str:
    """The frequency the change sets: its own, or one step more often than the one in force."""
    if change.frequency:
        return change.frequency
    in_force = {r.code: r.frequency for r in psych_plan(patient)}
    more = more_often(in_force.get(change.module))
    if more is None:
        raise ValidationError(
            _(
                "This module is already offered weekly, the most the program offers: modify "
                "the proposal or reject it."
            )
        )
    return more.value


def _apply(proposal: Proposal, change: domain.Change, by: User, why: str) -> PlanVersion | None:
    """The change applied as a clinician would make it; the last plan version it made."""
    version = None
    if change.items:
        version = _apply_items(proposal, change.items, by, why)
    if change.module:
        _row, snapshot = module_frequency_set(
            patient=proposal.patient,
            by=by,
            module=change.module,
            frequency=_frequency(proposal.patient, change),
            reason=why,
        )
        version = snapshot or version
    return version


def _decide(
    proposal: Proposal,
    by: User,
    status: Status,
    reason: str,
    version: PlanVersion | None = None,
    change: domain.Change | None = None,
) -> Proposal:
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.plan_version = version
    proposal.decided_change = change.stored() if change is not None else None
    proposal.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "plan_version",
            "decided_change",
        ]
    )
    audit_write(
        by=by,
        obj=proposal,
        patient_id=proposal.patient_id,
        created=False,
        changes={
            "status": [Status.OPEN.value, status.value],
            "reason": reason,
            "plan_version": version.number if version else None,
            "change": proposal.decided_change,
        },
    )
    return proposal


def _plan_reason(proposal: Proposal, verb: str, note: str) -> str:
    text = f"{verb} the proposal “{_title(proposal)}”"
    return (f"{text}: {note}" if note else text)[:300]


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by: User, note: str = "") -> Proposal:
    """Accept the proposal as it stands: its change is applied."""
    locked = _locked_open(proposal, by)
    note = note.strip()
    version = _apply(locked, locked.proposed, by, _plan_reason(locked, "Accepted", note))
    return _decide(locked, by, Status.ACCEPTED, note, version)


def _modified(original: domain.Change, edited: domain.Change) -> domain.Change:
    """The clinician's version of the change, checked: an exercise of the original change only,
    swapped only for the exercise itself, the one proposed or one of its alternatives."""
    originals = {item.exercise: item for item in original.items}
    items = []
    for item in edited.items:
        was = originals.get(item.exercise)
        if was is None:
            raise ValidationError(_("Only the exercises of the proposal can be changed here."))
        if item.to_exercise not in {was.exercise, was.to_exercise, *was.alternatives}:
            raise ValidationError(_("Choose one of the exercises offered."))
        items.append(
            replace(
                was,
                to_exercise=item.to_exercise,
                dose=item.dose,
                step=was.step,
            )
        )
    if edited.module and edited.module not in MODULES_BY_CODE:
        raise ValidationError({"module": _("Choose one of the options.")})
    if edited.frequency and edited.frequency not in Frequency.__members__.values():
        raise ValidationError({"frequency": _("Choose one of the options.")})
    change = domain.Change(tuple(items), edited.module, edited.frequency, edited.tasks)
    if not (change.items or change.module or change.tasks):
        raise ValidationError(_("Nothing is left to change: reject the proposal instead."))
    return change


@transaction.atomic
def proposal_modify(
    *, proposal: Proposal, by: User, change: domain.Change, reason: str
) -> Proposal:
    """Accept the proposal with the clinician's changes, which are applied instead."""
    locked = _locked_open(proposal, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you change the proposal.")})
    applied = _modified(locked.proposed, change)
    version = _apply(locked, applied, by, _plan_reason(locked, "Modified", reason.strip()))
    return _decide(locked, by, Status.MODIFIED, reason.strip(), version, applied)


@transaction.atomic
def proposal_reject(*, proposal: Proposal, by: User, reason: str) -> Proposal:
    """Reject the proposal, saying why: nothing changes."""
    locked = _locked_open(proposal, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the proposal is rejected.")})
    return _decide(locked, by, Status.REJECTED, reason.strip())
