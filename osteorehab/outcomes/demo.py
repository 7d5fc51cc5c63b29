"""A year of program history for the outcomes dashboard: most demo patients were in the program
once before (a full year, or withdrawn part-way), were measured at baseline and at the 3-, 6- and
12-month reassessments (bone density at 12 months), reported their falls, some broke a bone
again (and so were referred again), took an anti-osteoporosis medicine with refills; and those
in the program now log their sessions. Made-up data, shaped like a real cohort: most improve a
little, some a lot, a few get worse.

`load_demo` adds it (`build_demo(earlier_year=True)`); the programs the other apps' tests build
leave it out, so that their fixed demo stays as they know it. The demo login's patient and the
program's scripted example (issue #6) are left as they are.
"""

import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from osteorehab.accounts.models import User
from osteorehab.assessments.demo import _answers, _assessment
from osteorehab.assessments.domain import BASELINE_BATTERY
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.followup.domain import NEEDS, Kind, add_months
from osteorehab.logbook.domain import due_on
from osteorehab.logbook.models import EnteredAs, ExerciseLog, FallReport
from osteorehab.logbook.selectors import in_force_from
from osteorehab.patients.domain import CLOSED, COVERED_DAYS_PER_DOSE, EpisodeStatus, age_on
from osteorehab.patients.models import (
    Drug,
    Episode,
    EpisodeStatusChange,
    Fracture,
    FractureSite,
    Medication,
    MedicationFill,
    Patient,
)
from osteorehab.plans.demo import demo_plan
from osteorehab.plans.domain import Item, items_of
from osteorehab.plans.models import CarePlan, PlanVersion

# The days one fill covers: a pack of four weekly tablets (7 days a dose), a 6-monthly or a
# yearly injection [clinical-reference 5]. Which tablet is weekly is the demo's assumption.
SUPPLY = {
    Drug.ALENDRONATE: 4 * COVERED_DAYS_PER_DOSE["weekly"],
    Drug.RISEDRONATE: 4 * COVERED_DAYS_PER_DOSE["weekly"],
    Drug.DENOSUMAB: COVERED_DAYS_PER_DOSE["6-monthly"],
    Drug.ZOLEDRONATE: COVERED_DAYS_PER_DOSE["yearly"],
}
REASSESSED = NEEDS[Kind.REASSESSMENT]
BONE_DENSITY = NEEDS[Kind.BONE_DENSITY]


@dataclass(frozen=True)
class Earlier:
    patient: Patient
    enrolled_on: date
    started_on: date
    ended_on: date
    withdrawn: bool


def _episode(patient: Patient, current: date, rng: random.Random, by: User) -> Earlier:
    """An earlier episode that ended before the current one's referral."""
    enrolled = current - timedelta(days=rng.randint(440, 560))
    assessed = enrolled + timedelta(days=rng.randint(7, 14))
    started = assessed + timedelta(days=rng.randint(5, 14))
    withdrawn = rng.random() < 0.2
    if withdrawn:
        ended = started + timedelta(days=rng.randint(60, 200))
        path = [EpisodeStatus.WITHDRAWN]
    else:
        ended = add_months(started, 12) + timedelta(days=rng.randint(0, 10))
        path = [EpisodeStatus.MAINTENANCE, EpisodeStatus.DISCHARGED]
    ended = min(ended, current - timedelta(days=1))
    steps = [
        (EpisodeStatus.REFERRED, enrolled),
        (EpisodeStatus.ASSESSMENT, assessed),
        (EpisodeStatus.ACTIVE, started),
    ]
    if not withdrawn:
        steps.append((EpisodeStatus.MAINTENANCE, add_months(started, 6)))
    steps.append((path[-1], ended))
    reason = "Moved in with family out of town" if withdrawn else ""
    episode = Episode.objects.create(
        patient=patient,
        status=path[-1],
        referred_on=enrolled,
        status_since=ended,
        end_reason=reason,
    )
    EpisodeStatusChange.objects.bulk_create(
        EpisodeStatusChange(
            episode=episode,
            from_status=steps[n - 1][0] if n else "",
            to_status=status,
            on=on,
            reason=reason if status is EpisodeStatus.WITHDRAWN else "",
            by=by,
        )
        for n, (status, on) in enumerate(steps)
    )
    return Earlier(patient, enrolled, started, ended, withdrawn)


