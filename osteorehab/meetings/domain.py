"""Why a patient needs the care team's discussion, and the order of a case meeting's agenda: from
plain facts to a list of needs, each with the reason the team reads. Pure Python, no Django.

Sources (clinical-reference):
- A measure worsens when it moves the wrong way (its instrument's `better`) by at least the
  instrument's minimal clinically important difference, with that MCID's own source: PHQ-9
  5 points (Löwe 2004, 1.1), GAD-7 about 4 (from memory, unverified, 1.2).
- Where an instrument has no MCID it worsens when it crosses into a worse band of its own
  banding: the Short FES-I and FES-I concern bands (Delbaere 2010, 1.9), or below the norm a
  measurement is compared with (the STEADI chair-stand norm for age and sex, 2.2).
- A measure with neither (the 0-10 confidence rating, a local rating; the two-minute walk, for
  which 2.9 gives no cut-off) is not judged: where the reference gives no threshold, none is
  invented.

LOCAL PROGRAM CHOICES, not from the reference:
- STALLED_CHECK_UPS: a measure has stalled when none of its last 3 check-ups improved on the
  reading before them (by the same yardstick as worsening) while it is still outside its best
  band (still above the lowest band, or still below the norm).
- LOW_ADHERENCE_BELOW over ADHERENCE_DAYS: exercising in fewer than half of the sessions the
  plan asked for over the last two weeks (the example of issue #6).
- FIRST_LOOKBACK_DAYS: a care team's first meeting looks back 28 days, the monthly team review
  of the follow-up schedule (issue #6 §1); later meetings look back to the last one held.
- What is news and what is a state: falls, and measures whose latest reading was taken since the
  last meeting, are news; an urgent open alert, a pending proposal, an overdue follow-up and low
  adherence count as they stand on the day the agenda is built.
- The order of the agenda (`agenda`): urgent first, then by the most pressing kind of need
  (KIND_ORDER), then the most needs, then by name.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Any

from osteorehab.assessments.instruments.base import (
    FLAG_LABELS,
    Better,
    Instrument,
    Reason,
    change_for_better,
    cited,
    gettext_noop,
    plain,
)
from osteorehab.logbook.domain import Adherence

STALLED_CHECK_UPS = 3  # LOCAL PROGRAM CHOICE (module docstring)
LOW_ADHERENCE_BELOW = Fraction(1, 2)  # LOCAL PROGRAM CHOICE: under half the planned sessions
ADHERENCE_DAYS = 14  # LOCAL PROGRAM CHOICE: over the last two weeks
FIRST_LOOKBACK_DAYS = 28  # LOCAL PROGRAM CHOICE: the monthly team review
# The measures the agenda watches and the meeting's summary charts (issue #6 §4): confidence,
# anxiety, depression, fear of falling (either form of the FES-I), chair stands.
MEASURES = ("confidence", "gad7", "phq9", "short_fes_i", "fes_i", "chair_stand_30s")


class NeedKind(StrEnum):
    URGENT_ALERT = "urgent_alert"
    FALL = "fall"
    WORSENING = "worsening"
    PROPOSAL = "proposal"
    OVERDUE = "overdue"
    ADHERENCE = "adherence"
    STALLED = "stalled"


# The most pressing first: the agenda's order after urgency (LOCAL PROGRAM CHOICE).
KIND_ORDER = tuple(NeedKind)
KIND_WORDS = {
    NeedKind.URGENT_ALERT: gettext_noop("Urgent alert"),
    NeedKind.FALL: gettext_noop("Fall"),
    NeedKind.WORSENING: gettext_noop("Worse"),
    NeedKind.PROPOSAL: gettext_noop("Proposal waiting"),
    NeedKind.OVERDUE: gettext_noop("Follow-up overdue"),
    NeedKind.ADHERENCE: gettext_noop("Low adherence"),
    NeedKind.STALLED: gettext_noop("No progress"),
}


@dataclass(frozen=True)
class Need:
    """One reason to discuss a patient, in words the team reads (and the audit trail keeps)."""

    kind: NeedKind
    reason: Reason
    urgent: bool = False

    @property
    def words(self) -> str:
        """The kind of need in words, untranslated."""
        return KIND_WORDS[self.kind]

    def stored(self) -> dict[str, Any]:
        """As an agenda item keeps it: the reason's template and values, shown later in the
        reader's language."""
        return {"kind": self.kind.value, "urgent": self.urgent, "reason": self.reason.stored()}

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> "Need":
        return cls(NeedKind(stored["kind"]), Reason.from_stored(stored["reason"]), stored["urgent"])


def facts_since(last_meeting: date | None, today: date) -> date:
    """The first day whose news counts: the day of the care team's last meeting held, or for a
    first meeting FIRST_LOOKBACK_DAYS back."""
    return last_meeting if last_meeting is not None else today - timedelta(FIRST_LOOKBACK_DAYS)


# ---- Alerts ----


