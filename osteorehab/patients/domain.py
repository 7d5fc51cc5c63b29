"""Registry rules: the program episode's life cycle, and checks on identity and history dates.

Pure rules, no Django; dates are passed in (no clock here).
"""

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class EpisodeStatus(StrEnum):
    REFERRED = "referred"
    ASSESSMENT = "assessment"
    ACTIVE = "active"
    MAINTENANCE = "maintenance"
    DISCHARGED = "discharged"
    WITHDRAWN = "withdrawn"


# The program's path is referred -> assessment -> active -> maintenance -> discharged (issue #2).
# Withdrawal is possible from any open status; a patient in maintenance who slips back returns
# to active; discharge is possible from active as well as from maintenance.
TRANSITIONS: dict[EpisodeStatus, frozenset[EpisodeStatus]] = {
    EpisodeStatus.REFERRED: frozenset({EpisodeStatus.ASSESSMENT, EpisodeStatus.WITHDRAWN}),
    EpisodeStatus.ASSESSMENT: frozenset({EpisodeStatus.ACTIVE, EpisodeStatus.WITHDRAWN}),
    EpisodeStatus.ACTIVE: frozenset(
        {EpisodeStatus.MAINTENANCE, EpisodeStatus.DISCHARGED, EpisodeStatus.WITHDRAWN}
    ),
    EpisodeStatus.MAINTENANCE: frozenset(
        {EpisodeStatus.ACTIVE, EpisodeStatus.DISCHARGED, EpisodeStatus.WITHDRAWN}
    ),
    EpisodeStatus.DISCHARGED: frozenset(),
    EpisodeStatus.WITHDRAWN: frozenset(),
}
CLOSED = frozenset(status for status, onward in TRANSITIONS.items() if not onward)
OPEN = frozenset(EpisodeStatus) - CLOSED
# Beyond referral the program works with the patient, which needs their consent to it.
NEEDS_PROGRAM_CONSENT = frozenset({EpisodeStatus.ASSESSMENT, EpisodeStatus.ACTIVE})


@dataclass(frozen=True)
class Refusal:
    """Why something cannot be done: a message key and the field it concerns."""

    field: str
    code: str


def transition_refusal(
    current: EpisodeStatus,
    target: EpisodeStatus,
    *,
    reason: str,
    on: date,
    last_change_on: date,
    today: date,
    has_program_consent: bool,
) -> Refusal | None:
    """None when the episode may move from `current` to `target` on `on`; else why not."""
    if target not in TRANSITIONS[current]:
        return Refusal("status", "transition_not_allowed")
    if target is EpisodeStatus.WITHDRAWN and not reason.strip():
        return Refusal("reason", "withdrawal_needs_reason")
    if on > today:
        return Refusal("on", "date_in_future")
    if on < last_change_on:
        return Refusal("on", "before_last_change")
    if target in NEEDS_PROGRAM_CONSENT and not has_program_consent:
        return Refusal("status", "needs_program_consent")
    return None


def normalise_name(name: str) -> str:
    """A name as stored: Unicode NFC, surrounding and repeated white space removed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def duplicate_key(family_name: str, given_name: str, date_of_birth: date) -> tuple[str, str, date]:
    """What makes two registrations the same person for the duplicate warning: the names
    compared without case or spacing differences, and the date of birth."""
    return (
        normalise_name(family_name).casefold(),
        normalise_name(given_name).casefold(),
        date_of_birth,
    )


def event_date_refusal(
    happened_on: date | None, *, date_of_birth: date, today: date, field: str
) -> Refusal | None:
    """An event in a patient's history (a fracture, a diagnosis) can't precede birth or be
    in the future."""
    if happened_on is None:
        return None
    if happened_on > today:
        return Refusal(field, "date_in_future")
    if happened_on < date_of_birth:
        return Refusal(field, "before_birth")
    return None


def birth_date_refusal(date_of_birth: date, *, today: date) -> Refusal | None:
    if date_of_birth > today:
        return Refusal("date_of_birth", "date_in_future")
    # Nobody alive is older than this; a four-digit-year typo (1883 for 1938) is caught here.
    if today.year - date_of_birth.year > 120:
        return Refusal("date_of_birth", "implausibly_old")
    return None


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years of age on `day` (someone born on 29 February turns a year older on
    1 March in other years)."""
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def display_name(family_name: str, given_name: str) -> str:
    """Chinese names read family name first, without a space; others given name first."""
    if any(_is_cjk(ch) for ch in family_name + given_name):
        return f"{family_name}{given_name}"
    return f"{given_name} {family_name}".strip()


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
