"""Who each synthetic patient is: their name, birth, history before the program (fractures, a
medicine), the goal they will set; and the demo logins' patient and their daughter
(`osteorehab.patients.synthetic`). Drawn as the demo draws them (`demo._name`), in proportions
that are SYNTHETIC ASSUMPTIONS (as `demo`'s): four in five women, ages 55 to 90, seven in ten on
an anti-osteoporosis medicine.
"""

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from osteorehab.accounts.domain import CaregiverAction, Part, Role
from osteorehab.accounts.models import Organisation, User
from osteorehab.accounts.synthetic import USER_FIELDS, Team, user_row
from osteorehab.outcomes.demo import SUPPLY
from osteorehab.plans.demo import GOALS

from .demo import _name
from .domain import EpisodeStatus
from .models import Caregiver, Consent, ConsentKind, FractureSite
from .synthetic_cohort import Course, Person
from .synthetic_writer import Writer

GOAL_SHARE = 0.35  # SYNTHETIC ASSUMPTION: patients with a goal set at the start
CONSENT_FIELDS = ("patient_id", "kind", "granted", "decided_on", "taken_by_id", "recorded_at")


@dataclass
class Identity:
    """Who a patient is, and their medical history before the program."""

    family_name: str
    given_name: str
    language: str
    date_of_birth: date
    sex: str
    phone: str
    diagnosis_on: date
    fractures: list[tuple[str, date]]
    medication: tuple[str, date, int] | None  # drug, started on, days each refill comes late
    t_score: float
    goal: int | None  # which of the demo's goals, if any


def identity(rng: random.Random, today: date) -> Identity:
    family, given, language = _name(rng)
    age = rng.randint(55, 90)
    fractures = [
        (rng.choice(FractureSite.values), today - timedelta(days=rng.randint(30, 3000)))
        for _ in range(rng.choice([0, 1, 1, 2]))
    ]
    medication = None
    if rng.random() < 0.7:
        drug = rng.choice(list(SUPPLY))
        medication = (
            drug,
            today - timedelta(days=rng.randint(30, 900)),
            rng.choice([0, 0, 0, 2, 12]),
        )
    return Identity(
        family_name=family,
        given_name=given,
        language=language,
        date_of_birth=today - timedelta(days=age * 365 + rng.randint(0, 364)),
        sex="female" if rng.random() < 0.8 else "male",
        phone=f"+86 138 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        diagnosis_on=today - timedelta(days=rng.randint(60, 3000)),
        fractures=fractures,
        medication=medication,
        t_score=round(rng.uniform(-3.6, -1.2), 1),
        goal=rng.randrange(len(GOALS)) if rng.random() < GOAL_SHARE else None,
    )


@dataclass
class Record:
    """A patient as the loader carries them: their ids, who they are and how it goes."""

    number: int  # in the order referred, from 1
    person: Person
    identity: Identity
    team: Team
    patient_id: int = 0
    episode_id: int = 0
    user_id: int | None = None
    username: str = ""


def demo_patient(records: Sequence[Record], first: Team) -> Record | None:
    """The `patient` login: the first patient of the first team (else of any) who keeps up
    their program, with a login of their own."""
    fitting = [
        r
        for r in records
        if r.person.login
        and r.person.status is EpisodeStatus.ACTIVE
        and r.person.course is Course.STEADY
    ]
    chosen = min(fitting, key=lambda r: (r.team is not first, r.number), default=None)
    if chosen is not None:
        chosen.username = "patient"
    return chosen


def family(
    w: Writer,
    organisation: Organisation,
    demo: Record,
    password: str,
    *,
    today: date,
    moment: Callable[[date, int], datetime],
) -> None:
    """The demo patient's daughter, who follows their program with their consent (given ten
    days ago)."""
    pk = w.reserve(User, 1)
    w.write(
        User,
        USER_FIELDS,
        [user_row(pk, "caregiver", "Wang Lei", Role.CAREGIVER, organisation, password)],
    )
    shared = [Part.PROGRAM.value, Part.PLAN.value, Part.LOG.value, Part.PROGRESS.value]
    since = today - timedelta(days=10)
    nurse = demo.team.members["nurse"]
    w.write(
        Consent,
        CONSENT_FIELDS,
        [
            (
                demo.patient_id,
                ConsentKind.FAMILY_SHARING.value,
                True,
                since,
                nurse,
                moment(since, 10),
            )
        ],
    )
    w.write(
        Caregiver,
        (
            "patient_id",
            "user_id",
            "name",
            "relationship",
            "shared_parts",
            "allowed_actions",
            "invited_by_id",
            "invited_at",
            "accepted_at",
        ),
        [
            (
                demo.patient_id,
                pk,
                "Wang Lei",
                "Daughter",
                json.dumps(shared),
                json.dumps([CaregiverAction.RECEIVE_ALERTS.value]),
                demo.user_id,
                moment(since, 10),
                moment(since, 18),
            )
        ],
    )