def _assessments(
    earlier: Earlier,
    assessed_on: date,
    recorder: Callable[[Patient, str], User],
    rng: random.Random,
) -> list[Assessment]:
    """Baseline, then the 3-, 6- and 12-month reassessments and bone density at 12 months, as
    long as the patient stayed; severity eases as a responder's would (or not at all)."""
    patient = earlier.patient
    sex = patient.sex if patient.sex in ("female", "male") else "female"
    severity = rng.uniform(0.35, 0.85)
    easing = rng.choice([0.0, 0.1, 0.25, 0.35, 0.5])  # over the year
    facts: dict[str, Any] = {
        "t_score": round(rng.uniform(-3.4, -1.6), 1),
        "fractures": patient.fractures.count(),
    }
    visits = [(assessed_on, 0, [c for codes in BASELINE_BATTERY.values() for c in codes])]
    for months in (3, 6, 12):
        day = add_months(earlier.started_on, months) + timedelta(days=rng.randint(-6, 6))
        if day <= earlier.ended_on or not earlier.withdrawn:
            visits.append((day, months, [*REASSESSED, *(BONE_DENSITY if months == 12 else ())]))
    rows = []
    for day, months, codes in visits:
        s = max(0.0, severity - easing * months / 12)
        facts["gait_speed"] = round(max(0.3, 1.2 - 0.6 * s + rng.uniform(-0.05, 0.05)), 2)
        if months == 12:
            facts["t_score"] = round(facts["t_score"] + rng.uniform(-0.1, 0.3), 1)
        age = age_on(patient.date_of_birth, day)
        occasion = Occasion.BASELINE if months == 0 else Occasion.FOLLOW_UP
        for code in codes:
            role = next(r for r, battery in BASELINE_BATTERY.items() if code in battery)
            by = recorder(patient, "nurse" if role == "patient" else role)  # no login: on paper
            answers = _answers(code, rng, s, age, sex, facts)
            rows.append(_assessment(patient, code, answers, day, occasion, by))
    return rows


def _falls(earlier: Earlier, rng: random.Random, nurse: User) -> list[FallReport]:
    span = (earlier.ended_on - earlier.enrolled_on).days
    return [
        FallReport(
            patient=earlier.patient,
            happened_on=earlier.enrolled_on + timedelta(days=rng.randint(20, span)),
            place=rng.choice(["home_inside", "home_inside", "street", "shop"]),
            injury=rng.random() < 0.25,
            could_get_up=rng.random() < 0.9,
            saw_doctor=False,
            entered_by=nurse,
            entered_as=EnteredAs.NURSE_PHONE,
            client_key=uuid.UUID(int=rng.getrandbits(128)),
        )
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3]))
    ]


def _medicine(earlier: Earlier, today: date, rng: random.Random, nurse: User) -> None:
    """The patient's medicine (or a new one, started early or late in the earlier episode)
    with its refills: on time for most patients, with gaps for some."""
    medication = earlier.patient.medications.first()
    if medication is None:
        drug = rng.choice(list(SUPPLY))
        started = earlier.enrolled_on + timedelta(days=rng.choice([20, 35, 60, 90, 150]))
        stopped = started + timedelta(days=rng.randint(150, 300)) if rng.random() < 0.25 else None
        medication = Medication.objects.create(
            patient=earlier.patient, drug=drug, started_on=started, stopped_on=stopped
        )
    supply = SUPPLY[Drug(medication.drug)]
    late = rng.choice([0, 0, 0, 2, 12])  # days each refill comes late
    fills, day = [], medication.started_on
    while day <= min(medication.stopped_on or today, today):
        fills.append(
            MedicationFill(
                medication=medication, dispensed_on=day, days_supply=supply, recorded_by=nurse
            )
        )
        day += timedelta(days=supply + rng.randint(0, late))
    MedicationFill.objects.bulk_create(fills)


