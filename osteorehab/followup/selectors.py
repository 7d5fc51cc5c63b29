"""Reads of the follow-up schedule with each item's status, derived from the assessments on
record: for one patient (`patient_schedule`), across a caseload (`due_items`) and for the rows of
a caseload's page (`follow_ups`).

Each is a fixed number of queries whatever the number of patients or items: the items with
their patient and episode, then the days the instruments they need were administered."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.functional import Promise

from osteorehab.assessments.domain import SELF_REPORT
from osteorehab.assessments.models import Assessment
from osteorehab.contact.domain import Day, day_words
from osteorehab.patients.domain import CLOSED
from osteorehab.patients.models import Patient

from .domain import ATTENTION, NEEDS, Item, Kind, Status, done_on, item_status, pending, urgency
from .models import PATIENT_WORDS, STATUS_LABELS, ScheduleItem
from .models import Kind as KindLabel


@dataclass(frozen=True)
class Scheduled:
    """A schedule item as it stands on a day: its status, the day it was done (if it was) and
    the instruments it still needs (none for a team review)."""

    item: ScheduleItem
    status: Status
    done_on: date | None
    pending: tuple[str, ...]

    @property
    def kind(self) -> Kind:
        return Kind(self.item.kind)

    @property
    def label(self) -> Promise:
        return STATUS_LABELS[self.status]

    @property
    def questionnaires(self) -> tuple[str, ...]:
        """The questionnaires the patient answers themself (`SELF_REPORT`) that the item still
        needs while it is due or overdue."""
        if self.status not in (Status.DUE, Status.OVERDUE):
            return ()
        return tuple(code for code in self.pending if code in SELF_REPORT)


def administered_days(
    items: Sequence[ScheduleItem] | Sequence[Item],
    patients: QuerySet[Patient] | Iterable[int],
    today: date,
) -> dict[int, dict[str, list[date]]]:
    """Patient id -> instrument -> the days it was validly administered, within the items'
    windows (one query)."""
    codes = {code for item in items for code in NEEDS[Kind(item.kind)]}
    found: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    if not codes:
        return found
    rows = (
        Assessment.objects.valid()
        .filter(
            valid=True,
            patient__in=patients,
            instrument__in=sorted(codes),
            administered_on__gte=min(item.opens_on for item in items),
            administered_on__lte=today,
        )
        .order_by()
        .values_list("patient_id", "instrument", "administered_on")
    )
    for patient_id, code, day in rows:
        found[patient_id][code].append(day)
    return found


def standing_of(items: Sequence[ScheduleItem], administered: dict, today: date) -> list[Scheduled]:
    shown = []
    for schedule_item in items:
        item = schedule_item.as_item()
        done = administered.get(schedule_item.patient_id, {})
        status = item_status(item, done, today=today)
        shown.append(
            Scheduled(
                schedule_item,
                status,
                done_on(item, done, today=today),
                ()
                if status in (Status.DONE, Status.CANCELLED)
                else pending(item, done, today=today),
            )
        )
    return shown


def _of(items: QuerySet[ScheduleItem], patients: QuerySet[Patient] | list[int]) -> QuerySet:
    """These patients' items. An item's episode is its patient's: saying so of the episodes as
    well lets PostgreSQL read these patients' episodes alone, not every episode of the program
    (a caseload's page read them all, more with each patient the program takes on)."""
    return items.filter(patient__in=patients, episode__patient__in=patients)


def due_items(patients: QuerySet[Patient], today: date) -> list[Scheduled]:
    """The due, overdue and missed items of these patients' open program episodes on `today`,
    most urgent first (`domain.urgency`): overdue, then due, then missed. Each carries its
    patient (`scheduled.item.patient`). Cancelled items, items not yet open and the schedules of
    episodes that have ended are left out. Two queries, whatever the size of the caseload."""
    opened = ScheduleItem.objects.in_open_episodes().not_cancelled().filter(opens_on__lte=today)
    items = list(_of(opened, patients).select_related("patient", "episode"))
    administered = administered_days(items, patients, today)
    attention = [s for s in standing_of(items, administered, today) if s.status in ATTENTION]
    return sorted(
        attention,
        key=lambda s: (*urgency(s.status, s.item.as_item()), s.item.patient.name, s.item.pk),
    )


def patient_schedule(patient: Patient, today: date) -> list[Scheduled]:
    """Every item of the patient's follow-up schedules (all their program episodes), in date
    order, each with its status on `today`. Two queries."""
    items = list(patient.schedule_items.select_related("episode", "added_by", "held_by"))
    return standing_of(items, administered_days(items, [patient.pk], today), today)


def questionnaires_due(schedule: Iterable[Scheduled]) -> dict[str, Scheduled]:
    """The questionnaires the patient answers themself (`SELF_REPORT`) that a due or overdue
    item of their schedule still needs: code -> the item, the one due first where two ask."""
    due: dict[str, Scheduled] = {}
    for scheduled in sorted(schedule, key=lambda s: (s.item.due_on, s.item.pk)):
        for code in scheduled.questionnaires:
            due.setdefault(code, scheduled)
    return due


def item_standing(item: ScheduleItem, today: date) -> Scheduled:
    """One item as it stands on `today` (one query; its episode is read)."""
    return standing_of([item], administered_days([item], [item.patient_id], today), today)[0]


@dataclass(frozen=True)
class CheckUp:
    """An item as the patient sees it: what it is in their words, and its due day in words."""

    scheduled: Scheduled
    words: Promise
    day: Day


def check_ups(
    schedule: Iterable[Scheduled], today: date, *, coming: int = 3
) -> tuple[list[CheckUp], list[CheckUp]]:
    """What the patient has to do now (due or overdue, the earliest first) and their next
    `coming` check-ups, from their schedule. Team reviews are the team's, not theirs."""
    mine = sorted(
        (s for s in schedule if s.kind in PATIENT_WORDS),
        key=lambda s: (s.item.due_on, s.item.pk),
    )

    def shown(s: Scheduled) -> CheckUp:
        return CheckUp(s, PATIENT_WORDS[s.kind], day_words(s.item.due_on, today=today))

    now = [shown(s) for s in mine if s.status in (Status.DUE, Status.OVERDUE)]
    later = [shown(s) for s in mine if s.status is Status.UPCOMING][:coming]
    return now, later


# ---- Many items at once, from plain values ----

# What an item's status reads of it and of its episode (`ScheduleItem.as_item`).
STANDING_FIELDS = (
    "pk", "patient_id", "episode_id", "kind", "due_on", "opens_on", "closes_on", "cancelled_at",
    "held_on", "episode__status", "episode__status_since",
)  # fmt: skip
_KINDS = {kind.value: kind for kind in Kind}


@dataclass(frozen=True)
class Standing:
    """An item's status on a day, for figures over many items and the caseload's rows (no model
    instance)."""

    id: int
    patient_id: int
    episode_id: int
    item: Item
    status: Status

    @property
    def needs_attention(self) -> bool:
        """Due, overdue or missed (`domain.ATTENTION`)."""
        return self.status in ATTENTION

    @property
    def what(self) -> Promise:
        """The item's kind, in the clinicians' words (`ScheduleItem.get_kind_display`)."""
        return KindLabel(self.item.kind).label

    @property
    def label(self) -> Promise:
        return STATUS_LABELS[self.status]


def standings(items: QuerySet[ScheduleItem], today: date) -> list[Standing]:
    """The status on `today` of each of these items, in their order, by the same rules as
    `standing_of` (two queries): for the figures of a whole program, whose schedules hold
    hundreds of thousands of items, read as plain values (as `ScheduleItem.as_item` reads
    them)."""
    found: list[tuple[int, int, int, Item]] = []
    for row in items.values_list(*STANDING_FIELDS):
        pk, patient_id, episode_id, kind, due_on, opens_on, closes_on = row[:7]
        cancelled_at, held_on, status, since = row[7:]
        item = Item(
            kind=_KINDS[kind],
            due_on=due_on,
            opens_on=opens_on,
            closes_on=closes_on,
            cancelled=cancelled_at is not None,
            held_on=held_on,
            ended_on=since if status in CLOSED else None,
        )
        found.append((pk, patient_id, episode_id, item))
    patients = {patient_id for _pk, patient_id, _episode, _item in found}
    administered = administered_days([item for *_ids, item in found], patients, today)
    return [
        Standing(
            pk,
            patient_id,
            episode_id,
            item,
            item_status(item, administered[patient_id], today=today),
        )
        for pk, patient_id, episode_id, item in found
    ]


def follow_ups(patient_ids: Sequence[int], today: date) -> dict[int, Standing]:
    """Patient id -> the follow-up a caseload row shows: the patient's most urgent item needing
    attention (the order of `due_items`), else their next item, the one due first of those not
    yet open; patients with neither are left out. Two queries, whatever the number of patients or
    items: the items open by `today` and each patient's next one, read as plain values
    (`standings`: no model instances), then the assessments."""
    items = ScheduleItem.objects.in_open_episodes().not_cancelled()
    upcoming = items.filter(opens_on__gt=today)
    earliest = upcoming.filter(patient=OuterRef("pk")).order_by("due_on", "pk").values("pk")[:1]
    next_items = Patient.objects.filter(pk__in=patient_ids).values(next_item=Subquery(earliest))
    shown = _of(items, list(patient_ids)).filter(Q(opens_on__lte=today) | Q(pk__in=next_items))
    listed = [s for s in standings(shown, today) if s.status in (*ATTENTION, Status.UPCOMING)]
    first: dict[int, Standing] = {}
    for standing in sorted(listed, key=lambda s: (*urgency(s.status, s.item), s.id)):
        first.setdefault(standing.patient_id, standing)
    return first
