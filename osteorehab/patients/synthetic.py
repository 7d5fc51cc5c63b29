"""A large synthetic program for benchmarks: `manage.py load_demo --patients N --days D --seed S`.

Deterministic for a seed and a day: N patients across four sites of one organisation, in care
teams of set sizes (`synthetic_cohort.TEAM_SIZES`; at 1,800 patients or more the nurses `nurse`,
`nurse2` and `nurse3` have caseloads of 200, 50 and 500, and `clinician_with_caseload` finds one
of any size), referred over the last D days: an opening intake, then a steady flow. Each goes
through the program episode (most active, some in assessment, some withdrawn or discharged),
with the baseline assessments of each role, the physician's impact decision, a plan drafted from
their profile and approved, for some a goal rated at the team reviews, the follow-up schedule, the
bi-weekly check-ups and reassessments, and day by day their log, check-ins and falls (and the
alerts those raise), their medicine's refills. Who they are and how their months go, with what
is realistic and where the figures come from, is `synthetic_cohort` (pure); the rows of each
app are its own `synthetic` module, each the rows its services write.

Synthetic history is loaded, not lived: it writes no audit events, and no proposals (the rules
sweep finds those, and it is one of the things benchmarked). Everything is written in one
transaction: a failed load leaves nothing. On PostgreSQL the rows go by COPY, the large tables'
indexes are made once after the load and the statistics refreshed (`synthetic_writer`); logs,
check-ins, falls and follow-up assessments are written day by day, all patients' together, so
that the tables hold them in the order a real program's would.
"""

import random
import time as clock
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import Organisation, User
from osteorehab.accounts.synthetic import USER_FIELDS, care_teams, user_row
from osteorehab.alerts.models import Alert
from osteorehab.assessments import synthetic as assessing
from osteorehab.assessments.domain import profile_from_results
from osteorehab.assessments.models import Assessment, ImpactDecision
from osteorehab.followup.domain import Kind
from osteorehab.followup.models import ScheduleItem
from osteorehab.followup.synthetic import FIELDS as SCHEDULE_FIELDS
from osteorehab.followup.synthetic import schedule_rows
from osteorehab.logbook.models import CheckIn, ExerciseLog, FallReport
from osteorehab.logbook.synthetic import LOG_FIELDS, Day, Diary
from osteorehab.outcomes.demo import SUPPLY
from osteorehab.plans import synthetic as planning
from osteorehab.plans.builtin import load_builtin
from osteorehab.plans.models import CarePlan, Exercise, Goal, GoalRating, PlanVersion

from .demo import DEMO_PASSWORD
from .domain import EpisodeStatus, display_name
from .models import (
    Consent,
    ConsentKind,
    Drug,
    Episode,
    EpisodeStatusChange,
    Fracture,
    FractureSite,
    Medication,
    MedicationFill,
    Patient,
)
from .synthetic_cohort import Course, Person, Visit, person, team_sizes
from .synthetic_identity import CONSENT_FIELDS, Record, demo_patient, family, identity
from .synthetic_writer import Writer

ORGANISATION = "Riverside Osteoporosis Program"
CHUNK = 1000  # patients whose records are built and written together
FLUSH_ROWS = 50_000  # the day-by-day part writes the check-ins when it holds as many
# The streams of random numbers each patient draws from, so that a patient's draws never depend
# on another's: who they are, their months (`synthetic_cohort.person`), their record, their days.
PERSON, IDENTITY, RECORD, DAYS = range(4)
PATIENT_FIELDS = (
    "id",
    "organisation_id",
    "care_team_id",
    "user_id",
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "phone",
    "preferred_language",
    "record_number",
    "diagnosis_on",
    "created_at",
    "updated_at",
)
FRACTURE_FIELDS = ("patient_id", "site", "site_other", "occurred_on")
MEDICATION_FIELDS = ("id", "patient_id", "drug", "started_on")
FILL_FIELDS = ("medication_id", "dispensed_on", "days_supply", "recorded_by_id", "recorded_at")
EPISODE_FIELDS = (
    "id",
    "patient_id",
    "status",
    "referred_on",
    "status_since",
    "end_reason",
    "version",
)
CHANGE_FIELDS = ("episode_id", "from_status", "to_status", "on", "reason", "by_id")
# The tables the patients' part writes: their indexes and constraints are made once, after it
# (`Writer.loading`).
LOADED = (
    User,
    Patient,
    Fracture,
    Consent,
    Episode,
    EpisodeStatusChange,
    Medication,
    MedicationFill,
    ImpactDecision,
    Assessment,
    Goal,
    GoalRating,
    CarePlan,
    PlanVersion,
    ScheduleItem,
    ExerciseLog,
    CheckIn,
    FallReport,
    Alert,
)
# How a goal's rating goes at each monthly review, by the patient's course.
GOAL_LEVELS = {
    Course.STEADY: (-1, 0, 0, 1, 1, 2),
    Course.MODERATE: (-1, -1, 0, 0, 0, 1),
    Course.DECLINING: (0, 0, -1, -1, -1, -2),
    Course.DROPS_OFF: (-1, -2, -2, -2, -2, -2),
}


