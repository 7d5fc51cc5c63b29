"""A realistic demo program, deterministic for a given seed and day, written with bulk inserts
so the same generator can build the large programs the benchmarks need.

It seeds the database directly (a fresh installation's data, not clinical work), so it writes
no audit events.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import cycle

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from osteorehab.accounts.domain import CLINICAL_ROLES, CaregiverAction, Part, Role
from osteorehab.accounts.models import CareTeam, CareTeamMember, Organisation, Site, User
from osteorehab.assessments.demo import demo_anxious_assessments, demo_assessments
from osteorehab.followup.demo import demo_schedules
from osteorehab.logbook.demo import demo_fatigued_log, demo_log
from osteorehab.meetings.demo import demo_meeting
from osteorehab.outcomes.demo import demo_history
from osteorehab.plans.demo import demo_plans
from osteorehab.rules.services import sweep_run

from .domain import EpisodeStatus
from .models import (
    Caregiver,
    Consent,
    ConsentKind,
    Drug,
    Episode,
    EpisodeStatusChange,
    Fracture,
    FractureSite,
    Medication,
    Patient,
    Sex,
)

# Demo data only: printed by `make run`, never for real use.
DEMO_PASSWORD = "rehab-demo-2026"  # noqa: S105  # nosec B105  # the demo's published password

STAFF = [
    ("counsellor", "Li Na", Role.COUNSELLOR),
    ("therapist", "Tom Baker", Role.THERAPIST),
    ("physician", "Dr Chen Wei", Role.PHYSICIAN),
    ("nurse", "Mary Evans", Role.NURSE),
    ("lead", "Zhou Min", Role.LEAD),
    ("admin", "Sam Patel", Role.ADMIN),
]
FAMILY_NAMES = ["王", "李", "张", "刘", "陈", "杨", "Smith", "Jones", "Brown", "Taylor", "Wilson"]
GIVEN_NAMES = {
    "zh": ["芳", "秀英", "丽", "敏", "静", "桂英", "建国", "志强", "淑珍", "玉兰"],
    "en": ["Margaret", "Dorothy", "Joan", "Patricia", "Elizabeth", "Helen", "George", "Arthur"],
}
# Where each demo episode ends up, and after how many days in each status (weeks of history).
PATHS = [
    [EpisodeStatus.REFERRED],
    [EpisodeStatus.REFERRED, EpisodeStatus.ASSESSMENT],
    [EpisodeStatus.REFERRED, EpisodeStatus.ASSESSMENT, EpisodeStatus.ACTIVE],
    [
        EpisodeStatus.REFERRED,
        EpisodeStatus.ASSESSMENT,
        EpisodeStatus.ACTIVE,
        EpisodeStatus.MAINTENANCE,
    ],
    [
        EpisodeStatus.REFERRED,
        EpisodeStatus.ASSESSMENT,
        EpisodeStatus.ACTIVE,
        EpisodeStatus.MAINTENANCE,
        EpisodeStatus.DISCHARGED,
    ],
    [
        EpisodeStatus.REFERRED,
        EpisodeStatus.ASSESSMENT,
        EpisodeStatus.ACTIVE,
        EpisodeStatus.WITHDRAWN,
    ],
]
WITHDRAWAL_REASONS = ["Moved away", "Too unwell to continue", "Could not attend"]


@dataclass
class DemoProgram:
    organisation: Organisation
    staff: dict[str, User]
    patients: int
    patient_login: str
    caregiver_login: str


def _name(rng: random.Random) -> tuple[str, str, str]:
    family = rng.choice(FAMILY_NAMES)
    chinese = not family.isascii()
    given = rng.choice(GIVEN_NAMES["zh" if chinese else "en"])
    return family, given, "zh-hans" if chinese else "en"


@transaction.atomic
def build_demo(
    *, patients: int = 12, seed: int = 2026, today: date, earlier_year: bool = False
) -> DemoProgram:
    rng = random.Random(seed)  # noqa: S311  # nosec B311  # reproducible demo data, not secrets
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    organisation = Organisation.objects.create(name="Riverside Osteoporosis Program")
    site = Site.objects.create(organisation=organisation, name="Riverside Rehabilitation Centre")
    team_count = max(1, patients // 200)
    teams = CareTeam.objects.bulk_create(
        [CareTeam(site=site, name=f"Bone Health Team {i + 1}") for i in range(team_count)]
    )
    staff = {
        username: User(
            username=username,
            full_name=full_name,
            role=role,
            organisation=organisation,
            email=f"{username}@example.org",
            password=password,
            is_staff=role is Role.ADMIN,
            is_superuser=role is Role.ADMIN,
        )
        for username, full_name, role in STAFF
    }
    # Larger programs get a clinician of every role for each extra team.
    extra = [
        User(
            username=f"{role.value}{t + 1}",
            full_name=f"{role.value.title()} {t + 1}",
            role=role,
            organisation=organisation,
            password=password,
        )
        for t in range(1, team_count)
        for role in CLINICAL_ROLES
    ]
    User.objects.bulk_create([*staff.values(), *extra])
    members = [CareTeamMember(care_team=teams[0], user=staff[r.value]) for r in CLINICAL_ROLES]
    members += [
        CareTeamMember(care_team=teams[int(u.username[len(Role(u.role).value) :]) - 1], user=u)
        for u in extra
    ]
    CareTeamMember.objects.bulk_create(members)

    nurse = staff["nurse"]
    rows: list[Patient] = []
    for i in range(patients):
        family, given, language = _name(rng)
        age = rng.randint(55, 90)
        rows.append(
            Patient(
                organisation=organisation,
                care_team=teams[i % team_count],
                family_name=family,
                given_name=given,
                date_of_birth=today - timedelta(days=age * 365 + rng.randint(0, 364)),
                sex=Sex.FEMALE if rng.random() < 0.8 else Sex.MALE,
                phone=f"+86 138 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                preferred_language=language,
                record_number=f"RH{100000 + i}",
                diagnosis_on=today - timedelta(days=rng.randint(60, 3000)),
            )
        )
    Patient.objects.bulk_create(rows, batch_size=2000)
    rows = list(Patient.objects.filter(organisation=organisation).order_by("pk"))

    fractures, medications, consents, episodes = [], [], [], []
    paths = cycle(PATHS)
    for patient in rows:
        for _ in range(rng.choice([0, 1, 1, 2])):
            site_choice = rng.choice(FractureSite.values)
            fractures.append(
                Fracture(
                    patient=patient,
                    site=site_choice,
                    site_other="Rib" if site_choice == FractureSite.OTHER else "",
                    occurred_on=today - timedelta(days=rng.randint(30, 3000)),
                )
            )
        if rng.random() < 0.7:
            medications.append(
                Medication(
                    patient=patient,
                    drug=rng.choice(
                        [Drug.ALENDRONATE, Drug.DENOSUMAB, Drug.ZOLEDRONATE, Drug.RISEDRONATE]
                    ),
                    started_on=today - timedelta(days=rng.randint(30, 900)),
                )
            )
        referred_on = today - timedelta(days=rng.randint(14, 120))
        path = next(paths)
        consents.append(
            Consent(
                patient=patient,
                kind=ConsentKind.PROGRAM,
                granted=True,
                decided_on=referred_on,
                taken_by=nurse,
            )
        )
        episodes.append((patient, referred_on, path))
    # Someone just assessed, with a vertebral fracture, waiting for their first plan.
    waiting = next(p for p, _on, path in episodes if path[-1] is EpisodeStatus.ASSESSMENT)
    if not any(f.patient is waiting and f.site == FractureSite.VERTEBRA for f in fractures):
        fractures.append(
            Fracture(
                patient=waiting, site=FractureSite.VERTEBRA, occurred_on=today - timedelta(days=200)
            )
        )
    Fracture.objects.bulk_create(fractures, batch_size=2000)
    Medication.objects.bulk_create(medications, batch_size=2000)

    episode_rows = []
    history: list[tuple[int, list[tuple[EpisodeStatus, date]]]] = []
    for index, (patient, referred_on, path) in enumerate(episodes):
        steps = [(path[0], referred_on)]
        day = referred_on
        for status in path[1:]:
            day = min(today, day + timedelta(days=rng.randint(5, 21)))
            steps.append((status, day))
        final, since = steps[-1]
        episode_rows.append(
            Episode(
                patient=patient,
                status=final,
                referred_on=referred_on,
                status_since=since,
                end_reason=rng.choice(WITHDRAWAL_REASONS)
                if final is EpisodeStatus.WITHDRAWN
                else "",
            )
        )
        history.append((index, steps))
    Episode.objects.bulk_create(episode_rows, batch_size=2000)
    saved = list(Episode.objects.filter(patient__organisation=organisation).order_by("patient_id"))
    changes = [
        EpisodeStatusChange(
            episode=saved[index],
            from_status=steps[n - 1][0] if n else "",
            to_status=status,
            on=on,
            reason=saved[index].end_reason if status is EpisodeStatus.WITHDRAWN else "",
            by=nurse,
        )
        for index, steps in history
        for n, (status, on) in enumerate(steps)
    ]
    EpisodeStatusChange.objects.bulk_create(changes, batch_size=5000)

    # The demo patient (an active one) has a login and a daughter who follows her program.
    demo_patient = next(
        p for p, e in zip(rows, saved, strict=True) if e.status == EpisodeStatus.ACTIVE
    )
    patient_user = User.objects.create(
        username="patient",
        full_name=demo_patient.name,
        role=Role.PATIENT,
        organisation=organisation,
        preferred_language=demo_patient.preferred_language,
        password=password,
    )
    Patient.objects.filter(pk=demo_patient.pk).update(user=patient_user)
    demo_patient.user = patient_user
    caregiver_user = User.objects.create(
        username="caregiver",
        full_name="Wang Lei",
        role=Role.CAREGIVER,
        organisation=organisation,
        password=password,
    )
    Consent.objects.bulk_create(
        [
            *consents,
            Consent(
                patient=demo_patient,
                kind=ConsentKind.FAMILY_SHARING,
                granted=True,
                decided_on=today - timedelta(days=10),
                taken_by=nurse,
            ),
        ],
        batch_size=2000,
    )
    Caregiver.objects.create(
        patient=demo_patient,
        user=caregiver_user,
        name="Wang Lei",
        relationship="Daughter",
        shared_parts=[Part.PROGRAM.value, Part.PLAN.value, Part.LOG.value, Part.PROGRESS.value],
        allowed_actions=[CaregiverAction.RECEIVE_ALERTS.value],
        invited_by=patient_user,
        accepted_at=demo_patient.created_at,
    )
    # Each patient's own care team records their assessments, role by role.
    by_role = {(m.care_team.pk, Role(m.user.role).value): m.user for m in members}
    sites: dict[int, list[str]] = {}
    for fracture in fractures:
        sites.setdefault(fracture.patient.pk, []).append(fracture.site)
    # The anxious, fatigued patient of the program's own example (issue #6): the first team's
    # longest-active patient after the demo patient; their data is scripted.
    first_team = {
        rows[i].pk: dict(steps) for i, steps in history if rows[i].care_team_id == teams[0].pk
    }
    anxious = min(
        (
            p
            for p, e in zip(rows, saved, strict=True)
            if e.status == EpisodeStatus.ACTIVE and p.pk in first_team and p != demo_patient
        ),
        key=lambda p: first_team[p.pk][EpisodeStatus.ACTIVE],
    )

    def recorder(patient: Patient, role: str) -> User:
        return by_role[(patient.care_team_id, role)]

    demo_assessments(
        [(rows[index], steps, sites.get(rows[index].pk, [])) for index, steps in history],
        recorder,
        today=today,
        rng=rng,
    )
    demo_anxious_assessments(
        anxious, first_team[anxious.pk], sites.get(anxious.pk, []), recorder, today=today
    )
    # Every episode that reached the active phase has its follow-up schedule from that day.
    demo_schedules(
        [
            (rows[index], saved[index], on)
            for index, steps in history
            for status, on in steps
            if status is EpisodeStatus.ACTIVE
        ],
        recorder,
        today=today,
        scripted={demo_patient.pk, anxious.pk},
    )
    # The first team's patients in the program have their plan; the demo patient, goals too.
    started = [
        (rows[index], on)
        for index, steps in history
        if rows[index].care_team_id == teams[0].pk
        for status, on in steps
        if status is EpisodeStatus.ACTIVE
    ]
    demo_plans(started, staff["therapist"], staff["physician"], demo_patient)
    demo_log(demo_patient, today=today, rng=rng)
    demo_fatigued_log(anxious, today=today, nurse=nurse)
    # the adjustment rules over the whole demo, as the nightly sweep, on fresh statistics of the
    # rows just bulk-inserted (PostgreSQL would plan a large demo's joins as if on empty tables)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    sweep_run(today=today)
    # last: the meeting's agenda reads every fact above
    demo_meeting(teams[0], staff["physician"], today=today)
    if earlier_year:  # the outcomes' year of history (load_demo adds it; tests leave it out)
        scripted = {demo_patient.pk, anxious.pk}
        demo_history(rows, recorder, staff, today=today, rng=rng, scripted=scripted)
    return DemoProgram(organisation, staff, len(rows), "patient", "caregiver")