@dataclass(frozen=True)
class OpenAlert:
    what: str  # the alert's words, untranslated
    raised_on: date
    urgent: bool


def alert_needs(alerts: Iterable[OpenAlert]) -> list[Need]:
    """Each urgent alert nobody has acknowledged yet."""
    return [
        Need(
            NeedKind.URGENT_ALERT,
            Reason(
                "urgent alert, open since {day}: {what}", day=a.raised_on.isoformat(), what=a.what
            ),
            urgent=True,
        )
        for a in sorted(alerts, key=lambda a: (a.raised_on, a.what))
        if a.urgent
    ]


# ---- Falls ----


@dataclass(frozen=True)
class Fall:
    day: date
    injury: bool = False
    reported: bool = True  # a fall report; False: a fall noted in a daily check-in


def fall_needs(falls: Iterable[Fall], *, since: date) -> list[Need]:
    """Falls since the last meeting: the fall reports (with how many injured) and the check-ins
    that noted a fall, as one need."""
    recent = sorted((f for f in falls if f.day >= since), key=lambda f: f.day)
    if not recent:
        return []
    reports = [f for f in recent if f.reported]
    noted = [f for f in recent if not f.reported]
    parts = []
    if reports:
        parts.append(
            Reason(
                "{count} fall report(s) since {since}, the latest on {day}, {injured} with injury",
                count=len(reports),
                since=since.isoformat(),
                day=reports[-1].day.isoformat(),
                injured=sum(f.injury for f in reports),
            )
        )
    if noted:
        parts.append(
            Reason(
                "a fall noted in {count} daily check-in(s) since {since}",
                count=len(noted),
                since=since.isoformat(),
            )
        )
    return [Need(NeedKind.FALL, Reason.joined(parts))]


# ---- Measures ----


@dataclass(frozen=True)
class Reading:
    """One valid result of an instrument: its total, the primary band's code, its flags, and
    whether it was the baseline."""

    day: date
    total: float
    band: str = ""
    flags: tuple[str, ...] = ()
    baseline: bool = False


def _band_rank(instrument: Instrument, reading: Reading) -> int | None:
    """Where the reading's band lies in the instrument's primary banding, whose bands run from
    the lowest values to the highest; None without a fixed banding."""
    if not instrument.bandings:
        return None
    codes = [band.code for band in instrument.bandings[0].bands]
    return codes.index(reading.band) if reading.band in codes else None


def _worse_than(instrument: Instrument, before: Reading, after: Reading) -> Reason | None:
    """Why `after` is meaningfully worse than `before`, or None: by at least the MCID where the
    instrument has one; else into a worse band of its banding; else a flag it did not have (a
    measurement below its norm)."""
    if instrument.better is None:
        return None
    lower_is_better = instrument.better is Better.LOWER
    if instrument.mcid is not None and instrument.mcid_source is not None:
        worse_by = -change_for_better(instrument.better, before.total, after.total)
        if worse_by < instrument.mcid:
            return None
        return Reason(
            "{before:g} to {after:g}: worse by {change:g}, at least the minimal important "
            "change of {mcid:g} ({source})",
            before=plain(before.total),
            after=plain(after.total),
            change=plain(worse_by),
            mcid=instrument.mcid,
            source=cited(instrument.mcid_source),
        )
    was, now = _band_rank(instrument, before), _band_rank(instrument, after)
    if was is not None and now is not None:
        if (now > was) if lower_is_better else (now < was):
            return Reason(
                "{before:g} to {after:g}: from {was} to {now} ({source})",
                before=plain(before.total),
                after=plain(after.total),
                was=instrument.words(before.band) or before.band,
                now=instrument.words(after.band) or after.band,
                source=cited(instrument.bandings[0].source),
            )
        return None
    new = [flag for flag in after.flags if flag not in before.flags]
    if not instrument.bandings and new:
        return Reason(
            "{before:g} to {after:g}: now {flag} ({source})",
            before=plain(before.total),
            after=plain(after.total),
            flag=FLAG_LABELS[new[0]],
            source=cited(instrument.source),
        )
    return None


def _of_concern(instrument: Instrument, reading: Reading) -> str | None:
    """The words for a reading still outside its best band (above the lowest band of a scale
    where lower is better, below the top band where higher is), or still flagged; None."""
    rank = _band_rank(instrument, reading)
    if rank is not None:
        best = 0 if instrument.better is Better.LOWER else len(instrument.bandings[0].bands) - 1
        return None if rank == best else instrument.words(reading.band)
    return FLAG_LABELS[reading.flags[0]] if not instrument.bandings and reading.flags else None


