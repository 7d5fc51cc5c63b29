"""Writes to the follow-up schedule, each checked, saved and audited in one transaction.

Who may do what:
- the program's schedule is made when the program episode becomes active
  (`patients.services.episode_move` calls `schedule_create`), by whoever may enrol the patient;
  for an episode that became active before schedules existed, from the patient's schedule page;
- the clinicians of the patient's care team add an item, move one to another date and cancel
  one, saying why, and mark a team review held (the case meetings do it through
  `schedule_item_complete`);
- a bone density scan is the physician's order (issue #6: "bone density at 12 months or as the
  physician orders"): only the physician adds, moves or cancels one.

A done item (derived from the assessments in its window, or a review marked held) is not moved or
cancelled: that would rewrite what happened.
"""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.access import visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Role, may
from osteorehab.accounts.models import User
from osteorehab.audit.services import audit_write, changes_of, values_of
from osteorehab.patients.domain import CLOSED, EpisodeStatus
from osteorehab.patients.models import Episode, Patient

from . import domain
from .models import Kind, ScheduleItem
from .selectors import item_standing

ITEM_FIELDS = ("kind", "due_on", "opens_on", "closes_on", "note")
CANCEL_FIELDS = ("cancelled_at", "cancel_reason")
HELD_FIELDS = ("held_on", "held_by_id")
# LOCAL PROGRAM CHOICE: the program lasts a year, so a date further ahead than this is a slip of
# the keyboard (2062 for 2026), refused rather than kept.
FURTHEST_AHEAD = timedelta(days=2 * 365)


def _reaches(by: User, patient: Patient, action: Action) -> bool:
    return may(Role(by.role), action) and visible_patients(by).filter(pk=patient.pk).exists()


def _check_clinician(by: User, patient: Patient) -> None:
    if Role(by.role) not in CLINICAL_ROLES or not _reaches(by, patient, Action.EDIT):
        raise ValidationError(_("Only the care team's clinicians change the follow-up schedule."))


def _check_order(by: User, kind: str) -> None:
    if kind == Kind.BONE_DENSITY and by.role != Role.PHYSICIAN:
        raise ValidationError(
            _("A bone density scan is the physician's order: only the physician changes it.")
        )


def _check_due_on(due_on: date, episode: Episode) -> None:
    if due_on < episode.referred_on:
        raise ValidationError(
            {"due_on": _("This date is before the patient was referred to the program.")}
        )
    if due_on > timezone.localdate() + FURTHEST_AHEAD:
        raise ValidationError({"due_on": _("This date is over two years ahead; check the year.")})


def _check_free(patient_id: int, kind: str, due_on: date, *, item_id: int | None = None) -> None:
    """One item of a kind per day (the model's constraint, said in words before it is hit)."""
    same = ScheduleItem.objects.not_cancelled().filter(
        patient_id=patient_id, kind=kind, due_on=due_on
    )
    if item_id is not None:
        same = same.exclude(pk=item_id)
    if same.exists():
        raise ValidationError(
            {
                "due_on": _("The schedule already has a %(kind)s due on %(date)s.")
                % {"kind": Kind(kind).label, "date": due_on.isoformat()}
            }
        )


def _started_on(episode: Episode) -> date | None:
    """The day the episode first became active: the schedule's anchor."""
    change = episode.changes.filter(to_status=EpisodeStatus.ACTIVE).order_by("on", "id").first()
    return change.on if change else None


def _audit(by: User, item: ScheduleItem, *, created: bool, changes: dict[str, Any]) -> None:
    audit_write(by=by, obj=item, patient_id=item.patient_id, created=created, changes=changes)


@transaction.atomic
def schedule_create(*, episode: Episode, by: User) -> list[ScheduleItem]:
    """The program's schedule for an episode that has become active, anchored on the day it first
    did (`domain.program_schedule`). Idempotent: an episode that has its schedule keeps it as it
    is (with every change made to it since), and a date already taken by an item added by hand
    is left to that item."""
    locked = Episode.objects.select_for_update().select_related("patient").get(pk=episode.pk)
    if not _reaches(by, locked.patient, Action.ENROL):
        raise ValidationError(_("Only the care team and the program lead make the schedule."))
    if locked.schedule_items.filter(added_by__isnull=True).exists():
        return list(locked.schedule_items.all())
    if locked.status in CLOSED:
        raise ValidationError(_("This program episode has ended."))
    start = _started_on(locked)
    if start is None:
        raise ValidationError(
            _("The schedule begins on the day the program episode becomes active; it has not yet.")
        )
    taken = set(
        ScheduleItem.objects.not_cancelled()
        .filter(patient_id=locked.patient_id)
        .values_list("kind", "due_on")
    )
    created = ScheduleItem.objects.bulk_create(
        [
            ScheduleItem(
                patient_id=locked.patient_id,
                episode=locked,
                kind=planned.kind.value,
                due_on=planned.due_on,
                opens_on=planned.opens_on,
                closes_on=planned.closes_on,
            )
            for planned in domain.program_schedule(start)
            if (planned.kind.value, planned.due_on) not in taken
        ]
    )
    if created:
        _audit(
            by,
            created[0],
            created=True,
            changes={
                "episode": locked.pk,
                "starts_on": start,
                "items": [[i.kind, i.due_on, i.opens_on, i.closes_on] for i in created],
            },
        )
    return list(locked.schedule_items.all())


