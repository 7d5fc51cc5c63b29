"""Reads of the follow-up schedule with each item's status, derived from the assessments on
record: for one patient (`patient_schedule`) and across a caseload (`due_items`).

Each is a fixed number of queries whatever the number of patients or items: the items with
their patient and episode, then the days the instruments they need were administered."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.functional import Promise

from osteorehab.assessments.domain import SELF_REPORT
from osteorehab.assessments.models import Assessment
from osteorehab.contact.domain import Day, day_words
from osteorehab.patients.models import Patient

from .domain import ATTENTION, NEEDS, Kind, Status, done_on, item_status, pending, urgency
from .models import PATIENT_WORDS, STATUS_LABELS, ScheduleItem


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
    items: Sequence[ScheduleItem], patients: QuerySet[Patient] | Iterable[int], today: date
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


def due_items(patients: QuerySet[Patient], today: date) -> list[Scheduled]:
    """The due, overdue and missed items of these patients' open program episodes on `today`,
    most urgent first (`domain.urgency`): overdue, then due, then missed. Each carries its
    patient (`scheduled.item.patient`). Cancelled items, items not yet open and the schedules of
    episodes that have ended are left out. Two queries, whatever the size of the caseload."""
    items = list(
        ScheduleItem.objects.in_open_episodes()
        .not_cancelled()
        .filter(patient__in=patients, opens_on__lte=today)
        .select_related("patient", "episode")
    )
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