def key(seed: int, draw: int, stream: int) -> int:
    """The seed of one patient's stream of random numbers."""
    return (seed << 32) ^ (draw << 3) ^ stream


@dataclass
class SyntheticProgram:
    organisation: Organisation
    patients: int
    days: int
    rows: dict[str, int]  # rows written, by table
    seconds: float
    caseloads: dict[str, int] = field(default_factory=dict)  # each nurse's patients


class Moments:
    """The moment of entry on a day at an hour, in the program's time zone, never after `now`
    (each made once: a large program asks for the same few thousand many times)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.zone = timezone.get_current_timezone()
        self._made: dict[tuple[date, int], datetime] = {}

    def __call__(self, day: date, hour: int) -> datetime:
        found = self._made.get((day, hour))
        if found is None:
            found = min(self.now, datetime.combine(day, time(hour), tzinfo=self.zone))
            self._made[(day, hour)] = found
        return found


class Rows(defaultdict):
    """Rows of each table, written together (`write`)."""

    def __init__(self) -> None:
        super().__init__(list)

    def write(self, writer: Writer, order: Sequence[tuple[type, Sequence[str]]]) -> None:
        for model, fields in order:
            rows = self.pop(model, [])
            if rows:
                writer.write(model, fields, rows)


class Loader:
    def __init__(self, *, seed: int, today: date, days: int, now: datetime) -> None:
        self.seed, self.today, self.days, self.now = seed, today, days, now
        self.first_day = today - timedelta(days=days)
        self.writer = Writer(now=now)
        self.moment = Moments(now)
        self.assessments = assessing.Assessments(self.moment)
        self.plans = planning.Plans()
        self.diaries: list[Diary] = []
        self.visits: dict[date, list[tuple[assessing.Patient, Person, Visit, int, Diary]]] = (
            defaultdict(list)
        )

    def rng(self, draw: int, stream: int) -> random.Random:
        # synthetic data, reproducible from its seed: no secret
        return random.Random(key(self.seed, draw, stream))  # noqa: S311  # nosec B311

    def chunk(self, organisation: Organisation, records: Sequence[Record], password: str) -> None:
        """The records of these patients up to their plans and schedules (one table at a time)."""
        w, rows = self.writer, Rows()
        logins = [r for r in records if r.person.login]
        first_user = w.reserve(User, len(logins))
        for n, r in enumerate(logins):
            r.user_id = first_user + n
            r.username = r.username or f"patient{r.number}"
            name = display_name(r.identity.family_name, r.identity.given_name)
            rows[User].append(
                user_row(
                    r.user_id,
                    r.username,
                    name,
                    Role.PATIENT,
                    organisation,
                    password,
                    r.identity.language,
                )
            )
        first_patient = w.reserve(Patient, len(records))
        first_episode = w.reserve(Episode, len(records))
        for n, r in enumerate(records):
            r.patient_id, r.episode_id = first_patient + n, first_episode + n
            self._patient(organisation, r, rows)
        rows.write(
            w,
            [
                (User, USER_FIELDS),
                (Patient, PATIENT_FIELDS),
                (Fracture, FRACTURE_FIELDS),
                (Consent, CONSENT_FIELDS),
                (Episode, EPISODE_FIELDS),
                (EpisodeStatusChange, CHANGE_FIELDS),
            ],
        )
        self._medicines(records, rows)
        self._plans(records, rows)

    def _patient(self, organisation: Organisation, r: Record, rows: Rows) -> None:
        p, who, nurse = r.person, r.identity, r.team.members["nurse"]
        created = self.moment(p.referred_on, 10)
        rows[Patient].append(
            (
                r.patient_id,
                organisation.pk,
                r.team.id,
                r.user_id,
                who.family_name,
                who.given_name,
                who.date_of_birth,
                who.sex,
                who.phone,
                who.language,
                f"RH{100000 + r.number}",
                who.diagnosis_on,
                created,
                created,
            )
        )
        for site, on in who.fractures:
            rows[Fracture].append(
                (r.patient_id, site, "Rib" if site == FractureSite.OTHER else "", on)
            )
        rows[Consent].append(
            (r.patient_id, ConsentKind.PROGRAM.value, True, p.referred_on, nurse, created)
        )
        status, since = p.steps[-1]
        # the version counts the changes, as `episode_open` and `episode_move` keep it
        episode = (r.episode_id, r.patient_id, status.value, p.referred_on, since, p.end_reason)
        rows[Episode].append((*episode, len(p.steps)))
        for n, (step, on) in enumerate(p.steps):
            before = p.steps[n - 1][0].value if n else ""
            why = p.end_reason if step is EpisodeStatus.WITHDRAWN else ""
            rows[EpisodeStatusChange].append((r.episode_id, before, step.value, on, why, nurse))

    def _medicines(self, records: Sequence[Record], rows: Rows) -> None:
        """Each patient's medicine, with its refills over the history (most on time, some with
        gaps: the proportion of days covered, clinical-reference 5)."""
        taking = [r for r in records if r.identity.medication]
        first = self.writer.reserve(Medication, len(taking))
        self.medication_ids = {}
        for n, r in enumerate(taking):
            drug, started, late = r.identity.medication  # type: ignore[misc]
            pk = first + n
            self.medication_ids[r.patient_id] = pk
            rows[Medication].append((pk, r.patient_id, drug, started))
            supply, day = SUPPLY[Drug(drug)], started
            rng = self.rng(r.person.draw, RECORD)
            while day <= self.today:
                if day >= self.first_day - timedelta(days=supply):
                    at = self.moment(day, 12)
                    rows[MedicationFill].append((pk, day, supply, r.team.members["nurse"], at))
                day += timedelta(days=supply + rng.randint(0, late))
        rows.write(self.writer, [(Medication, MEDICATION_FIELDS), (MedicationFill, FILL_FIELDS)])

    def _plans(self, records: Sequence[Record], rows: Rows) -> None:
        """Baselines, impact decisions, goals, plans and schedules; and each patient's diary and
        visits to come, for the day-by-day part."""
        started = [r for r in records if r.person.on(EpisodeStatus.ACTIVE)]
        with_goal = [r.patient_id for r in started if r.identity.goal is not None]
        first_goal = self.writer.reserve(Goal, len(with_goal))
        goal_ids = {patient_id: first_goal + n for n, patient_id in enumerate(with_goal)}
        first_plan = self.writer.reserve(CarePlan, len(started))
        plan_ids = {r.patient_id: first_plan + n for n, r in enumerate(started)}
        for r in records:
            self._record(r, rows, goal_ids.get(r.patient_id), plan_ids.get(r.patient_id))
        rows.write(
            self.writer,
            [
                (ImpactDecision, assessing.IMPACT_FIELDS),
                (Assessment, assessing.FIELDS),
                (Goal, planning.GOAL_FIELDS),
                (GoalRating, planning.RATING_FIELDS),
                (CarePlan, planning.PLAN_FIELDS),
                (PlanVersion, planning.VERSION_FIELDS),
                (ScheduleItem, SCHEDULE_FIELDS),
            ],
        )

    def _record(self, r: Record, rows: Rows, goal_id: int | None, plan_id: int | None) -> None:
        p, who, team = r.person, r.identity, r.team.members
        assessed = p.on(EpisodeStatus.ASSESSMENT)
        if assessed is None:
            return
        rng = self.rng(p.draw, RECORD)
        patient = assessing.Patient(
            r.patient_id,
            who.date_of_birth,
            who.sex,
            r.user_id,
            team,
            who.t_score,
            len(who.fractures),
        )
        baseline, results, frail = self.assessments.baseline(patient, assessed, p.severity, rng)
        rows[Assessment] += baseline
        started = p.on(EpisodeStatus.ACTIVE)
        if started is None or plan_id is None:
            return
        sites = [site for site, _on in who.fractures]
        impact = assessing.impact_row(
            r.patient_id, sites, started, team["physician"], self.moment(started, 9)
        )
        rows[ImpactDecision].append(impact)
        latest = max((on for _site, on in who.fractures), default=None)
        profile = profile_from_results(
            results,
            vertebral_fracture="vertebra" in sites,
            fragility_fractures=len(sites),
            recent_fracture_weeks=(self.today - latest).days // 7 if latest else None,
            physician_impact=impact[1],
            frail=frail,
        )
        until = min(self.today, p.ended_on or self.today)
        schedule = schedule_rows(
            r.patient_id,
            r.episode_id,
            started=started,
            until=until,
            nurse_id=team["nurse"],
            rng=rng,
            moment=self.moment,
        )
        rows[ScheduleItem] += schedule
        at = self.moment(started, 9)
        goals = []
        if goal_id is not None:
            goal = planning.goal(r.identity.goal, started)  # type: ignore[arg-type]
            goals.append((goal_id, goal))
            rows[Goal].append(planning.goal_row(goal_id, r.patient_id, goal, team["therapist"], at))
            reviews = [row[6] for row in schedule if row[2] == Kind.TEAM_REVIEW and row[6]]
            for day, level in zip(reviews, GOAL_LEVELS[p.course], strict=False):
                rows[GoalRating].append(
                    (goal_id, day, level, team["therapist"], "clinician", self.moment(day, 15))
                )
        draft = self.plans.draft(profile)
        medication = None
        if r.patient_id in self.medication_ids:
            drug, on, _late = who.medication  # type: ignore[misc]
            medication = (self.medication_ids[r.patient_id], Medication(drug=drug, started_on=on))
        totals = {code: result.total for code, result in results.items() if result.valid}
        content = self.plans.content(draft, goals=goals, totals=totals, medication=medication)
        rows[CarePlan].append((plan_id, r.patient_id, at))
        physician = team["physician"] if draft.needs_approval else None
        rows[PlanVersion].append(
            (plan_id, 1, content, planning.REASON, team["therapist"], Role.THERAPIST.value, at,
             draft.needs_approval, physician, at if draft.needs_approval else None)
        )  # fmt: skip
        last = p.last_logged(self.today)
        diary = Diary(
            r.patient_id,
            p,
            draft.week,
            started,
            last or started,
            r.user_id,
            team["nurse"],
            self.rng(p.draw, DAYS),
        )
        if last is not None and last >= started:
            self.diaries.append(diary)
        for day, visit, n in p.visits:
            self.visits[day].append((patient, p, visit, n, diary))

    def days_lived(self) -> None:
        """Day by day: every patient's log, check-in and falls, and the check-ups done. The
        logs go to the database as they are made; the rest a few days at a time."""
        pending = iter(sorted(self.diaries, key=lambda d: (d.started, d.patient_id)))
        upcoming = next(pending, None)
        active: list[Diary] = []
        day = self.first_day
        while day <= self.today:
            out, visits = Day(), list[tuple]()
            with self.writer.stream(ExerciseLog, LOG_FIELDS) as log:
                while day <= self.today and len(out.check_ins) < FLUSH_ROWS:
                    while upcoming is not None and upcoming.started <= day:
                        active.append(upcoming)
                        upcoming = next(pending, None)
                    active = [d for d in active if d.last >= day]
                    for diary in active:
                        diary.day(day, log, out, self.moment)
                    visits += self._visits(day)
                    day += timedelta(days=1)
            out.write(self.writer, now=self.now)
            self.writer.write(Assessment, assessing.FIELDS, visits)

    def _visits(self, day: date) -> Iterator[tuple]:
        for patient, p, visit, n, diary in self.visits.pop(day, ()):
            s = p.severity_at(n)
            if visit is Visit.CHECK_UP:
                yield from self.assessments.check_up(patient, day, s, diary.rng)
            else:
                kind = Kind.REASSESSMENT if visit is Visit.REASSESSMENT else Kind.BONE_DENSITY
                yield from self.assessments.reassessment(patient, day, s, diary.rng, kind)


def build_synthetic(
    *, patients: int, days: int, seed: int, today: date, now: datetime | None = None
) -> SyntheticProgram:
    """The synthetic program, written in one transaction; then fresh planner statistics."""
    started = clock.perf_counter()
    now = now or timezone.now()
    loader = Loader(seed=seed, today=today, days=days, now=now)
    with transaction.atomic():
        program = _build(loader, patients)
    loader.writer.analyze()
    program.seconds = clock.perf_counter() - started
    return program


def _build(loader: Loader, count: int) -> SyntheticProgram:
    if not Exercise.objects.exists():  # the tables were flushed (a test), not migrated
        load_builtin(Exercise)
    rng = loader.rng(0, PERSON)
    people = sorted(
        (
            person(i, loader.rng(i, PERSON), first_day=loader.first_day, today=loader.today)
            for i in range(count)
        ),
        key=lambda p: (p.referred_on, p.draw),
    )
    sizes = team_sizes(count)
    slots = [t for t, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(slots)
    organisation = Organisation(pk=loader.writer.reserve(Organisation, 1), name=ORGANISATION)
    loader.writer.write(Organisation, ("id", "name"), [(organisation.pk, organisation.name)])
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    teams = care_teams(loader.writer, organisation, len(sizes), password)
    records = [
        Record(n + 1, p, identity(loader.rng(p.draw, IDENTITY), loader.today), teams[slots[n]])
        for n, p in enumerate(people)
    ]
    demo = demo_patient(records, teams[0])
    with loader.writer.loading(LOADED):
        for start in range(0, len(records), CHUNK):
            loader.chunk(organisation, records[start : start + CHUNK], password)
        loader.days_lived()
    if demo is not None:
        family(
            loader.writer, organisation, demo, password, today=loader.today, moment=loader.moment
        )
    caseloads = {f"nurse{n + 1}" if n else "nurse": size for n, size in enumerate(sizes)}
    rows = {model._meta.label: count for model, count in loader.writer.written.items()}
    return SyntheticProgram(organisation, count, loader.days, rows, 0.0, caseloads)