@transaction.atomic
def schedule_item_add(
    *, patient: Patient, by: User, kind: str, due_on: date, note: str = ""
) -> ScheduleItem:
    """An item added to the patient's schedule (an extra check-up, a scan the physician orders),
    with its kind's window, in the patient's open program episode."""
    _check_clinician(by, patient)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose one of the options.")})
    _check_order(by, kind)
    episode = (
        Episode.objects.select_for_update()
        .filter(patient=patient)
        .exclude(status__in=sorted(CLOSED))
        .first()
    )
    if episode is None:
        raise ValidationError(_("The patient has no open program episode; open one first."))
    _check_due_on(due_on, episode)
    _check_free(patient.pk, kind, due_on)
    planned = domain.planned(domain.Kind(kind), due_on)
    item = ScheduleItem.objects.create(
        patient=patient,
        episode=episode,
        kind=kind,
        due_on=due_on,
        opens_on=planned.opens_on,
        closes_on=planned.closes_on,
        note=note.strip(),
        added_by=by,
    )
    _audit(by, item, created=True, changes=values_of(item, ITEM_FIELDS))
    return item


def _open_item(item: ScheduleItem, by: User, *, version: int | None) -> ScheduleItem:
    """The item, locked, if this user may change it and it can still change."""
    locked = (
        ScheduleItem.objects.select_for_update()
        .select_related("patient", "episode")
        .get(pk=item.pk)
    )
    _check_clinician(by, locked.patient)
    if version is not None and locked.version != version:
        raise ValidationError(
            _("Someone else changed this item while you were editing. Reload it and try again."),
            code="stale",
        )
    if locked.cancelled_at is not None:
        raise ValidationError(_("This item is cancelled."))
    if locked.episode.status in CLOSED:
        raise ValidationError(_("This program episode has ended."))
    if item_standing(locked, timezone.localdate()).status is domain.Status.DONE:
        raise ValidationError(_("This item is done; what was done is not changed."))
    return locked


def _changed(locked: ScheduleItem, by: User) -> None:
    locked.changed_by = by
    locked.changed_at = timezone.now()
    locked.version += 1


@transaction.atomic
def schedule_item_move(
    *, item: ScheduleItem, by: User, due_on: date, version: int, note: str | None = None
) -> ScheduleItem:
    """The item due on another day, its window moved with it; `note` (if given) replaces its
    note, e.g. why it moved."""
    locked = _open_item(item, by, version=version)
    _check_order(by, locked.kind)
    _check_due_on(due_on, locked.episode)
    _check_free(locked.patient_id, locked.kind, due_on, item_id=locked.pk)
    before = values_of(locked, ITEM_FIELDS)
    shifted = domain.moved(locked.as_item(), due_on)
    locked.due_on, locked.opens_on, locked.closes_on = (
        shifted.due_on,
        shifted.opens_on,
        shifted.closes_on,
    )
    if note is not None:
        locked.note = note.strip()
    changes = changes_of(locked, ITEM_FIELDS, before)
    if changes:
        _changed(locked, by)
        locked.save()
        _audit(by, locked, created=False, changes=changes)
    return locked


@transaction.atomic
def schedule_item_cancel(
    *, item: ScheduleItem, by: User, reason: str, version: int | None = None
) -> ScheduleItem:
    """Cancel an item not done, saying why (the patient is away, the test is not possible now,
    a missed check-up that will not be made up)."""
    locked = _open_item(item, by, version=version)
    _check_order(by, locked.kind)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is cancelled.")})
    before = values_of(locked, CANCEL_FIELDS)
    locked.cancelled_at = timezone.now()
    locked.cancel_reason = reason.strip()
    _changed(locked, by)
    locked.save()
    _audit(by, locked, created=False, changes=changes_of(locked, CANCEL_FIELDS, before))
    return locked


@transaction.atomic
def schedule_item_complete(*, item: ScheduleItem, by: User, on: date) -> ScheduleItem:
    """Mark a team review held on `on`: inside its window or later (a late review is still the
    review), never before its window opens nor in the future. The case meetings call this for
    the patients they discussed."""
    locked = _open_item(item, by, version=None)
    if domain.Kind(locked.kind) not in domain.MARKED_HELD:
        raise ValidationError(
            _("Only a team review is marked held; the other items are done by their assessments.")
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("This date is in the future.")})
    if on < locked.opens_on:
        raise ValidationError(
            {
                "on": _("This review's window opens on %(date)s; a meeting before it is not it.")
                % {"date": locked.opens_on.isoformat()}
            }
        )
    before = values_of(locked, HELD_FIELDS)
    locked.held_on = on
    locked.held_by = by
    _changed(locked, by)
    locked.save()
    _audit(by, locked, created=False, changes=changes_of(locked, HELD_FIELDS, before))
    return locked
