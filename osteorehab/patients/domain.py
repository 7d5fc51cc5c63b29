"""Registry rules: the program episode's life cycle, checks on identity and history dates, and
adherence to anti-osteoporosis medicines as proportion of days covered (PDC).

Pure rules, no Django; dates are passed in (no clock here).
"""

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction


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


# --- Anti-osteoporosis medication adherence: proportion of days covered (clinical-reference 5) ---

# clinical-reference 5: PDC >= 0.80 is adherent; a binary cliff (79 % is non-adherent).
ADHERENT_PDC = Fraction(80, 100)
# clinical-reference 5: for long-interval osteoporosis drugs, days' supply is expressed in
# covered days: a weekly dose covers 7 days, a monthly dose 30, a 6-monthly dose 182 and a
# yearly dose 365.
COVERED_DAYS_PER_DOSE = {"weekly": 7, "monthly": 30, "6-monthly": 182, "yearly": 365}
# clinical-reference 5 names the interval of two medicines only: denosumab is 6-monthly and
# zoledronate yearly, one dose per fill. It does not say which oral bisphosphonate is weekly
# or monthly nor how many doses a pack holds, so no other medicine is prefilled.
USUAL_DAYS_SUPPLY: dict[str, int] = {
    "denosumab": COVERED_DAYS_PER_DOSE["6-monthly"],
    "zoledronate": COVERED_DAYS_PER_DOSE["yearly"],
}
# clinical-reference 5: the PQA measure needs at least 2 fills on different dates.
PQA_MINIMUM_FILL_DATES = 2
# The programme's monitoring window (clinical-reference 5: "define the window explicitly"):
# the last 365 days up to the day measured, or from the first fill if that is later.
MONITORING_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Fill:
    """One dispensing of a medicine: the day it was handed over and the days it covers."""

    dispensed_on: date
    days_supply: int


@dataclass(frozen=True)
class Adherence:
    """The proportion of days covered over `start`..`end` (both days included).

    `pdc` is the ratio rounded down to 3 decimals (0.1 %), so it never reads 80 % for a
    patient below the threshold; `adherent` is judged on the exact ratio.
    """

    start: date
    end: date
    covered_days: int
    period_days: int
    pdc: float
    adherent: bool
    measurable: bool  # enough fill dates for the PQA measure
    reason: str

    @property
    def percent(self) -> float:
        """The PDC as a percentage with one decimal, rounded down like `pdc`."""
        return self.covered_days * 1000 // self.period_days / 10


def covered_intervals(fills: Iterable[Fill]) -> list[tuple[date, date]]:
    """The days each fill covers, first to last day, with overlaps shifted forward.

    clinical-reference 5: overlapping fills of the same drug are shifted forward: a refill
    starts the day after the previous supply ends, so each calendar day counts at most once
    and carried-over supply is used up later rather than lost.
    """
    intervals: list[tuple[date, date]] = []
    supply_ends: date | None = None
    for fill in sorted(fills, key=lambda f: (f.dispensed_on, f.days_supply)):
        if fill.days_supply < 1:
            raise ValueError(f"a fill covers at least one day, not {fill.days_supply}")
        begins = fill.dispensed_on
        if supply_ends is not None and begins <= supply_ends:
            begins = supply_ends + timedelta(days=1)
        supply_ends = begins + timedelta(days=fill.days_supply - 1)
        intervals.append((begins, supply_ends))
    return intervals


def pdc(fills: Iterable[Fill], *, start: date, end: date) -> Adherence:
    """Proportion of days covered from `start` to `end`, both included (clinical-reference 5).

    PDC = days in the period with the drug on hand / days in the period. Overlaps are shifted
    forward; a fill dispensed before `start` counts only for its days inside the period; supply
    beyond `end` is ignored; PDC >= 0.80 is adherent.
    """
    if end < start:
        raise ValueError("the period ends before it starts")
    fills = list(fills)
    period_days = (end - start).days + 1
    covered_days = 0
    for first, last in covered_intervals(fills):
        first, last = max(first, start), min(last, end)
        if first <= last:
            covered_days += (last - first).days + 1
    ratio = Fraction(covered_days, period_days)
    adherent = ratio >= ADHERENT_PDC
    fill_dates = {fill.dispensed_on for fill in fills if fill.dispensed_on <= end}
    verdict = "adherent (>= 0.80)" if adherent else "not adherent (< 0.80)"
    return Adherence(
        start=start,
        end=end,
        covered_days=covered_days,
        period_days=period_days,
        pdc=covered_days * 1000 // period_days / 1000,
        adherent=adherent,
        measurable=len(fill_dates) >= PQA_MINIMUM_FILL_DATES,
        reason=(
            f"PDC {covered_days}/{period_days} days covered from {start} to {end}: {verdict}; "
            "overlapping fills shifted forward, supply beyond the period end ignored "
            "(clinical-reference 5)"
        ),
    )


def monitoring_window(fill_dates: Iterable[date], *, until: date) -> tuple[date, date] | None:
    """The programme's window for a medicine's PDC: the last 365 days up to `until`, or from
    the first fill if that is later; None when no fill was dispensed by `until`.

    clinical-reference 5 asks for the window to be defined explicitly; measuring from the first
    fill follows its index-prescription start.
    """
    dispensed = [day for day in fill_dates if day <= until]
    if not dispensed:
        return None
    return max(until - timedelta(days=MONITORING_WINDOW_DAYS - 1), min(dispensed)), until


# A family member's joining code: what the patient reads out or texts instead of sending the
# invitation link. LOCAL PROGRAM CHOICES (no clinical source): 8 characters from 31 that are not
# mistaken for one another when read aloud or copied by hand (no 0/O, 1/I/L), so 31**8, about
# 8.5e11 codes (39.6 bits); valid for 7 days and once only. Wrong tries are limited at the join
# page (osteorehab.family.views), which is what makes 39.6 bits enough.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8
JOIN_CODE_VALID_DAYS = 7
_JOIN_CODE_SEPARATORS = frozenset(" \t-_.\u2010\u2011\u2012\u2013\u2014")


def new_join_code(choose: Callable[[str], str]) -> str:
    """A code drawn with `choose` (the caller passes `secrets.choice`)."""
    return "".join(choose(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def join_code_shown(code: str) -> str:
    """ABCD-EFGH: two groups of four are easier to read out and to type."""
    return f"{code[:4]}-{code[4:]}"


def join_code_typed(text: str) -> str | None:
    """The code as typed, in capitals and without spaces or dashes (full-width characters from a
    Chinese keyboard count as their plain forms); None when it cannot be a code."""
    plain = unicodedata.normalize("NFKC", text).upper()
    code = "".join(ch for ch in plain if ch not in _JOIN_CODE_SEPARATORS)
    if len(code) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in code):
        return None
    return code
