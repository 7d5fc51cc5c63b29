"""The adjustment rules of the follow-up (issue #6 §2): declarative, versioned, cited rules read
a patient's recent data and each firing is a proposal — what to change, why (the data that fired
it, kept as evidence), the rule and its source — for the role that decides. Pure Python, no
Django.

Nothing here changes a plan: the clinician accepts, modifies or rejects a proposal
(`osteorehab.rules.services`). A rule's version goes up whenever its condition or its proposal
changes. A firing's fingerprint is its rule, version and evidence, so the same data never makes
a second proposal, and the order the records come in changes nothing.

Sources (clinical-reference):
- GAD-7 bands, moderate from 10 (Spitzer 2006), and its minimal important change of about 4
  points (Toussaint 2020: LOW, from memory, unverified) [1.2].
- PHQ-9 bands, moderate from 10 (Kroenke 2001), its minimal important change of 5 (Löwe 2004),
  and item 9 above 0 needing an immediate clinical risk assessment [1.1].
- Pain NRS: minimal important change about 2 points (Farrar 2001, numbers from memory,
  unverified) [1.13].
- Effort on the generic 0-10 scale: above 8 is above the aerobic target of 5-8 (Too Fit To
  Fracture) [1.12, 4.1].
- A fall with injury, or not getting up after it: severity indicators of the World Falls
  Guidelines 2022 (operationalisation LOW-MEDIUM) [3.6].
- Goal Attainment Scaling: level 0 is the expected outcome [1.11].
- A measure's bands and which way is better: each instrument's own, with its source.
- The exercise steps (one set fewer, the regression or an alternative, one set more) are the
  prescription's own (`osteorehab.plans.domain.propose`), with its sources.

LOCAL PROGRAM CHOICES, not from the reference (each named at its constant): how far back data
counts (LOOKBACK_DAYS) and what "recent" is (RECENT_DAYS); how many sessions are "several"
(SEVERAL_SESSIONS) and how many skipped for tiredness count (FATIGUE_SKIPS); what a rise of the
check-in tiredness rating is (FATIGUE_RISE, CHECK_INS_A_WEEK); low adherence as under half the
planned sessions over the last two complete weeks (the issue's example); which module the
"cognitive sessions" are; who decides each rule and who carries out each task.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Any

from osteorehab.accounts.domain import Role
from osteorehab.assessments.domain import Profile
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import (
    Band,
    Better,
    Instrument,
    Reason,
    change_for_better,
    cited,
    gettext_noop,
    plain,
)
from osteorehab.assessments.instruments.gad7 import GAD7
from osteorehab.assessments.instruments.phq9 import PHQ9
from osteorehab.assessments.instruments.ratings import EFFORT, PAIN_NRS
from osteorehab.logbook.domain import Adherence, SkipReason, session_of
from osteorehab.plans.domain import (
    RECENT_SESSIONS,
    Cause,
    Facts,
    Item,
    Proposal,
    Step,
    easier,
    propose,
    step_down,
)
from osteorehab.plans.domain import Safety as PlanSafety
from osteorehab.plans.exercises import Dose, Exercise

LOOKBACK_DAYS = 42  # LOCAL PROGRAM CHOICE: data older than six weeks fires nothing
RECENT_DAYS = 14  # LOCAL PROGRAM CHOICE: "recent" is the bi-weekly check-up's two weeks (§1)
SEVERAL_SESSIONS = 3  # LOCAL PROGRAM CHOICE: the "several recent sessions"
FATIGUE_SKIPS = 2  # LOCAL PROGRAM CHOICE: sessions skipped for tiredness in RECENT_DAYS
# LOCAL PROGRAM CHOICE: tiredness "rises" when the check-ins' mean over the last 7 days is at
# least 2 points (of 10) above the 7 days before, each week with at least 3 check-ins. The
# reference gives no minimal important change for the check-in's tiredness rating.
FATIGUE_RISE = 2
CHECK_INS_A_WEEK = 3
LOW_ADHERENCE_BELOW = Fraction(1, 2)  # LOCAL PROGRAM CHOICE: the "under half"
ADHERENCE_WEEKS = 2  # over two weeks (the issue): the last two complete weeks, Monday to Sunday
# LOCAL PROGRAM CHOICE: the program's "cognitive interventions" are this module (psychology).
COGNITIVE_MODULE = "cognitive_restructuring"
MODERATE = "moderate"  # the GAD-7 and PHQ-9 severity band from 10 (1.1, 1.2)
ABOVE_TARGET = "above"  # the effort scale's band above the aerobic target (1.12, 4.1)


class Urgency(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"


class Task(StrEnum):
    """Something a person of the care team does, recorded with an accepted proposal."""

    RISK_ASSESSMENT = "risk_assessment"
    COUNSELLOR_REVIEW = "counsellor_review"
    PHYSICIAN_REVIEW = "physician_review"
    THERAPIST_REVIEW = "therapist_review"
    FALL_RISK_REASSESSMENT = "fall_risk_reassessment"
    HOME_SAFETY_RECHECK = "home_safety_recheck"
    MOTIVATIONAL_CONVERSATION = "motivational_conversation"
    FAMILY_INVOLVEMENT = "family_involvement"
    PROGRESS_PLAN = "progress_plan"
    NEXT_PHASE_GOAL = "next_phase_goal"
    TELL_PATIENT = "tell_patient"
    CONTACT_PATIENT = "contact_patient"


TASK_WORDS = {
    Task.RISK_ASSESSMENT: gettext_noop("an immediate clinical risk assessment"),
    Task.COUNSELLOR_REVIEW: gettext_noop("the counsellor reviews the patient"),
    Task.PHYSICIAN_REVIEW: gettext_noop("the physician reviews the patient"),
    Task.THERAPIST_REVIEW: gettext_noop("the therapist reviews the exercise"),
    Task.FALL_RISK_REASSESSMENT: gettext_noop("reassess the fall risk"),
    Task.HOME_SAFETY_RECHECK: gettext_noop("check home safety again"),
    Task.MOTIVATIONAL_CONVERSATION: gettext_noop("a motivational conversation with the patient"),
    Task.FAMILY_INVOLVEMENT: gettext_noop(
        "involve the family (the patient consented to sharing with them)"
    ),
    Task.PROGRESS_PLAN: gettext_noop("progress the plan"),
    Task.NEXT_PHASE_GOAL: gettext_noop("set the next phase's goal"),
    Task.TELL_PATIENT: gettext_noop("tell the patient what they achieved"),
    Task.CONTACT_PATIENT: gettext_noop("the nurse contacts the patient"),
}
# Who carries each task out (LOCAL PROGRAM CHOICE, by the roles of accounts.domain.Role).
TASK_ROLES = {
    Task.RISK_ASSESSMENT: Role.COUNSELLOR,
    Task.COUNSELLOR_REVIEW: Role.COUNSELLOR,
    Task.PHYSICIAN_REVIEW: Role.PHYSICIAN,
    Task.THERAPIST_REVIEW: Role.THERAPIST,
    Task.FALL_RISK_REASSESSMENT: Role.THERAPIST,
    Task.HOME_SAFETY_RECHECK: Role.NURSE,
    Task.MOTIVATIONAL_CONVERSATION: Role.COUNSELLOR,
    Task.FAMILY_INVOLVEMENT: Role.COUNSELLOR,
    Task.PROGRESS_PLAN: Role.THERAPIST,
    Task.NEXT_PHASE_GOAL: Role.THERAPIST,
    Task.TELL_PATIENT: Role.NURSE,
    Task.CONTACT_PATIENT: Role.NURSE,
}


# ---- What the rules read: a patient's history, as plain records ----


def _plain_values(values: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Values as evidence keeps them: sorted by name, whole floats as ints (a total stored as
    12.0 and one typed as 12 are the same data, with the same fingerprint)."""
    return tuple(
        (name, plain(value) if isinstance(value, float) else value)
        for name, value in sorted(values.items())
    )


