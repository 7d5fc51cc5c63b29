"""Which reminders go now: the rule every reminder passes before it is sent. Pure Python, no
Django.

LOCAL PROGRAM CHOICES (issue #5 §5), not from the clinical reference:
- a reminder is sent only when there is something to do, and each one (its key) at most once;
- nothing is sent in the recipient's quiet hours (a window may cross midnight: 21:00-08:00);
  equal start and end mean no quiet hours at all;
- at most `max_per_day` reminders a day (1-5, chosen by the recipient; 2 unless they choose);
- the most urgent first: a remote follow-up (a call cannot be made up afterwards), then
  today's exercise session, then home-safety actions, lessons and questionnaires; within a
  kind, the one due earliest first.

A reminder's words never carry clinical detail (no diagnosis, score or band): they say there is
something to do and link to it, behind login.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

MAX_PER_DAY_RANGE = (1, 5)
DEFAULT_MAX_PER_DAY = 2
DEFAULT_QUIET = (time(21, 0), time(8, 0))


class Kind(StrEnum):
    FOLLOW_UP = "follow_up"
    SESSION = "session"
    HOME_SAFETY = "home_safety"
    LESSON = "lesson"
    QUESTIONNAIRE = "questionnaire"


# Most urgent first (see the module's docstring).
URGENCY = {kind: rank for rank, kind in enumerate(Kind)}


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    IN_APP = "in_app"


@dataclass(frozen=True)
class Due:
    """Something one user has to do, as a reminder would say it. `key` names the reminder: the
    same key is never sent to the same user twice. `due_at` orders reminders of one kind (the
    sources give aware datetimes; all of one call must be alike)."""

    key: str
    kind: Kind
    recipient_id: int  # the user to remind
    text_en: str
    text_zh: str
    url: str  # the page where it is done, a path behind login
    due_at: datetime

    def text(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") else self.text_en


@dataclass(frozen=True)
class Preference:
    """How and when a user wants reminders; the times are local wall-clock times."""

    channels: frozenset[Channel] = frozenset({Channel.EMAIL, Channel.IN_APP})
    quiet_start: time = DEFAULT_QUIET[0]
    quiet_end: time = DEFAULT_QUIET[1]
    max_per_day: int = DEFAULT_MAX_PER_DAY

    def __post_init__(self) -> None:
        low, high = MAX_PER_DAY_RANGE
        if not low <= self.max_per_day <= high:
            raise ValueError(f"max_per_day must be between {low} and {high}")


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Whether the wall-clock time lies in the quiet window [start, end), which crosses midnight
    when it ends before it starts. Equal start and end: no quiet hours."""
    moment = moment.replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def urgency(due: Due) -> tuple[int, datetime, str]:
    return (URGENCY[due.kind], due.due_at, due.key)


def to_send(
    due_items: Iterable[Due],
    preference: Preference,
    now_local: datetime,
    sent_keys: Iterable[str],
    sent_today: int,
) -> list[Due]:
    """The reminders to send one user now, most urgent first: none already sent (by key), none
    in quiet hours, none on no channel, and no more than the day's allowance left after the
    `sent_today` already sent. A key due twice is one reminder."""
    if not preference.channels or in_quiet_hours(
        now_local.time(), preference.quiet_start, preference.quiet_end
    ):
        return []
    left = preference.max_per_day - sent_today
    if left <= 0:
        return []
    sent = set(sent_keys)
    fresh: dict[str, Due] = {}
    for due in sorted(due_items, key=urgency):
        if due.key not in sent:
            fresh.setdefault(due.key, due)
    return list(fresh.values())[:left]
