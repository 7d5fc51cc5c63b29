"""The program's follow-up schedule: what is due when, each item's window, and its status on a day.

Source of the cadence: the program's own description (issue #6 §1): a bi-weekly psychological
check-up and motor endurance test, a monthly team review, a full reassessment at 3, 6 and 12
months and bone density at 12 months (or when the physician orders it). The instruments of each
item are the assessments' batteries (`osteorehab.assessments.domain`).

The clinical reference gives one visit pattern only, the Otago Exercise Programme's (home visits
at weeks 1, 2, 4 and 8, a booster at about 6 months, monthly phone calls for a year;
clinical-reference 4.3). It gives no windows for any of these items. Everything below that is
not the program's cadence is a LOCAL PROGRAM CHOICE, labelled where it is made:
- the schedule runs for the program's first year, anchored on the day the program episode became
  active (a year of monthly contact, as Otago's monthly calls for a year, 4.3);
- "monthly" and "at N months" are calendar months from that day (the 31st becomes the month's
  last day); "bi-weekly" is every 14 days;
- each kind's window (`WINDOWS`): wide enough to arrange the visit, narrow enough that two
  consecutive items of one kind never share a day, so one assessment never counts for two;
- an item is done when every instrument it needs has a valid assessment administered inside its
  window (whoever recorded it); a team review is done when staff mark it held;
- a missed item is not done again on its own: staff move it to a new date or cancel it, saying why.

Pure Python, no Django; the day is passed in.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from osteorehab.assessments.domain import BASELINE_BATTERY, FOLLOW_UP_BATTERY


class Kind(StrEnum):
    PSYCHOLOGICAL_CHECK_UP = "psychological_check_up"
    MOTOR_ENDURANCE_TEST = "motor_endurance_test"
    TEAM_REVIEW = "team_review"
    REASSESSMENT = "reassessment"
    BONE_DENSITY = "bone_density"


KIND_ORDER = {kind: rank for rank, kind in enumerate(Kind)}  # within a day, in the order above


class Status(StrEnum):
    UPCOMING = "upcoming"  # its window has not opened
    DUE = "due"  # the window is open and the due date not passed
    OVERDUE = "overdue"  # past the due date, the window still open
    MISSED = "missed"  # the window closed before it was done
    DONE = "done"
    CANCELLED = "cancelled"  # by staff, with a reason, or by the end of the program episode


# What the caseload lists, most urgent first: what can still be done before its window closes,
# then what is due, then what was missed and waits for a decision (move it or cancel it).
ATTENTION = (Status.OVERDUE, Status.DUE, Status.MISSED)
# The order a status can follow another as days pass (DONE and CANCELLED can come at any time).
TIMELINE = (Status.UPCOMING, Status.DUE, Status.OVERDUE, Status.MISSED)

# The DXA and FRAX (taken with femoral-neck BMD, clinical-reference 3.4) go with the bone density
# item; repeating a DXA at 3 and 6 months is not what the program asks (bone density at 12
# months or as the physician orders), so the full reassessment leaves them out.
BONE_DENSITY_INSTRUMENTS = ("bone_density", "frax")

# The instrument codes an item needs to be done; none for a team review, which staff mark held.
NEEDS: Mapping[Kind, tuple[str, ...]] = {
    Kind.PSYCHOLOGICAL_CHECK_UP: FOLLOW_UP_BATTERY["psychological_check_up"],
    Kind.MOTOR_ENDURANCE_TEST: FOLLOW_UP_BATTERY["motor_endurance_test"],
    Kind.TEAM_REVIEW: (),
    Kind.REASSESSMENT: tuple(
        code
        for codes in BASELINE_BATTERY.values()
        for code in codes
        if code not in BONE_DENSITY_INSTRUMENTS
    ),
    Kind.BONE_DENSITY: BONE_DENSITY_INSTRUMENTS,
}
MARKED_HELD = frozenset(kind for kind, needs in NEEDS.items() if not needs)


@dataclass(frozen=True)
class Window:
    """Days before and after the due date during which an item can be done."""

    before_days: int
    after_days: int

    def around(self, due_on: date) -> tuple[date, date]:
        return due_on - timedelta(days=self.before_days), due_on + timedelta(days=self.after_days)


# LOCAL PROGRAM CHOICES (the reference gives no windows, see the module's docstring).
WINDOWS: Mapping[Kind, Window] = {
    # 8 days in a 14-day cycle: from the weekend before to the end of the week after. PHQ-9 and
    # GAD-7 ask about the last 2 weeks (clinical-reference 1.1, 1.2), so a bi-weekly check-up
    # done inside its window leaves no fortnight unasked.
    Kind.PSYCHOLOGICAL_CHECK_UP: Window(3, 4),
    Kind.MOTOR_ENDURANCE_TEST: Window(3, 4),
    # A week either side: the team meets weekly and reviews each patient at one meeting a month.
    Kind.TEAM_REVIEW: Window(7, 7),
    # Two weeks either side: four roles' tests take more than one visit to arrange.
    Kind.REASSESSMENT: Window(14, 14),
    # A month before to two months after: a DXA appointment waits weeks, and a late scan is
    # still worth having, unlike a late fortnightly check-up.
    Kind.BONE_DENSITY: Window(30, 60),
}

EVERY_TWO_WEEKS = timedelta(days=14)  # the program's "bi-weekly" (issue #6)
PROGRAM_MONTHS = 12  # LOCAL PROGRAM CHOICE: the schedule covers the program's first year
REASSESSMENT_MONTHS = (3, 6, 12)  # the program's full reassessments (issue #6)
BONE_DENSITY_MONTHS = 12  # the program's bone density (issue #6)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later; the month's last day where it is shorter
    (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Item:
    """One item of a schedule. `held_on` is the day staff marked a team review held; `ended_on`
    the day the program episode ended (discharged or withdrawn), if it has."""

    kind: Kind
    due_on: date
    opens_on: date
    closes_on: date
    cancelled: bool = False
    held_on: date | None = None
    ended_on: date | None = None

    def __post_init__(self) -> None:
        if not self.opens_on <= self.due_on <= self.closes_on:
            raise ValueError("an item's window must hold its due date: opens <= due <= closes")
        if self.held_on is not None and self.kind not in MARKED_HELD:
            raise ValueError(
                f"only a {Kind.TEAM_REVIEW} is marked held; {self.kind} is done by data"
            )


def planned(kind: Kind, due_on: date) -> Item:
    """An item due on `due_on` with its kind's window."""
    opens_on, closes_on = WINDOWS[kind].around(due_on)
    return Item(kind, due_on, opens_on, closes_on)


