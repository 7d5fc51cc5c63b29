"""The synthetic program's people and how their months in it go: the care teams' sizes, each
patient's way through the program episode, their habit of exercising, check-ups kept or missed,
symptoms and falls. Pure Python, no Django; the day and the random generator are passed in, so
the same seed gives the same program. `osteorehab.patients.synthetic` turns it into rows.

What is realistic here and where it comes from. The clinical reference
(../shared/clinical-reference.md) gives no figures for exercise adherence, drop-out, fall rates
or referral flows, so the numbers below (each named at its constant) are SYNTHETIC ASSUMPTIONS,
chosen to look like a community program and to give every part of the software work to do; none
is a clinical fact:
- referrals: a third in an opening intake in the first four weeks, then a steady flow; from
  referral to assessment and from assessment to the start one to two weeks each;
- the course of the exercise (`COURSES`): about half keep it up steadily (80-98 % of days), a
  fifth do half to three quarters, an eighth start well and tail off over four months, an eighth
  stop writing anything down within about three months of referral (most of those the team then
  withdraws); Sundays are harder; one in ten steady patients is discharged at the 3-month
  reassessment;
- nine in ten check-ups kept while the patient takes part; six in ten patients with a login of
  their own (the nurse enters the others' paper diaries);
- falls from 0.3 to 1.2 a year with the patient's severity; a quarter with an injury, one in ten
  leaving the patient unable to get up.
The few figures that are the reference's:
- 80 % as a line between adherent and not is its line for medicines (PDC >= 0.80, section 5),
  used here only as a yardstick for the steady course;
- the Otago programme cut falls by about 35 % (section 4.3): a patient's fall rate falls by up to
  that much with their habit of exercising;
- a fall with injury, or not getting up after it, are the World Falls Guidelines' severity
  indicators (section 3.6), which raise alerts in the log.
The cadence of check-ups and reassessments is the program's own (`osteorehab.followup.domain`).
"""

import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from osteorehab.followup.domain import EVERY_TWO_WEEKS, add_months
from osteorehab.patients.domain import EpisodeStatus

# Care teams' sizes, in the order the teams are numbered, repeated as far as the patients go: a
# program of 1,800 patients or more has its first three teams of 200, 50 and 500 patients, the
# caseloads the benchmarks read (team 1's clinicians are the demo logins). A smaller program
# keeps the same proportions, each team at least one patient.
TEAM_SIZES = (200, 50, 500, 120, 80, 300, 150, 60, 250, 90)
SITES = (
    "Riverside Rehabilitation Centre",
    "Northgate Hospital Bone Clinic",
    "Eastbank Community Health Centre",
    "Hillview Day Hospital",
)
INTAKE_SHARE = 0.35  # referred in the program's first four weeks (an opening intake)
INTAKE_DAYS = 28
LOGIN_SHARE = 0.6  # patients with a login of their own (the others' entries come by the nurse)
WITHDRAWN_EARLY = 0.04  # withdraw before their program starts
WITHDRAWN_AFTER_DROPPING_OFF = 0.6  # of those who stopped, the team records the withdrawal
DISCHARGED_EARLY = 0.1  # of those keeping it up, discharged at the 3-month reassessment
CHECK_UP_KEPT = 0.9  # a bi-weekly check-up done in its window while the patient takes part
REASSESSMENT_KEPT = 0.85
FALLS_A_YEAR = (0.3, 1.2)  # from the least to the most severe patient
OTAGO_FEWER_FALLS = 0.35  # clinical-reference 4.3
FALL_INJURY = 0.25
FALL_CANNOT_GET_UP = 0.1
# A few patients' last weeks that the adjustment rules are there to notice: effort above the
# aerobic target, pain rising, tiredness rising.
STRAINED, PAIN_RISES, TIRED = 0.04, 0.04, 0.04


class Course(StrEnum):
    """How a patient keeps up the exercise over the months."""

    STEADY = "steady"  # most days, for as long as they take part
    MODERATE = "moderate"  # about half to three quarters of the days
    DECLINING = "declining"  # starts well and tails off over about four months
    DROPS_OFF = "drops_off"  # stops writing anything down within about three months


COURSES = ((Course.STEADY, 0.55), (Course.MODERATE, 0.2), (Course.DECLINING, 0.12))  # the rest drop
HABIT = {
    Course.STEADY: (0.8, 0.98),
    Course.MODERATE: (0.45, 0.75),
    Course.DECLINING: (0.7, 0.95),
    Course.DROPS_OFF: (0.5, 0.9),
}
DECLINE_DAYS = 120  # a declining habit reaches its floor after about four months
DECLINE_FLOOR = 0.3
SUNDAY = 0.85  # Sundays are harder


class Visit(StrEnum):
    CHECK_UP = "check_up"  # the bi-weekly psychological check-up and motor endurance test
    REASSESSMENT = "reassessment"  # at 3, 6 and 12 months
    BONE_DENSITY = "bone_density"  # at 12 months