def measure_needs(
    instrument: Instrument,
    readings: Sequence[Reading],
    *,
    since: date,
    check_ups: int = STALLED_CHECK_UPS,
) -> list[Need]:
    """A measure whose latest reading, taken since the last meeting, is worse than the previous
    reading or than the baseline; or that has stalled over the last `check_ups` readings."""
    ordered = sorted(readings, key=lambda r: r.day)
    if len(ordered) < 2 or instrument.better is None or ordered[-1].day < since:
        return []
    latest, previous = ordered[-1], ordered[-2]
    baseline = next((r for r in reversed(ordered[:-1]) if r.baseline), ordered[0])
    comparisons = (
        (
            previous,
            gettext_noop("{instrument} on {day}, since the previous reading on {then}: {why}"),
        ),
        (baseline, gettext_noop("{instrument} on {day}, since the baseline on {then}: {why}")),
    )
    for before, template in comparisons:
        why = _worse_than(instrument, before, latest)
        if why is not None:
            reason = Reason(
                template,
                instrument=instrument.name,
                day=latest.day.isoformat(),
                then=before.day.isoformat(),
                why=why,
            )
            return [Need(NeedKind.WORSENING, reason)]
    if len(ordered) <= check_ups:
        return []
    start, window = ordered[-check_ups - 1], ordered[-check_ups:]
    still = _of_concern(instrument, latest)
    if still is None or any(_worse_than(instrument, r, start) for r in window):
        return []
    return [
        Need(
            NeedKind.STALLED,
            Reason(
                "{instrument}: no improvement over the last {count} check-ups ({first:g}, then "
                "{values}), still {still}; {count} check-ups is a local program choice",
                instrument=instrument.name,
                count=check_ups,
                first=plain(start.total),
                values=", ".join(f"{plain(r.total):g}" for r in window),
                still=still,
            ),
        )
    ]


# ---- Adherence, follow-ups, proposals ----


def adherence_needs(adherence: Adherence, *, days: int = ADHERENCE_DAYS) -> list[Need]:
    """Exercising in fewer than half of the planned sessions over the period (nothing planned:
    nothing to say)."""
    exercised = adherence.done + adherence.partly
    if not adherence.planned or Fraction(exercised, adherence.planned) >= LOW_ADHERENCE_BELOW:
        return []
    return [
        Need(
            NeedKind.ADHERENCE,
            Reason(
                "exercised in {exercised} of {planned} planned sessions over the last {days} "
                "days: under half, a local program choice",
                exercised=exercised,
                planned=adherence.planned,
                days=days,
            ),
        )
    ]


@dataclass(frozen=True)
class Overdue:
    what: str  # the follow-up's words, untranslated
    due_on: date


def overdue_needs(items: Iterable[Overdue]) -> list[Need]:
    """Follow-ups whose window has passed without them being done, as one need."""
    found = sorted(items, key=lambda item: (item.due_on, item.what))
    if not found:
        return []
    return [
        Need(
            NeedKind.OVERDUE,
            Reason.joined(
                [
                    Reason("{what}, due {day}", what=item.what, day=item.due_on.isoformat())
                    for item in found
                ]
            ),
        )
    ]


@dataclass(frozen=True)
class Pending:
    what: str  # the proposal's words, untranslated (a Reason keeps its values)
    role: str  # the words for the role that decides, untranslated
    since: date
    urgent: bool = False


def proposal_needs(items: Iterable[Pending]) -> list[Need]:
    """Each proposal still waiting for the clinician who decides; an urgent one is urgent here
    too."""
    return [
        Need(
            NeedKind.PROPOSAL,
            Reason(
                "waiting since {day} for the {role}: {what}",
                day=item.since.isoformat(),
                role=item.role,
                what=item.what,
            ),
            urgent=item.urgent,
        )
        for item in sorted(items, key=lambda item: (item.since, str(item.what)))
    ]


# ---- The agenda ----


@dataclass(frozen=True)
class Entry:
    patient_id: int
    name: str
    needs: tuple[Need, ...]

    @property
    def urgent(self) -> bool:
        return any(need.urgent for need in self.needs)


def _need_key(need: Need) -> tuple[bool, int, str]:
    return (not need.urgent, KIND_ORDER.index(need.kind), str(need.reason))


def _entry_key(entry: Entry) -> tuple[bool, int, int, str, int]:
    return (
        not entry.urgent,
        min(KIND_ORDER.index(need.kind) for need in entry.needs),
        -len(entry.needs),
        entry.name,
        entry.patient_id,
    )


def merged(found: Iterable[Mapping[int, Iterable[Need]]]) -> dict[int, list[Need]]:
    """Each source's needs by patient id, gathered per patient."""
    needs: dict[int, list[Need]] = {}
    for by_patient in found:
        for patient_id, some in by_patient.items():
            needs.setdefault(patient_id, []).extend(some)
    return needs


def agenda(needs: Mapping[int, Iterable[Need]], names: Mapping[int, str]) -> list[Entry]:
    """The patients with at least one need, each need once, in the agenda's order (module
    docstring): the same facts give the same agenda whatever order they came in."""
    entries = []
    for patient_id, found in needs.items():
        ordered = tuple(sorted(set(found), key=_need_key))
        if ordered:
            entries.append(Entry(patient_id, names.get(patient_id, ""), ordered))
    return sorted(entries, key=_entry_key)
