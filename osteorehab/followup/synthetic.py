"""The synthetic program's follow-up schedules (`osteorehab.patients.synthetic`): each episode
that became active has the program's schedule from that day, as `services.schedule_create` makes
it; the monthly team reviews were held on their day, up to today and the episode's end, but for
one in twelve that the team did not get to (missed, or overdue while its window is open). The
check-ups and reassessments are done by the synthetic assessments, so their status comes from
the data, as in the clinic.
"""

import random
from collections.abc import Callable
from datetime import date, datetime
from functools import cache

from .domain import Kind, program_schedule

FIELDS = (
    "patient_id",
    "episode_id",
    "kind",
    "due_on",
    "opens_on",
    "closes_on",
    "held_on",
    "held_by_id",
    "created_at",
)
REVIEW_HELD = 11 / 12  # SYNTHETIC ASSUMPTION: the team gets to most monthly reviews


def schedule_rows(
    patient_id: int,
    episode_id: int,
    *,
    started: date,
    until: date,
    nurse_id: int,
    rng: random.Random,
    moment: Callable[[date, int], datetime],
) -> list[tuple]:
    """The schedule made the day the episode became active; reviews held up to `until` (today,
    or the episode's end)."""
    made = moment(started, 9)
    rows = []
    for item in _schedule(started):
        held = item.kind is Kind.TEAM_REVIEW and item.due_on <= until and rng.random() < REVIEW_HELD
        rows.append(
            (
                patient_id,
                episode_id,
                item.kind.value,
                item.due_on,
                item.opens_on,
                item.closes_on,
                item.due_on if held else None,
                nurse_id if held else None,
                made,
            )
        )
    return rows


# the same for every episode that became active on a day: made once for each day
_schedule = cache(program_schedule)