@dataclass(frozen=True)
class Fall:
    day: date
    injury: bool
    could_get_up: bool
    saw_doctor: bool
    place: str  # a logbook.domain.Place value


@dataclass(frozen=True)
class Person:
    """One patient's months: the program episode's steps, their course, and what happens when.

    `severity` (0 doing well, 1 struggling) shapes every answer and measurement; it moves by
    `drift` at each check-up (easing for most, worsening for some)."""

    draw: int  # the order drawn in: it seeds the patient's other draws
    login: bool
    steps: tuple[tuple[EpisodeStatus, date], ...]
    started_on: date | None  # the day the program began (the episode became active)
    end_reason: str
    course: Course
    habit: float  # the share of days exercised while it holds
    stops_on: date | None  # stops writing anything down from this day
    severity: float
    drift: float
    effort: float  # the usual effort, 0-10, at the start
    easing: float  # how much the usual effort falls each week (the exercise gets easier)
    pain: int  # the usual pain while exercising, 0-10
    pain_rises_on: date | None  # pain up by 3 from this day
    tired_from: date | None  # tiredness up by 3 in the check-ins from this day
    hour: int  # the hour they write their log at
    visits: tuple[tuple[date, Visit, int], ...]  # (day, what, the how-manyth since the start)
    falls: tuple[Fall, ...]

    @property
    def referred_on(self) -> date:
        return self.steps[0][1]

    def on(self, status: EpisodeStatus) -> date | None:
        return next((day for s, day in self.steps if s is status), None)

    @property
    def status(self) -> EpisodeStatus:
        return self.steps[-1][0]

    @property
    def ended_on(self) -> date | None:
        status, day = self.steps[-1]
        return day if status in (EpisodeStatus.DISCHARGED, EpisodeStatus.WITHDRAWN) else None

    def last_logged(self, today: date) -> date | None:
        """The last day with anything written down: the day before today, the episode's end or
        the day they stopped; None before the program starts."""
        if self.started_on is None:
            return None
        ends = [today, self.ended_on, self.stops_on]
        return min(day for day in ends if day is not None) - timedelta(days=1)

    def habit_on(self, day: date) -> float:
        """The chance of exercising on `day`."""
        started = self.started_on
        if started is None or (self.stops_on is not None and day >= self.stops_on):
            return 0.0
        habit = self.habit
        if self.course is Course.DECLINING:
            habit *= max(DECLINE_FLOOR, 1 - (day - started).days / DECLINE_DAYS)
        return habit * SUNDAY if day.weekday() == 6 else habit

    def effort_on(self, day: date) -> float:
        """The usual effort of a session on `day`: easing week by week, never below 1."""
        if self.started_on is None:
            return self.effort
        return max(1.0, self.effort - self.easing * (day - self.started_on).days / 7)

    def severity_at(self, visit: int) -> float:
        return min(1.0, max(0.0, self.severity + self.drift * visit))


def team_sizes(patients: int) -> list[int]:
    """The care teams' sizes for a program of this many patients (TEAM_SIZES)."""
    scale = min(1.0, patients / sum(TEAM_SIZES))
    cycle = [max(1, int(size * scale + 0.5)) for size in TEAM_SIZES]
    sizes: list[int] = []
    left = patients
    for size in itertools.cycle(cycle):
        if left <= 0:
            return sizes
        sizes.append(min(size, left))
        left -= size
    raise AssertionError("unreachable")  # pragma: no cover


def _course(rng: random.Random) -> Course:
    draw = rng.random()
    for course, share in COURSES:
        if draw < share:
            return course
        draw -= share
    return Course.DROPS_OFF


def _steps(
    rng: random.Random, referred: date, course: Course, stops_on: date | None, today: date
) -> tuple[list[tuple[EpisodeStatus, date]], str]:
    """The episode's steps up to yesterday, and the reason of a withdrawal."""
    last = today - timedelta(days=1)
    steps = [(EpisodeStatus.REFERRED, referred)]

    def step(status: EpisodeStatus, day: date) -> bool:
        if day > last:
            return False
        steps.append((status, day))
        return True

    if rng.random() < WITHDRAWN_EARLY:
        assessed = referred + timedelta(days=rng.randint(5, 14))
        withdrawn = assessed + timedelta(days=rng.randint(3, 10))
        if step(EpisodeStatus.ASSESSMENT, assessed) and step(EpisodeStatus.WITHDRAWN, withdrawn):
            return steps, "Could not attend"
        return steps, ""
    assessed = referred + timedelta(days=rng.randint(5, 14))
    if not step(EpisodeStatus.ASSESSMENT, assessed):
        return steps, ""
    started = assessed + timedelta(days=rng.randint(5, 14))
    if not step(EpisodeStatus.ACTIVE, started):
        return steps, ""
    if stops_on is not None:
        if rng.random() < WITHDRAWN_AFTER_DROPPING_OFF:
            withdrawn = stops_on + timedelta(days=rng.randint(14, 42))
            reason = rng.choice(["Moved away", "Too unwell to continue", "Could not attend"])
            if step(EpisodeStatus.WITHDRAWN, withdrawn):
                return steps, reason
        return steps, ""
    if course is Course.STEADY and rng.random() < DISCHARGED_EARLY:
        day = add_months(started, 3) + timedelta(days=rng.randint(0, 10))
        step(EpisodeStatus.DISCHARGED, day)
        return steps, ""
    if step(EpisodeStatus.MAINTENANCE, add_months(started, 6)):
        step(EpisodeStatus.DISCHARGED, add_months(started, 12) + timedelta(days=rng.randint(0, 10)))
    return steps, ""