def moved(item: Item, due_on: date) -> Item:
    """The item due on another day, its window moved with it (the same days before and after)."""
    shift = due_on - item.due_on
    return replace(
        item, due_on=due_on, opens_on=item.opens_on + shift, closes_on=item.closes_on + shift
    )


def program_schedule(start: date) -> tuple[Item, ...]:
    """The program's schedule for an episode that became active on `start`, in date order: the
    bi-weekly check-up and motor endurance test, the monthly team review, the full reassessment
    at 3, 6 and 12 months and bone density at 12 months, through the program's first year."""
    end = add_months(start, PROGRAM_MONTHS)
    items = []
    day = start + EVERY_TWO_WEEKS
    while day <= end:
        items += [
            planned(Kind.PSYCHOLOGICAL_CHECK_UP, day),
            planned(Kind.MOTOR_ENDURANCE_TEST, day),
        ]
        day += EVERY_TWO_WEEKS
    items += [planned(Kind.TEAM_REVIEW, add_months(start, m)) for m in range(1, PROGRAM_MONTHS + 1)]
    items += [planned(Kind.REASSESSMENT, add_months(start, m)) for m in REASSESSMENT_MONTHS]
    items.append(planned(Kind.BONE_DENSITY, add_months(start, BONE_DENSITY_MONTHS)))
    return tuple(sorted(items, key=lambda item: (item.due_on, KIND_ORDER[item.kind])))


# The days each instrument was administered (valid assessments only), by instrument code.
Administered = Mapping[str, Iterable[date]]


def _first_inside(item: Item, days: Iterable[date], today: date) -> date | None:
    last = min(item.closes_on, today)
    return min((day for day in days if item.opens_on <= day <= last), default=None)


def done_on(item: Item, administered: Administered, *, today: date) -> date | None:
    """The day the item was done, by `today`: for a team review the day it was held; otherwise
    the day the last of its instruments was first administered inside the window. None if not
    done (yet)."""
    if item.kind in MARKED_HELD:
        return item.held_on if item.held_on is not None and item.held_on <= today else None
    days = [_first_inside(item, administered.get(code, ()), today) for code in NEEDS[item.kind]]
    return None if None in days else max(day for day in days if day is not None)


def pending(item: Item, administered: Administered, *, today: date) -> tuple[str, ...]:
    """The instruments the item still needs: those not administered inside its window by today."""
    return tuple(
        code
        for code in NEEDS[item.kind]
        if _first_inside(item, administered.get(code, ()), today) is None
    )


def item_status(item: Item, administered: Administered, *, today: date) -> Status:
    """Where the item stands on `today`, given the days its instruments were administered.

    A cancelled item is cancelled, whatever was done; a done item is done from the day it was,
    even if its window has closed since. An item not done when its program episode ended is
    cancelled from that day, unless its window had already closed (then it was missed)."""
    if item.cancelled:
        return Status.CANCELLED
    if done_on(item, administered, today=today) is not None:
        return Status.DONE
    if item.ended_on is not None and item.ended_on <= today and item.closes_on >= item.ended_on:
        return Status.CANCELLED
    if today < item.opens_on:
        return Status.UPCOMING
    if today <= item.due_on:
        return Status.DUE
    if today <= item.closes_on:
        return Status.OVERDUE
    return Status.MISSED


def urgency(status: Status, item: Item) -> tuple[int, int, int]:
    """The caseload's order: overdue first, the window closing soonest at the top; then due, the
    earliest due first; then missed, the most recently missed first; then everything else."""
    rank = ATTENTION.index(status) if status in ATTENTION else len(ATTENTION)
    if status is Status.OVERDUE:
        return (rank, item.closes_on.toordinal(), item.due_on.toordinal())
    if status is Status.MISSED:
        return (rank, -item.closes_on.toordinal(), KIND_ORDER[item.kind])
    return (rank, item.due_on.toordinal(), KIND_ORDER[item.kind])