@dataclass(frozen=True, order=True)
class Point:
    """One data point a firing read: its kind, its day, the record's id (0 for a week, which
    has none), and the values that mattered."""

    kind: str
    day: date
    id: int
    values: tuple[tuple[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "day": self.day.isoformat(), **dict(self.values)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Point":
        values = {k: v for k, v in data.items() if k not in ("kind", "id", "day")}
        return cls(data["kind"], date.fromisoformat(data["day"]), data["id"], _plain_values(values))


@dataclass(frozen=True)
class Score:
    """An administered assessment: its total (None when not computable), its band, and the
    item answers where a rule reads one (PHQ-9 item 9)."""

    id: int
    day: date
    instrument: str
    total: float | None
    band: str = ""
    items: tuple[Any, ...] = ()

    @property
    def item9(self) -> int | None:
        answer = self.items[8] if self.instrument == "phq9" and len(self.items) == 9 else None
        return answer if isinstance(answer, int) and not isinstance(answer, bool) else None

    def point(self) -> Point:
        values: dict[str, Any] = {"instrument": self.instrument, "total": self.total}
        if self.band:
            values["band"] = self.band
        if self.item9 is not None:
            values["item9"] = self.item9
        return Point("assessment", self.day, self.id, _plain_values(values))


@dataclass(frozen=True)
class Logged:
    """One exercise of a day's session, as logged, under the plan version named."""

    id: int
    day: date
    exercise: str
    plan_version: int
    completion: str
    effort: int | None = None
    pain: int | None = None
    skip_reason: str = ""

    def point(self) -> Point:
        values = {
            "exercise": self.exercise,
            "completion": self.completion,
            "effort": self.effort,
            "pain": self.pain,
            "skip_reason": self.skip_reason,
        }
        return Point("session", self.day, self.id, _plain_values(values))


@dataclass(frozen=True)
class Check:
    """A daily check-in: the tiredness and pain ratings the rules read (0-10)."""

    id: int
    day: date
    fatigue: int
    pain: int

    def point(self) -> Point:
        values = {"fatigue": self.fatigue, "pain": self.pain}
        return Point("check_in", self.day, self.id, _plain_values(values))


@dataclass(frozen=True)
class Fall:
    id: int
    day: date
    injury: bool
    could_get_up: bool

    def point(self) -> Point:
        values = {"injury": self.injury, "could_get_up": self.could_get_up}
        return Point("fall", self.day, self.id, _plain_values(values))


@dataclass(frozen=True)
class Week:
    """A week of the plan, Monday to Sunday: the days with something planned and how many the
    patient exercised on in full or in part (`logbook.domain.adherence`)."""

    monday: date
    planned: int
    done: int
    partly: int

    def point(self) -> Point:
        values = {"planned": self.planned, "done": self.done, "partly": self.partly}
        return Point("week", self.monday, 0, _plain_values(values))


@dataclass(frozen=True)
class Rating:
    """A goal's rating on its Goal Attainment Scaling levels (-2..+2)."""

    id: int
    goal: int
    day: date
    level: int

    def point(self) -> Point:
        return Point(
            "goal_rating",
            self.day,
            self.id,
            _plain_values({"goal": self.goal, "level": self.level}),
        )


@dataclass(frozen=True)
class Overdue:
    """An item of the follow-up schedule past its due date and not done; `what` in words."""

    id: int
    what: str
    due: date

    def point(self) -> Point:
        return Point("follow_up", self.due, self.id, _plain_values({"what": self.what}))


@dataclass(frozen=True)
class PlanItem:
    """An item of the plan's latest version, and the version from which its exercise and dose
    have been as they are: sessions logged before it were at another dose and do not count."""

    item: Item
    since_version: int = 1


@dataclass(frozen=True)
class History:
    """What the rules read of one patient: records in any order (each kind by a unique id)."""

    assessments: tuple[Score, ...] = ()
    sessions: tuple[Logged, ...] = ()
    check_ins: tuple[Check, ...] = ()
    falls: tuple[Fall, ...] = ()
    weeks: tuple[Week, ...] = ()
    ratings: tuple[Rating, ...] = ()
    overdue: tuple[Overdue, ...] = ()
    plan: tuple[PlanItem, ...] = ()
    facts: Facts = field(default_factory=lambda: Facts(Profile()))
    family_consented: bool = False

    @cached_property
    def safety(self) -> PlanSafety:
        """What the plan's safety layer allows these facts (worked out once a history)."""
        return PlanSafety.of(self.facts)

    @cached_property
    def sessions_by_exercise(self) -> dict[str, list[Logged]]:
        """The sessions of each exercise, oldest first (each rule on sessions reads them by
        exercise; sorted once, not once a rule)."""
        found: dict[str, list[Logged]] = {}
        for session in sorted(self.sessions, key=lambda s: (s.day, s.id)):
            found.setdefault(session.exercise, []).append(session)
        return found


# ---- What a firing proposes ----


def dose_dict(dose: Dose) -> dict[str, Any]:
    return {k: v for k, v in asdict(dose).items() if v not in (None, "")}


@dataclass(frozen=True)
class ItemChange:
    """One exercise of the plan: from its dose now to the proposed exercise and dose, with the
    safe easier or alternative exercises the library links to it (to choose from instead)."""

    exercise: str
    step: Step
    dose_from: Dose
    to_exercise: str
    dose: Dose
    reason: Reason
    alternatives: tuple[str, ...] = ()

    def stored(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "step": self.step.value,
            "dose_from": dose_dict(self.dose_from),
            "to_exercise": self.to_exercise,
            "dose": dose_dict(self.dose),
            "reason": self.reason.stored(),
            "alternatives": list(self.alternatives),
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> "ItemChange":
        return cls(
            exercise=data["exercise"],
            step=Step(data["step"]),
            dose_from=Dose(**data["dose_from"]),
            to_exercise=data["to_exercise"],
            dose=Dose(**data["dose"]),
            reason=Reason.from_stored(data["reason"]),
            alternatives=tuple(data.get("alternatives", ())),
        )


@dataclass(frozen=True)
class Change:
    """What a proposal would change: exercises of the plan; a psychological module offered more
    often — at `frequency`, or where none is given one step more often than the frequency in
    force when it is decided; and tasks for the care team. Any part may be empty."""

    items: tuple[ItemChange, ...] = ()
    module: str = ""
    frequency: str = ""  # a psychology.domain.Frequency value, or "" for one step more often
    tasks: tuple[Task, ...] = ()

    def stored(self) -> dict[str, Any]:
        return {
            "items": [item.stored() for item in self.items],
            "module": self.module,
            "frequency": self.frequency,
            "tasks": [task.value for task in self.tasks],
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any]) -> "Change":
        return cls(
            items=tuple(ItemChange.from_stored(item) for item in data.get("items", ())),
            module=data.get("module", ""),
            frequency=data.get("frequency", ""),
            tasks=tuple(Task(task) for task in data.get("tasks", ())),
        )


@dataclass(frozen=True)
class Found:
    """What a rule's condition found: one proposal's worth. `subject` names what it is about
    (an exercise, a fall, "" for the patient as a whole): one proposal per rule and subject is
    open at a time. `alerts` are the urgent alerts its data must have raised (alert kind, the
    record that raised it)."""

    subject: str
    change: Change
    reason: Reason
    evidence: tuple[Point, ...]
    urgency: Urgency = Urgency.ROUTINE
    alerts: tuple[tuple[str, Point], ...] = ()


Library = Mapping[str, Exercise]
Condition = Callable[[History, date, Library], Iterable[Found]]


@dataclass(frozen=True)
class Rule:
    id: str
    version: int
    title: str
    reads: tuple[str, ...]  # the parts of the History it reads
    decider: Role
    source: str
    condition: Condition


@dataclass(frozen=True)
class Firing:
    rule: str
    version: int
    decider: Role
    subject: str
    urgency: Urgency
    change: Change
    reason: Reason
    evidence: tuple[Point, ...]  # sorted
    alerts: tuple[tuple[str, Point], ...] = ()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.rule, self.version, self.evidence)

    def as_dict(self, library: Library) -> dict[str, Any]:
        """As the command line prints it (English)."""
        change = self.change.stored()
        for item in change["items"]:
            item["reason"] = str(ItemChange.from_stored(item).reason)
            item["name"] = library[item["exercise"]].name_en if item["exercise"] in library else ""
        return {
            "rule": self.rule,
            "version": self.version,
            "decider": self.decider.value,
            "urgency": self.urgency.value,
            "subject": self.subject,
            "change": {**change, "tasks": [TASK_WORDS[t] for t in self.change.tasks]},
            "reason": str(self.reason),
            "evidence": [point.as_dict() for point in self.evidence],
            "fingerprint": self.fingerprint,
        }


def fingerprint(rule: str, version: int, evidence: Iterable[Point]) -> str:
    """The rule, its version and the data that fired it, hashed: the same data gives the same
    fingerprint whatever the order it came in."""
    payload = {
        "rule": rule,
        "version": version,
        "evidence": [point.as_dict() for point in sorted(set(evidence))],
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# ---- Helpers the conditions share ----


def _within(day: date, today: date, days: int) -> bool:
    return today - timedelta(days=days) < day <= today


def _computable(history: History, code: str, today: date) -> list[Score]:
    rows = [
        s
        for s in history.assessments
        if s.instrument == code and s.total is not None and s.day <= today
    ]
    return sorted(rows, key=lambda s: (s.day, s.id))


def _last_two(history: History, code: str, today: date) -> tuple[Score, Score] | None:
    """The instrument's last two computable readings, the later one recent (LOOKBACK_DAYS)."""
    rows = _computable(history, code, today)
    if len(rows) < 2 or not _within(rows[-1].day, today, LOOKBACK_DAYS):
        return None
    return rows[-2], rows[-1]


def _band_index(instrument: Instrument, total: float) -> int | None:
    banding = instrument.bandings[0]
    band = banding.classify(total)
    return banding.bands.index(band) if band else None


def _rise(instrument: Instrument, before: Score, after: Score) -> float:
    """How far the later reading moved the worse way (negative: the better way); both readings
    computable, as `_last_two` gives them."""
    if before.total is None or after.total is None or instrument.better is None:
        raise ValueError(f"{instrument.code}: no change between these readings")
    return -change_for_better(instrument.better, before.total, after.total)


def _worse(instrument: Instrument, before: Score, after: Score) -> Reason | None:
    """Why a GAD-7 or PHQ-9 reading is markedly worse than the one before: up by at least the
    instrument's minimal important change, or into the moderate band or worse from below it."""
    if before.total is None or after.total is None:
        return None
    found = []
    rise = _rise(instrument, before, after)
    if instrument.mcid is not None and instrument.mcid_source and rise >= instrument.mcid:
        found.append(
            Reason(
                "up {rise} points, at least the minimal important change of {mcid} ({source})",
                rise=plain(rise),
                mcid=plain(instrument.mcid),
                source=cited(instrument.mcid_source),
            )
        )
    severity = instrument.bandings[0]
    moderate = next(i for i, band in enumerate(severity.bands) if band.code == MODERATE)
    old, new = _band_index(instrument, before.total), _band_index(instrument, after.total)
    if old is not None and new is not None and old < moderate <= new:
        found.append(
            Reason(
                "into the {band} band from {old} ({source})",
                band=severity.bands[new].label,
                old=severity.bands[old].label,
                source=cited(severity.source),
            )
        )
    return Reason.joined(found) if found else None


def _readings(instrument: Instrument, before: Score, after: Score) -> Reason:
    return Reason(
        "{measure} {before} on {before_day}, {after} on {after_day}",
        measure=instrument.name,
        before=plain(before.total),
        before_day=before.day.isoformat(),
        after=plain(after.total),
        after_day=after.day.isoformat(),
    )


def _weekly_rise(
    check_ins: Iterable[Check], rating: str, today: date
) -> tuple[Fraction, list[Check]] | None:
    """How far a check-in rating's mean over the last 7 days is above the 7 days before, and
    the check-ins read; None with fewer than CHECK_INS_A_WEEK in either week."""
    last = sorted((c for c in check_ins if _within(c.day, today, 7)), key=lambda c: (c.day, c.id))
    before = sorted(
        (c for c in check_ins if _within(c.day, today - timedelta(days=7), 7)),
        key=lambda c: (c.day, c.id),
    )
    if len(last) < CHECK_INS_A_WEEK or len(before) < CHECK_INS_A_WEEK:
        return None

    def mean(rows: list[Check]) -> Fraction:
        return Fraction(sum(getattr(c, rating) for c in rows), len(rows))

    return mean(last) - mean(before), [*before, *last]


def _above(band: Band | None) -> bool:
    return band is not None and band.code == ABOVE_TARGET


def _sessions(history: History, planned: PlanItem, today: date) -> list[Logged]:
    """The exercise's last sessions at its current dose (RECENT_SESSIONS, within
    LOOKBACK_DAYS), oldest first."""
    rows = [
        s
        for s in history.sessions_by_exercise.get(planned.item.exercise, ())
        if s.plan_version >= planned.since_version and _within(s.day, today, LOOKBACK_DAYS)
    ]
    return rows[-RECENT_SESSIONS:]


@dataclass(frozen=True)
class Stepped:
    planned: PlanItem
    sessions: list[Logged]
    proposal: Proposal | None


def _taken(history: History, planned: PlanItem) -> frozenset[str]:
    """The exercises of the plan's other items: a step never swaps to one already planned."""
    return frozenset(p.item.exercise for p in history.plan) - {planned.item.exercise}


# The last `_stepped` worked out: the fatigue, pain and easy-session rules all read it, one
# after another, for the same history (the history is held, so its identity stays its own).
_last_stepped: "tuple[History, date, Library, list[Stepped]] | None" = None


def _stepped(history: History, today: date, library: Library) -> list[Stepped]:
    """Each plan item with its recent sessions and the step the prescription proposes from
    them (`plans.domain.propose`: high effort, then pain, then easy sessions); worked out once
    for the three rules that read it."""
    global _last_stepped
    last = _last_stepped
    if last is not None and last[0] is history and last[1] == today and last[2] is library:
        return last[3]
    found = []
    for planned in sorted(history.plan, key=lambda p: p.item.exercise):
        if planned.item.exercise not in library:
            continue
        sessions = _sessions(history, planned, today)
        proposal = (
            propose(
                planned.item,
                [session_of(s.completion, s.effort, s.pain, s.skip_reason) for s in sessions],
                history.facts,
                library,
                _taken(history, planned),
            )
            if sessions
            else None
        )
        found.append(Stepped(planned, sessions, proposal))
    _last_stepped = (history, today, library, found)
    return found


def _item_change(
    planned: PlanItem, proposal: Proposal, history: History, library: Library
) -> ItemChange:
    exercise = library[planned.item.exercise]
    offered = easier(exercise, library, history.safety, _taken(history, planned))
    return ItemChange(
        exercise=exercise.code,
        step=proposal.step,
        dose_from=planned.item.dose,
        to_exercise=proposal.to_exercise,
        dose=proposal.dose,
        reason=proposal.reason,
        alternatives=tuple(code for code in offered if code != proposal.to_exercise),
    )


def _points(rows: Iterable[Any]) -> tuple[Point, ...]:
    return tuple(sorted({row.point() for row in rows}))


# ---- The rules ----


def anxiety(history: History, today: date, library: Library) -> Iterable[Found]:
    """GAD-7 up by at least its MCID, or into the moderate band: the cognitive sessions one
    step more often."""
    pair = _last_two(history, "gad7", today)
    why = _worse(GAD7, *pair) if pair else None
    if pair is None or why is None:
        return
    yield Found(
        "",
        Change(module=COGNITIVE_MODULE),
        Reason(
            "{readings}: {why}. The cognitive sessions one step more often (the program's "
            "example; the module is a local program choice).",
            readings=_readings(GAD7, *pair),
            why=why,
        ),
        _points(pair),
    )


def fatigue(history: History, today: date, library: Library) -> Iterable[Found]:
    """Marked exercise fatigue — effort above the aerobic target on several recent sessions,
    tiredness rising, or sessions skipped for tiredness — lowers the intensity of the exercises
    concerned and offers their alternatives."""
    stepped = _stepped(history, today, library)
    current = [s for step in stepped for s in step.sessions if _within(s.day, today, RECENT_DAYS)]
    target = EFFORT.bandings[0]
    hard = [s for s in current if s.effort is not None and _above(target.classify(s.effort))]
    skips = [s for s in current if s.skip_reason == SkipReason.FATIGUE]
    rise = _weekly_rise(history.check_ins, "fatigue", today)
    signals: list[Reason] = []
    read: list[Any] = []
    if len(hard) >= SEVERAL_SESSIONS:
        signals.append(
            Reason(
                "effort above 8 of 10, above the aerobic target ({source}), on {count} sessions "
                "in {days} days (several: at least {several}, a local program choice)",
                source=cited(target.source),
                count=len(hard),
                days=RECENT_DAYS,
                several=SEVERAL_SESSIONS,
            )
        )
        read += hard
    if len(skips) >= FATIGUE_SKIPS:
        signals.append(
            Reason(
                "{count} sessions skipped for tiredness in {days} days (at least {least}, a "
                "local program choice)",
                count=len(skips),
                days=RECENT_DAYS,
                least=FATIGUE_SKIPS,
            )
        )
        read += skips
    if rise is not None and rise[0] >= FATIGUE_RISE:
        signals.append(
            Reason(
                "tiredness in the check-ins up {rise} points (of 10) on the week before (at "
                "least {least}, a local program choice)",
                rise=plain(round(float(rise[0]), 1)),
                least=FATIGUE_RISE,
            )
        )
        read += rise[1]
    if not signals:
        return
    skipped = {s.exercise for s in skips}
    why = Reason("marked exercise fatigue: {signals}", signals=tuple(signals))
    items = []
    for step in stepped:
        proposal = step.proposal
        if proposal is not None and proposal.cause == Cause.EFFORT:
            items.append(_item_change(step.planned, proposal, history, library))
            read += step.sessions
        elif proposal is None and step.planned.item.exercise in skipped:
            down = step_down(
                step.planned.item,
                history.facts,
                library,
                why,
                Cause.EFFORT,
                _taken(history, step.planned),
            )
            items.append(_item_change(step.planned, down, history, library))
    yield Found(
        "",
        Change(items=tuple(items), tasks=() if items else (Task.THERAPIST_REVIEW,)),
        Reason(
            "{why}. Lower the intensity of the exercises concerned and offer their alternatives.",
            why=why,
        ),
        _points(read),
    )


def pain(history: History, today: date, library: Library) -> Iterable[Found]:
    """Pain up (in an exercise's sessions, in the check-ins, or on the pain NRS) or sessions
    skipped for pain: the exercises concerned regressed, and a therapist review."""
    signals: list[Reason] = []
    read: list[Any] = []
    items = []
    for step in _stepped(history, today, library):
        if step.proposal is not None and step.proposal.cause == Cause.PAIN:
            items.append(_item_change(step.planned, step.proposal, history, library))
            read += step.sessions
    if items:
        signals.append(
            Reason("{count} exercise(s) with pain rising or skipped for pain", count=len(items))
        )
    rise = _weekly_rise(history.check_ins, "pain", today)
    mcid = PAIN_NRS.mcid
    if rise is not None and mcid is not None and PAIN_NRS.mcid_source and rise[0] >= mcid:
        signals.append(
            Reason(
                "pain in the check-ins up {rise} points on the week before, at least the "
                "minimal important change of {mcid} ({source})",
                rise=plain(round(float(rise[0]), 1)),
                mcid=plain(mcid),
                source=cited(PAIN_NRS.mcid_source),
            )
        )
        read += rise[1]
    pair = _last_two(history, "pain_nrs", today)
    if pair and mcid is not None and PAIN_NRS.mcid_source:
        before, after = pair
        if _rise(PAIN_NRS, before, after) >= mcid:
            signals.append(
                Reason(
                    "{readings}: at least the minimal important change of {mcid} ({source})",
                    readings=_readings(PAIN_NRS, before, after),
                    mcid=plain(mcid),
                    source=cited(PAIN_NRS.mcid_source),
                )
            )
            read += pair
    if not signals:
        return
    yield Found(
        "",
        Change(items=tuple(items), tasks=(Task.THERAPIST_REVIEW,)),
        Reason(
            "{signals}. Regress the exercises concerned; the therapist reviews.",
            signals=tuple(signals),
        ),
        _points(read),
    )


WFG_SEVERITY = gettext_noop(
    "a severity indicator after a fall, World Falls Guidelines 2022 (operationalisation "
    "unverified) [clinical-reference 3.6]"
)


def fall(history: History, today: date, library: Library) -> Iterable[Found]:
    """Each recent fall: fall-risk reassessment, home-safety re-check and physician review;
    urgent after an injury or not getting up."""
    for reported in sorted(history.falls, key=lambda f: (f.day, f.id)):
        if not _within(reported.day, today, LOOKBACK_DAYS):
            continue
        alerts = []
        severity = []
        if reported.injury:
            alerts.append(("fall_injury", reported.point()))
            severity.append(Reason("with injury: {why}", why=WFG_SEVERITY))
        if not reported.could_get_up:
            alerts.append(("fall_cannot_get_up", reported.point()))
            severity.append(Reason("could not get up: {why}", why=WFG_SEVERITY))
        yield Found(
            f"fall:{reported.id}",
            Change(
                tasks=(
                    Task.FALL_RISK_REASSESSMENT,
                    Task.HOME_SAFETY_RECHECK,
                    Task.PHYSICIAN_REVIEW,
                )
            ),
            Reason(
                "a fall on {day}{severity}.",
                day=reported.day.isoformat(),
                severity=Reason("; {parts}", parts=tuple(severity)) if severity else "",
            ),
            (reported.point(),),
            Urgency.URGENT if severity else Urgency.ROUTINE,
            tuple(alerts),
        )


def adherence(history: History, today: date, library: Library) -> Iterable[Found]:
    """Under half the planned sessions over the last two complete weeks: a motivational
    conversation, and the family involved where the patient consented to sharing with them."""
    monday = today - timedelta(days=today.weekday())
    wanted = [monday - timedelta(weeks=n) for n in range(ADHERENCE_WEEKS, 0, -1)]
    weeks = {week.monday: week for week in history.weeks}
    if not all(day in weeks and weeks[day].planned > 0 for day in wanted):
        return
    read = [weeks[day] for day in wanted]
    total = Adherence(
        planned=sum(w.planned for w in read),
        done=sum(w.done for w in read),
        partly=sum(w.partly for w in read),
    )
    exercised = total.done + total.partly
    if Fraction(exercised, total.planned) >= LOW_ADHERENCE_BELOW:
        return
    tasks: tuple[Task, ...] = (Task.MOTIVATIONAL_CONVERSATION,)
    if history.family_consented:
        tasks += (Task.FAMILY_INVOLVEMENT,)
    yield Found(
        "",
        Change(tasks=tasks),
        Reason(
            "exercised on {exercised} of {planned} planned days in the two weeks from {since}: "
            "under half (the program's example, a local program choice).",
            exercised=exercised,
            planned=total.planned,
            since=wanted[0].isoformat(),
        ),
        _points(read),
    )


def depression(history: History, today: date, library: Library) -> Iterable[Found]:
    """PHQ-9 up by at least its MCID or into the moderate band, or item 9 above 0: an urgent
    review by the counsellor and the physician."""
    pair = _last_two(history, "phq9", today)
    why = _worse(PHQ9, *pair) if pair else None
    if pair is not None and why is not None:
        yield Found(
            "worse",
            Change(tasks=(Task.COUNSELLOR_REVIEW, Task.PHYSICIAN_REVIEW)),
            Reason("{readings}: {why}.", readings=_readings(PHQ9, *pair), why=why),
            _points(pair),
            Urgency.URGENT,
        )
    for score in sorted(history.assessments, key=lambda s: (s.day, s.id)):
        answer = score.item9
        if answer is None or answer == 0 or not _within(score.day, today, LOOKBACK_DAYS):
            continue
        yield Found(
            f"item9:{score.id}",
            Change(tasks=(Task.RISK_ASSESSMENT, Task.COUNSELLOR_REVIEW, Task.PHYSICIAN_REVIEW)),
            Reason(
                "PHQ-9 on {day}: item 9 answered {answer} (above 0): an immediate clinical risk "
                "assessment, whatever the total [clinical-reference 1.1].",
                day=score.day.isoformat(),
                answer=answer,
            ),
            (score.point(),),
            Urgency.URGENT,
            (("self_harm_thoughts", score.point()),),
        )


PROGRESS_TASKS = (Task.PROGRESS_PLAN, Task.NEXT_PHASE_GOAL, Task.TELL_PATIENT)


def progress(history: History, today: date, library: Library) -> Iterable[Found]:
    """A goal rated at or above its expected outcome, or a measure into a better band of its
    own banding: progress the plan, set the next phase's goal, tell the patient."""
    latest: dict[int, Rating] = {}
    for rating in sorted(history.ratings, key=lambda r: (r.day, r.id)):
        if rating.day <= today:
            latest[rating.goal] = rating
    for goal, rating in sorted(latest.items()):
        if rating.level >= 0 and _within(rating.day, today, LOOKBACK_DAYS):
            yield Found(
                f"goal:{goal}",
                Change(tasks=PROGRESS_TASKS),
                Reason(
                    "goal rated {level:+d} on {day}: at or above the expected outcome (level 0 "
                    "of Goal Attainment Scaling) [clinical-reference 1.11].",
                    level=rating.level,
                    day=rating.day.isoformat(),
                ),
                (rating.point(),),
            )
    for code in sorted({s.instrument for s in history.assessments}):
        instrument = INSTRUMENTS.get(code)
        pair = _last_two(history, code, today)
        if instrument is None or instrument.better is None or pair is None:
            continue
        before, after = pair
        if before.total is None or after.total is None or not before.band or not after.band:
            continue
        if before.band == after.band:
            continue
        higher = after.total > before.total
        if after.total == before.total or higher != (instrument.better == Better.HIGHER):
            continue
        source = instrument.bandings[0].source if instrument.bandings else instrument.source
        yield Found(
            f"measure:{code}",
            Change(tasks=PROGRESS_TASKS),
            Reason(
                "{readings}: from {old} to {new}, a better band ({source}).",
                readings=_readings(instrument, before, after),
                old=instrument.words(before.band) or before.band,
                new=instrument.words(after.band) or after.band,
                source=cited(source),
            ),
            _points(pair),
        )


def overdue(history: History, today: date, library: Library) -> Iterable[Found]:
    """Follow-up items overdue: the nurse contacts the patient."""
    items = sorted((o for o in history.overdue if o.due < today), key=lambda o: (o.due, o.id))
    if not items:
        return
    yield Found(
        "",
        Change(tasks=(Task.CONTACT_PATIENT,)),
        Reason(
            "follow-up overdue: {items}.",
            items=tuple(
                Reason("{what}, due {due}", what=o.what, due=o.due.isoformat()) for o in items
            ),
        ),
        _points(items),
    )


def easy_sessions(history: History, today: date, library: Library) -> Iterable[Found]:
    """An exercise done easily on its last sessions: one step up (the prescription's own
    progression, which the plan page used to show by itself)."""
    for step in _stepped(history, today, library):
        if step.proposal is not None and step.proposal.cause == Cause.EASY:
            yield Found(
                f"exercise:{step.planned.item.exercise}",
                Change(items=(_item_change(step.planned, step.proposal, history, library),)),
                Reason("{why}.", why=step.proposal.reason),
                _points(step.sessions),
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "depression",
        1,
        gettext_noop("Depression worsening or thoughts of self-harm"),
        ("assessments",),
        Role.COUNSELLOR,
        gettext_noop(
            "PHQ-9: minimal important change 5 (Löwe 2004), moderate from 10 (Kroenke 2001), "
            "item 9 above 0 [clinical-reference 1.1]"
        ),
        depression,
    ),
    Rule(
        "fall",
        1,
        gettext_noop("A fall"),
        ("falls",),
        Role.PHYSICIAN,
        gettext_noop(
            "World Falls Guidelines 2022: a fall with injury or not getting up is a severity "
            "indicator (operationalisation unverified) [clinical-reference 3.6]"
        ),
        fall,
    ),
    Rule(
        "anxiety",
        1,
        gettext_noop("Anxiety rising markedly"),
        ("assessments",),
        Role.COUNSELLOR,
        gettext_noop(
            "GAD-7: minimal important change about 4 (Toussaint 2020, from memory, unverified), "
            "moderate from 10 (Spitzer 2006) [clinical-reference 1.2]"
        ),
        anxiety,
    ),
    Rule(
        "fatigue",
        1,
        gettext_noop("Marked exercise fatigue"),
        ("sessions", "check_ins", "plan", "facts"),
        Role.THERAPIST,
        gettext_noop(
            "Effort above the aerobic target of 5-8 on the generic 0-10 scale (Too Fit To "
            "Fracture) [clinical-reference 1.12, 4.1]; the steps down of the prescription "
            "[clinical-reference 4.1, 4.3]; thresholds are local program choices"
        ),
        fatigue,
    ),
    Rule(
        "pain",
        1,
        gettext_noop("Pain up or sessions skipped for pain"),
        ("sessions", "check_ins", "assessments", "plan", "facts"),
        Role.THERAPIST,
        gettext_noop(
            "Pain NRS: minimal important change about 2 (Farrar 2001, numbers from memory, "
            "unverified) [clinical-reference 1.13]; the steps down of the prescription "
            "[clinical-reference 4.1, 4.3]"
        ),
        pain,
    ),
    Rule(
        "adherence",
        1,
        gettext_noop("Low adherence over two weeks"),
        ("weeks", "family_consented"),
        Role.COUNSELLOR,
        gettext_noop("Under half the planned sessions over two weeks: a local program choice"),
        adherence,
    ),
    Rule(
        "overdue",
        1,
        gettext_noop("Follow-up overdue"),
        ("overdue",),
        Role.NURSE,
        gettext_noop("The follow-up schedule (issue #6 §1)"),
        overdue,
    ),
    Rule(
        "progress",
        1,
        gettext_noop("Goal attained or a measure improved"),
        ("ratings", "assessments"),
        Role.THERAPIST,
        gettext_noop(
            "Goal Attainment Scaling, level 0 the expected outcome [clinical-reference 1.11]; "
            "each measure's own bands and better direction"
        ),
        progress,
    ),
    Rule(
        "easy-sessions",
        1,
        gettext_noop("Sustained easy sessions"),
        ("sessions", "plan", "facts"),
        Role.THERAPIST,
        gettext_noop(
            "One set more up to 3, then the next exercise of the progression (Too Fit To "
            "Fracture; Otago) [clinical-reference 4.1, 4.3, 4.5]"
        ),
        easy_sessions,
    ),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}


def evaluate(
    history: History, today: date, library: Library, rules: Iterable[Rule] = RULES
) -> tuple[Firing, ...]:
    """Every firing of the rules on this history, urgent first, then in the rules' order."""
    firings = [
        Firing(
            rule=rule.id,
            version=rule.version,
            decider=rule.decider,
            subject=found.subject,
            urgency=found.urgency,
            change=found.change,
            reason=found.reason,
            evidence=tuple(sorted(set(found.evidence))),
            alerts=found.alerts,
        )
        for rule in rules
        for found in rule.condition(history, today, library)
    ]
    return tuple(sorted(firings, key=lambda f: f.urgency != Urgency.URGENT))


def may_decide(role: Role, decider: Role, urgency: Urgency) -> bool:
    """Who decides a proposal: the role it is routed to; an urgent one, the physician too (the
    medical safety is theirs, and an urgent proposal must not wait for one person)."""
    return role == decider or (urgency == Urgency.URGENT and role == Role.PHYSICIAN)