def _logs(
    patient: Patient,
    version: PlanVersion,
    days: Iterable[date],
    rng: random.Random,
    nurse: User,
) -> list[ExerciseLog]:
    """A paper diary entered by the nurse: on the days the patient's habit holds, each planned
    exercise done (now and then in part); on the others, skipped for a reason, or nothing
    written down."""
    items: list[Item] = items_of(version.content)
    habit = rng.uniform(0.35, 0.95)
    rows = []
    for day in days:
        exercised = rng.random() < habit
        if not exercised and rng.random() < 0.5:
            continue  # nothing written down
        for item in due_on(items, day):
            completion = rng.choice(["done"] * 6 + ["partly"]) if exercised else "skipped"
            rows.append(
                ExerciseLog(
                    patient=patient,
                    day=day,
                    exercise=item.exercise,
                    plan_version=version.number,
                    completion=completion,
                    skip_reason="" if exercised else rng.choice(["fatigue", "no_time", "pain"]),
                    effort=rng.randint(3, 7) if exercised else None,
                    pain=rng.choice([0, 1, 1, 2]) if exercised else None,
                    entered_by=nurse,
                    entered_as=EnteredAs.NURSE_PAPER,
                    client_key=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
    return rows


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def demo_history(
    patients: Sequence[Patient],
    recorder: Callable[[Patient, str], User],
    staff: dict[str, User],
    *,
    today: date,
    rng: random.Random,
    scripted: set[int],
) -> int:
    """Earlier episodes for every patient not `scripted`, and the current sessions of those in
    the program with a plan; returns how many earlier episodes were added."""
    nurse, therapist, physician = staff["nurse"], staff["therapist"], staff["physician"]
    assessments: list[Assessment] = []
    falls: list[FallReport] = []
    logs: list[ExerciseLog] = []
    added = 0
    for patient in patients:
        if patient.pk in scripted:
            continue
        current = patient.episodes.get()
        earlier = _episode(patient, current.referred_on, rng, nurse)
        added += 1
        assessed = earlier.enrolled_on + (earlier.started_on - earlier.enrolled_on) // 2
        assessments += _assessments(earlier, assessed, recorder, rng)
        falls += _falls(earlier, rng, nurse)
        if rng.random() < 0.3:  # broke a bone again in the program: the reason for referral
            Fracture.objects.create(
                patient=patient,
                site=rng.choice([FractureSite.WRIST, FractureSite.VERTEBRA, FractureSite.HIP]),
                occurred_on=earlier.started_on + timedelta(days=rng.randint(60, 300)),
                note="During the earlier program episode",
            )
        _medicine(earlier, today, rng, nurse)
        plan = CarePlan.objects.filter(patient=patient).first()
        if plan is None:  # their plan from the earlier episode, still theirs
            Assessment.objects.bulk_create(assessments)
            assessments = []
            earlier_plan = demo_plan(patient, earlier.started_on, therapist, physician)
            days = _span(earlier.started_on, earlier.ended_on)
            logs += _logs(patient, earlier_plan, days, rng, nurse)
        elif (version := plan.latest) is not None:  # their sessions in the program now
            last = current.status_since if current.status in CLOSED else today
            days = _span(in_force_from(version), last - timedelta(days=1))
            logs += _logs(patient, version, days, rng, nurse)
    Assessment.objects.bulk_create(assessments)
    FallReport.objects.bulk_create(falls)
    ExerciseLog.objects.bulk_create(logs, batch_size=5000)
    return added
