"""Demo follow-up schedules: every demo episode that reached the active phase has the program's
schedule from the day it did, as `services.schedule_create` makes it, with the team's monthly
reviews held on their day. The check-ups and tests are done by the demo's assessments, so their
status comes from the data, as in the clinic.

Then a few of the changes a care team makes, so that "Follow-ups due" shows each status: an
extra team review after a difficult fortnight, not yet held (overdue); a bone density scan the
physician ordered before the program's one (due); a monthly review the team did not get to
(missed); a check-up cancelled while the patient is away. They go in turn to the patients still
in the program, never to one whose data another part of the demo scripts (`scripted`).

Made-up data for trying the program, written directly (bulk inserts, no audit events), like the
rest of the demo.
"""

from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime, timedelta

from django.utils import timezone

from osteorehab.accounts.models import User
from osteorehab.patients.domain import CLOSED
from osteorehab.patients.models import Episode, Patient

from .domain import Kind, planned, program_schedule
from .models import ScheduleItem

Recorder = Callable[[Patient, str], User]
Change = Callable[[Patient, Episode, list[ScheduleItem], Recorder, date, datetime], None]


def demo_schedules(
    started: Sequence[tuple[Patient, Episode, date]],
    recorder: Recorder,
    *,
    today: date,
    scripted: Collection[int] = (),
) -> int:
    """The schedules of these (patient, episode, day it became active); `recorder(patient,
    role)` is who acts for that role. Returns how many items were written."""
    schedules: list[tuple[Patient, Episode, list[ScheduleItem]]] = []
    for patient, episode, start in started:
        ended = episode.status_since if episode.status in CLOSED else None
        nurse = recorder(patient, "nurse")
        items = []
        for item in program_schedule(start):
            held = (
                item.kind is Kind.TEAM_REVIEW
                and item.due_on <= today
                and (ended is None or item.due_on <= ended)
            )
            items.append(
                ScheduleItem(
                    patient=patient,
                    episode=episode,
                    kind=item.kind.value,
                    due_on=item.due_on,
                    opens_on=item.opens_on,
                    closes_on=item.closes_on,
                    held_on=item.due_on if held else None,
                    held_by=nurse if held else None,
                )
            )
        schedules.append((patient, episode, items))
    changed = [
        schedule
        for schedule in schedules
        if schedule[1].status not in CLOSED and schedule[0].pk not in scripted
    ]
    now = timezone.now()
    for n, change in enumerate(CHANGES if changed else ()):
        patient, episode, items = changed[n % len(changed)]  # in turn, as many as there are
        change(patient, episode, items, recorder, today, now)
    rows = [item for _patient, _episode, items in schedules for item in items]
    return len(ScheduleItem.objects.bulk_create(rows, batch_size=5000))


def _added(
    patient: Patient, episode: Episode, kind: Kind, due_on: date, note: str, by: User
) -> ScheduleItem:
    item = planned(kind, due_on)
    return ScheduleItem(
        patient=patient,
        episode=episode,
        kind=kind.value,
        due_on=due_on,
        opens_on=item.opens_on,
        closes_on=item.closes_on,
        note=note,
        added_by=by,
    )


def _extra_review(
    patient: Patient,
    episode: Episode,
    items: list[ScheduleItem],
    recorder: Recorder,
    today: date,
    now: datetime,
) -> None:
    """Overdue: an extra review the nurse asked for two days ago, not yet held."""
    due_on = today - timedelta(days=2)
    same = [i for i in items if i.kind == Kind.TEAM_REVIEW and i.due_on == due_on]
    for item in same:  # the monthly review falls on that day: it is the one not held yet
        item.held_on, item.held_by = None, None
    if not same:
        note = "Low mood and tired after a chest infection: talk it over this week"
        nurse = recorder(patient, "nurse")
        items.append(_added(patient, episode, Kind.TEAM_REVIEW, due_on, note, nurse))


def _scan_ordered(
    patient: Patient,
    episode: Episode,
    items: list[ScheduleItem],
    recorder: Recorder,
    today: date,
    now: datetime,
) -> None:
    """Due: a bone density scan the physician ordered for a month's time (its window is open
    from today), before the program's one at 12 months."""
    note = "New back pain: scan before the 12-month one"
    physician = recorder(patient, "physician")
    items.append(
        _added(patient, episode, Kind.BONE_DENSITY, today + timedelta(days=30), note, physician)
    )


def _review_not_held(
    patient: Patient,
    episode: Episode,
    items: list[ScheduleItem],
    recorder: Recorder,
    today: date,
    now: datetime,
) -> None:
    """Missed: the latest monthly review whose window has closed was not held."""
    closed = [i for i in items if i.kind == Kind.TEAM_REVIEW and i.closes_on < today]
    if closed:
        closed[-1].held_on, closed[-1].held_by = None, None


def _check_up_cancelled(
    patient: Patient,
    episode: Episode,
    items: list[ScheduleItem],
    recorder: Recorder,
    today: date,
    now: datetime,
) -> None:
    """Cancelled: the next check-up, while the patient visits family abroad."""
    coming = [i for i in items if i.kind == Kind.PSYCHOLOGICAL_CHECK_UP and i.opens_on > today]
    if coming:
        coming[0].cancelled_at, coming[0].cancel_reason = now, "Visiting family abroad"
        coming[0].changed_by, coming[0].changed_at = recorder(patient, "nurse"), now


CHANGES: tuple[Change, ...] = (_extra_review, _scan_ordered, _review_not_held, _check_up_cancelled)
