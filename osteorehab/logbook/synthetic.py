"""The synthetic program's log (`osteorehab.patients.synthetic`): day by day, each patient's
session of the plan as lived, their check-in and their falls, with the alerts a fall or new
severe back pain raises — the rows `services.exercise_log_record`, `check_in_record` and
`fall_report_record` write (the alerts by the same signals, `domain.fall_signals` and
`domain.check_in_signals`; an alert raised more than two days ago has been acknowledged by the
nurse). A patient with a login writes their own log; the nurse enters the paper diary of one
without, and a fall they hear of by phone.

How a day goes (SYNTHETIC ASSUMPTIONS, see `patients.synthetic_cohort`): on a day the patient
exercises, nine in ten planned exercises are done in full, most of the rest in part, a few
skipped for a reason; on a day they do not, four in ten write down the session skipped and why,
the others nothing. Most write a check-in on the days they write anything, a few on other days.
Effort eases as the weeks go by; pain and tiredness rise for a few patients in their last
weeks, as the adjustment rules are there to notice.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from osteorehab.alerts.models import Alert, AlertKind
from osteorehab.patients.synthetic_cohort import Fall, Person
from osteorehab.patients.synthetic_writer import Writer
from osteorehab.plans.synthetic import Dosed

from . import services
from .domain import Completion, SkipReason, check_in_signals, fall_signals
from .models import CheckIn, EnteredAs, FallReport

LOG_FIELDS = (
    "patient_id",
    "day",
    "exercise",
    "plan_version",
    "completion",
    "sets",
    "reps",
    "minutes",
    "effort",
    "pain",
    "skip_reason",
    "entered_by_id",
    "entered_as",
    "client_key",
    "created_at",
)
CHECK_IN_FIELDS = (
    "id",
    "patient_id",
    *services.CHECK_IN_FIELDS,
    "entered_by_id",
    *services.ENTRY_FIELDS,
    "created_at",
)
FALL_FIELDS = (
    "id",
    "patient_id",
    "happened_on",
    "place",
    "injury",
    "injury_what",
    "could_get_up",
    "saw_doctor",
    "entered_by_id",
    "entered_as",
    "client_key",
    "created_at",
)
ALERT_FIELDS = (
    "patient_id",
    "kind",
    "roles",
    "source",
    "raised_at",
    "acknowledged_by_id",
    "acknowledged_at",
    "action_taken",
)
ALERT_ROLES = '["nurse", "physician"]'  # services.ALERT_ROLES, as the alert keeps them
DONE, PARTLY, SKIPPED = Completion.DONE.value, Completion.PARTLY.value, Completion.SKIPPED.value
# Why an exercise, or a whole day's session, was skipped; pain only for a patient whose
# exercise hurts (usual pain 2 or more).
SKIP_REASONS = (SkipReason.NO_TIME, SkipReason.NO_TIME, SkipReason.FORGOT)
DAY_REASONS = (
    *[SkipReason.NO_TIME] * 6,
    *[SkipReason.ILL] * 3,
    *[SkipReason.FORGOT] * 3,
    SkipReason.FATIGUE,
    SkipReason.FEAR,
)
PAINFUL = 2
WRITES_SKIPPED_DAY = 0.4  # on a day not exercised, the chance of writing the session skipped
DONE_IN_FULL, DONE_IN_PART = (
    0.9,
    0.97,
)  # on a day exercised: 90 % in full, 7 % in part, the rest skipped
PAIN_WOBBLE = 0.05  # a session's pain a point below the usual, and as often a point above
PAIN_RISE = 3
TIREDNESS_RISE = 3
CHECKS_IN = (0.85, 0.9, 0.1)  # a check-in on a day exercised, skipped, with nothing written
NEW_BACK_PAIN = 0.0005  # new back pain in a check-in (in the severe band two times in five)
SLEEP = ("poor", "fair", "good")
INJURIES = ["Bruised hip", "Sprained wrist", "Cut on the forehead", "Sore ribs", "Bruised knee"]
ACTIONS = [
    "Phoned the patient; physician review booked",
    "Phoned the patient; seen by the GP, no fracture",
    "Home visit; fall risk to be reassessed",
]
BACK_PAIN_ACTION = "Phoned the patient; spine X-ray booked"
ACKNOWLEDGED_AFTER = timedelta(days=2)


@dataclass
class Diary:
    """One patient's log as it is written, day by day (`Diary.day`), with their own random
    generator, so that the program is the same whatever the order patients are visited in."""

    patient_id: int
    person: Person
    week: tuple[tuple[Dosed, ...], ...]  # the plan's exercises by weekday
    started: date
    last: date
    user_id: int | None  # the patient's login, if any
    nurse_id: int
    rng: random.Random
    falls: dict[date, list[Fall]] = field(init=False, default_factory=dict)
    by: int = field(init=False)  # who enters the log and the check-ins
    entered_as: str = field(init=False)
    delay: timedelta = field(init=False)  # the nurse enters the paper diary the day after
    reasons: tuple[tuple[SkipReason, ...], tuple[SkipReason, ...]] = field(init=False)

    def __post_init__(self) -> None:
        for fall in self.person.falls:
            self.falls.setdefault(fall.day, []).append(fall)
        pain = (SkipReason.PAIN,) if self.person.pain >= PAINFUL else ()
        self.reasons = (*DAY_REASONS, *pain), (*SKIP_REASONS, *pain)
        if self.user_id is not None:
            self.by, self.entered_as = self.user_id, EnteredAs.PATIENT.value
            self.delay = timedelta()
        else:
            self.by, self.entered_as = self.nurse_id, EnteredAs.NURSE_PAPER.value
            self.delay = timedelta(days=1)

    def day(
        self,
        day: date,
        log: Callable[[tuple], None],
        out: "Day",
        moment: Callable[[date, int], datetime],
    ) -> None:
        """The day's entries: the session's to `log`, the rest added to `out`. (The program's
        hottest loop: millions of rows for a large program, hence the local names.)"""
        p = self.person
        random = self.rng.random
        habit = p.habit_on(day)
        draw = random()
        exercised = draw < habit
        skipped = not exercised and draw < habit + (1 - habit) * WRITES_SKIPPED_DAY
        at = moment(day + self.delay, p.hour)
        pain = p.pain + (PAIN_RISE if p.pain_rises_on and day >= p.pain_rises_on else 0)
        if exercised or skipped:
            self._session(day, log, at, pain, exercised)
        if random() < (CHECKS_IN[0] if exercised else CHECKS_IN[1] if skipped else CHECKS_IN[2]):
            self._check_in(day, out, at, pain)
        for fall in self.falls.get(day, ()):
            self._fall(fall, out, moment)

    def _session(
        self, day: date, log: Callable[[tuple], None], at: datetime, pain: int, exercised: bool
    ) -> None:
        """Each planned exercise done, done in part, or skipped (all of them, on a day the
        patient did not exercise)."""
        rng, pid, by, entered_as = self.rng, self.patient_id, self.by, self.entered_as
        random, getrandbits = rng.random, rng.getrandbits
        effort = self.person.effort_on(day) - 0.5  # rounded below, after up to ±1 of its own
        reason = None if exercised else rng.choice(self.reasons[0]).value
        done: tuple  # completion, sets, reps, minutes, effort, pain, why skipped
        for code, sets, reps, minutes in self.week[day.weekday()]:
            x = random() if exercised else 1.0
            if x < DONE_IN_PART:
                wobble = random()
                hurt = (
                    pain - 1 if wobble < PAIN_WOBBLE and pain else pain + (wobble > 1 - PAIN_WOBBLE)
                )
                tried = int(effort + 2 * random())
                if x < DONE_IN_FULL:
                    done = (DONE, sets, reps, minutes, tried, hurt, "")
                else:
                    sets = max(1, sets - 1) if sets else sets
                    done = (
                        PARTLY,
                        sets,
                        reps,
                        minutes // 2 if minutes else minutes,
                        tried,
                        hurt,
                        "",
                    )
            else:
                why = reason or rng.choice(self.reasons[1]).value
                done = (SKIPPED, None, None, None, None, None, why)
            log((pid, day, code, 1, *done, by, entered_as, getrandbits(128), at))

    def _check_in(self, day: date, out: "Day", at: datetime, pain: int) -> None:
        p, rng = self.person, self.rng
        random = rng.random
        days = (day - self.started).days
        s = p.severity_at(days // 14)
        tired = TIREDNESS_RISE if p.tired_from and day >= p.tired_from else 0
        back_pain_new = random() < NEW_BACK_PAIN
        pain = rng.randint(4, 8) if back_pain_new else max(0, pain + int(random() * 3))
        sleep = random()
        out.check_ins.append(
            (
                self.patient_id,
                day,
                min(5, max(1, int(3.5 - 2 * s + 1.6 * random()))),
                min(10, int(2.5 + 5 * (1 - s) + min(2.0, days / 70) + 2 * random())),
                min(10, int(0.5 + 4 * s + tired + 3 * random())),
                SLEEP[0 if sleep < 0.1 + 0.3 * s else 1 if sleep < 0.45 + 0.3 * s else 2],
                min(10, pain),
                back_pain_new,
                min(2, len(self.falls.get(day, ()))),
                1 if random() < 0.02 + 0.04 * s else 0,
                self.by,
                self.entered_as,
                rng.getrandbits(128),
                at,
            )
        )
        out.nurses.append(self.nurse_id)

    def _fall(self, fall: Fall, out: "Day", moment: Callable[[date, int], datetime]) -> None:
        rng = self.rng
        by, entered_as = (
            (self.user_id, EnteredAs.PATIENT.value)
            if self.user_id is not None
            else (self.nurse_id, EnteredAs.NURSE_PHONE.value)
        )
        out.falls.append(
            (
                self.patient_id,
                fall.day,
                fall.place,
                fall.injury,
                rng.choice(INJURIES) if fall.injury else "",
                fall.could_get_up,
                fall.saw_doctor,
                by,
                entered_as,
                rng.getrandbits(128),
                moment(fall.day, self.person.hour),
            )
        )
        out.actions.append(rng.choice(ACTIONS))
        out.fall_nurses.append(self.nurse_id)


@dataclass
class Day:
    """The check-ins and falls of some days, all patients', written together (`write`)."""

    check_ins: list[tuple] = field(default_factory=list)
    falls: list[tuple] = field(default_factory=list)
    nurses: list[int] = field(default_factory=list)  # the nurse told of each check-in
    fall_nurses: list[int] = field(default_factory=list)  # and of each fall
    actions: list[str] = field(default_factory=list)  # what the nurse did about each fall

    def write(self, writer: Writer, *, now: datetime) -> None:
        alerts = []
        first = writer.reserve(CheckIn, len(self.check_ins)) if self.check_ins else 0
        check_ins = [(first + n, *row) for n, row in enumerate(self.check_ins)]
        writer.write(CheckIn, CHECK_IN_FIELDS, check_ins)
        for row, nurse in zip(check_ins, self.nurses, strict=True):
            for signal in check_in_signals(back_pain_new=row[8], pain=row[7]):
                alerts.append(_alert(row, signal.kind, "CheckIn", nurse, BACK_PAIN_ACTION, now))
        first = writer.reserve(FallReport, len(self.falls)) if self.falls else 0
        falls = [(first + n, *row) for n, row in enumerate(self.falls)]
        if falls:
            writer.write(FallReport, FALL_FIELDS, falls)
        for row, nurse, action in zip(falls, self.fall_nurses, self.actions, strict=True):
            for signal in fall_signals(injury=row[4], could_get_up=row[6]):
                alerts.append(_alert(row, signal.kind, "FallReport", nurse, action, now))
        if alerts:
            writer.write(Alert, ALERT_FIELDS, alerts)


def _alert(row: tuple, kind: str, model: str, nurse: int, action: str, now: datetime) -> tuple:
    """The alert raised by the entry `row` (its id first, then its patient's, its moment of
    entry last), acknowledged by the nurse once it is two days old."""
    raised = row[-1]
    acknowledged = raised + ACKNOWLEDGED_AFTER <= now
    return (
        row[1],
        AlertKind(kind).value,
        ALERT_ROLES,
        f"logbook.{model} #{row[0]}",
        raised,
        nurse if acknowledged else None,
        raised + timedelta(hours=3) if acknowledged else None,
        action if acknowledged else "",
    )
