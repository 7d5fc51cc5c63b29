"""Where a patient's message goes, the words of the follow-up note, and how an appointment's day
and a thread's unread messages are counted.

Pure Python, no Django. Nothing here comes from the clinical reference: the routing table and
the two scales of the follow-up note are LOCAL PROGRAM CHOICES, written for clinical review.

- Routing: the patient picks a topic in plain words and the thread goes to the clinical role
  whose remit it is (the roles as `osteorehab.accounts.domain.Role` describes them): exercise to
  the rehabilitation therapist, feelings and worries to the psychological counsellor, medicines
  and medical questions to the physician, appointments and anything else to the nurse, who runs
  the daily management of the program. Every care-team member can read every thread; the routed
  role is the one told of a new message.
- Adherence: the program's own five-word scale for the exercise sessions done against those
  planned since the last contact, *as the patient tells it* ("all", "most", "some", "few",
  "none"). It is not a validated adherence measure; the logbook counts sessions where it is kept.
- Mood: the program's own five-word scale of how the patient says they feel ("very good" to
  "very low"). It is not a screening instrument: low mood is measured with the PHQ-9
  (`osteorehab.assessments`), which a "low" or "very low" answer should prompt.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from osteorehab.accounts.domain import Role
from osteorehab.assessments.instruments.base import gettext_noop


class Topic(StrEnum):
    EXERCISE = "exercise"
    FEELINGS = "feelings"
    MEDICAL = "medical"
    OTHER = "other"  # appointments and anything else


@dataclass(frozen=True)
class Route:
    """A topic as the patient reads it, and the role its messages go to, with why."""

    topic: Topic
    label: str  # the patient's words, on the big button (gettext_noop)
    hint: str  # a line under the button: what belongs here
    role: Role
    reason: str


ROUTES = (
    Route(
        Topic.EXERCISE,
        gettext_noop("My exercises"),
        gettext_noop("How to do them, pain or trouble while exercising, how much to do."),
        Role.THERAPIST,
        gettext_noop("Exercise questions go to the rehabilitation therapist, who sets the plan."),
    ),
    Route(
        Topic.FEELINGS,
        gettext_noop("My feelings and worries"),
        gettext_noop("Fear of falling, low mood, stress, sleep, anything on your mind."),
        Role.COUNSELLOR,
        gettext_noop("Feelings and worries go to the psychological counsellor."),
    ),
    Route(
        Topic.MEDICAL,
        gettext_noop("My medicines or health"),
        gettext_noop("Medicines, side effects, a fall, new pain, other health questions."),
        Role.PHYSICIAN,
        gettext_noop(
            "Medicines and medical questions go to the physician, who answers for medical safety."
        ),
    ),
    Route(
        Topic.OTHER,
        gettext_noop("Appointments or something else"),
        gettext_noop("Changing an appointment, the program, anything not listed above."),
        Role.NURSE,
        gettext_noop("Appointments and other questions go to the nurse, who runs the day to day."),
    ),
)
ROUTE_OF = {route.topic: route for route in ROUTES}


def route(topic: str) -> Route:
    """The route of a topic; an unknown topic is refused, never sent to a default role."""
    try:
        return ROUTE_OF[Topic(topic)]
    except ValueError:
        raise ValueError(f"unknown topic {topic!r}") from None


class Adherence(StrEnum):
    """Exercise sessions done against those planned, as the patient tells it (program's own)."""

    ALL = "all"
    MOST = "most"
    SOME = "some"
    FEW = "few"
    NONE = "none"


class Mood(StrEnum):
    """How the patient says they feel (program's own scale, not a screening instrument)."""

    VERY_GOOD = "very_good"
    GOOD = "good"
    SO_SO = "so_so"
    LOW = "low"
    VERY_LOW = "very_low"


# The answers that should prompt a PHQ-9 if none is recent (see the module docstring).
LOW_MOODS = frozenset({Mood.LOW, Mood.VERY_LOW})


class DayWord(StrEnum):
    PAST = "past"
    TODAY = "today"
    TOMORROW = "tomorrow"
    IN_DAYS = "in_days"


@dataclass(frozen=True)
class Day:
    """When an appointment is, said as a person would: today, tomorrow, in 5 days."""

    word: DayWord
    days: int  # days from today (negative for a past day)


def day_words(day: date, *, today: date) -> Day:
    days = (day - today).days
    if days < 0:
        return Day(DayWord.PAST, days)
    if days == 0:
        return Day(DayWord.TODAY, 0)
    if days == 1:
        return Day(DayWord.TOMORROW, 1)
    return Day(DayWord.IN_DAYS, days)


def https_only(link: str) -> str:
    """The link if it is an https:// address, else "": only these are shown as links, so a
    mistyped or unsafe scheme (javascript:, http:) never becomes something to tap."""
    return link if link.startswith("https://") and len(link) > len("https://") else ""


def unread(message_ids_by_others: Iterable[int], read_upto: int | None) -> int:
    """How many of the other people's messages in a thread a user has not read: those after
    the last message they read (message ids rise with time; timestamps can tie)."""
    return sum(1 for pk in message_ids_by_others if read_upto is None or pk > read_upto)