def _visits(
    rng: random.Random, started: date, until: date, stops_on: date | None
) -> list[tuple[date, Visit, int]]:
    """The check-ups and reassessments done, each inside its window (followup.domain.WINDOWS):
    most while the patient takes part, none after they stopped, none after `until`."""
    found = []
    due, n = started + EVERY_TWO_WEEKS, 1
    while due <= until:
        day = due + timedelta(days=rng.randint(-2, 3))
        kept = stops_on is None or due < stops_on
        if kept and day <= until and rng.random() < CHECK_UP_KEPT:
            found.append((day, Visit.CHECK_UP, n))
        due, n = due + EVERY_TWO_WEEKS, n + 1
    for months in (3, 6, 12):
        day = add_months(started, months) + timedelta(days=rng.randint(-10, 10))
        kept = stops_on is None or day < stops_on
        if kept and day <= until and rng.random() < REASSESSMENT_KEPT:
            found.append((day, Visit.REASSESSMENT, months * 2))  # about the check-ups' count
            if months == 12:
                found.append((day, Visit.BONE_DENSITY, months * 2))
    return sorted(found)


def _falls(rng: random.Random, since: date, until: date, rate: float) -> list[Fall]:
    """Falls at `rate` a year between the two days (a Poisson process)."""
    found: list[Fall] = []
    day = since
    while True:
        day += timedelta(days=int(rng.expovariate(rate / 365)) + 1)
        if day > until:
            return found
        injury = rng.random() < FALL_INJURY
        found.append(
            Fall(
                day=day,
                injury=injury,
                could_get_up=rng.random() >= FALL_CANNOT_GET_UP,
                saw_doctor=rng.random() < (0.7 if injury else 0.05),
                place=rng.choice(["home_inside", "home_inside", "home_outside", "street", "shop"]),
            )
        )


def person(draw: int, rng: random.Random, *, first_day: date, today: date) -> Person:
    """One patient referred between `first_day` and yesterday, drawn with `rng`."""
    span = (today - first_day).days
    early = rng.random() < INTAKE_SHARE
    referred = first_day + timedelta(days=rng.randint(0, max(0, min(span, INTAKE_DAYS) - 1)))
    if not early:
        referred = first_day + timedelta(days=rng.randint(0, max(0, span - 1)))
    course = _course(rng)
    low, high = HABIT[course]
    habit = rng.uniform(low, high)
    # the day they would stop, counted from the earliest day their program could start
    stop_after = timedelta(days=rng.randint(17, 100))
    stops_on = referred + stop_after if course is Course.DROPS_OFF else None
    steps, reason = _steps(rng, referred, course, stops_on, today)
    severity = rng.betavariate(2, 3)
    drift = rng.choice([-0.04, -0.04, -0.04, -0.02, 0.0, 0.0, 0.07])
    started = dict(steps).get(EpisodeStatus.ACTIVE)
    ended = (
        steps[-1][1]
        if steps[-1][0] in (EpisodeStatus.DISCHARGED, EpisodeStatus.WITHDRAWN)
        else None
    )
    until = min(today, ended) if ended else today
    last = min(until, stops_on) if stops_on else until
    strained = rng.random() < STRAINED  # works too hard: effort above the aerobic target
    rate = (FALLS_A_YEAR[0] + (FALLS_A_YEAR[1] - FALLS_A_YEAR[0]) * severity) * (
        1 - OTAGO_FEWER_FALLS * habit
    )
    pain_rises = rng.random() < PAIN_RISES
    tired = rng.random() < TIRED
    recent = last - timedelta(days=rng.randint(3, 12))
    return Person(
        draw=draw,
        login=rng.random() < LOGIN_SHARE,
        steps=tuple(steps),
        started_on=started,
        end_reason=reason,
        course=course,
        habit=habit,
        stops_on=stops_on,
        severity=severity,
        drift=drift,
        effort=rng.uniform(8.6, 9.4) if strained else rng.uniform(4.5, 7.0),
        easing=0.0 if strained else rng.uniform(0.0, 0.15),
        pain=rng.choice([0, 0, 0, 1, 1, 1, 2, 2, 3, 4]),
        pain_rises_on=recent if pain_rises and started else None,
        tired_from=recent if tired and started else None,
        hour=rng.choice([8, 9, 10, 17, 18, 19, 20, 21]),
        visits=tuple(_visits(rng, started, until, stops_on)) if started else (),
        falls=tuple(_falls(rng, started, last - timedelta(days=1), rate)) if started else (),
    )
