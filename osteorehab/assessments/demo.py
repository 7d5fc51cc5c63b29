"""Demo assessments: everyone who reached the assessment step has a baseline from each role, and
everyone who started the program has the bi-weekly check-ups since, improving slowly as a real
cohort would; each is scored by its instrument like a result entered on screen.

Made-up data for trying the program, not clinical facts: each patient has a severity between 0
(doing well) and 1 (struggling) that shapes every answer, and eases a little at each check-up.
PHQ-9 item 9 is always 0 here, since a positive answer must raise an alert (a demo patient with
an unattended safety signal would teach the wrong thing).
"""

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from osteorehab.accounts.models import User
from osteorehab.patients.domain import age_on
from osteorehab.patients.models import EpisodeStatus, Patient

from .domain import BASELINE_BATTERY, FOLLOW_UP_BATTERY
from .instruments import INSTRUMENTS
from .models import Assessment, ImpactDecision, Occasion

CHECK_UP_DAYS = 14  # the bi-weekly check-up
EASING = 0.04  # how much a patient's severity eases at each check-up
FLUSH_ROWS = 20_000


def _likert(rng: random.Random, severity: float, low: int, high: int, count: int) -> list[int]:
    """`count` answers from low to high, higher the more severe."""
    span = high - low
    return [
        max(low, min(high, round(low + span * severity + rng.uniform(-0.8, 0.8))))
        for _ in range(count)
    ]


def _answers(code: str, rng: random.Random, s: float, age: int, sex: str, facts: dict) -> dict:
    """Plausible answers to one instrument for a patient of severity `s`."""
    questionnaire = {
        "phq9": lambda: [*_likert(rng, s * 0.6, 0, 3, 8), 0],
        "gad7": lambda: _likert(rng, s * 0.7, 0, 3, 7),
        "short_fes_i": lambda: _likert(rng, s, 1, 4, 7),
        "see": lambda: _likert(rng, 1 - s, 0, 10, 9),
        "tsk17": lambda: _likert(rng, s, 1, 4, 17),
        "confidence": lambda: _likert(rng, 1 - s, 0, 10, 1),
        "pain_nrs": lambda: _likert(rng, s * 0.8, 0, 10, 1),
    }
    if code in questionnaire:
        return {"items": questionnaire[code]()}
    jitter = rng.uniform(-1, 1)
    tandem = 10 if s < 0.4 else round(rng.uniform(2, 9.5), 1)
    measured: dict[str, Callable[[], dict[str, Any]]] = {
        "four_stage_balance": lambda: {
            "stage1_seconds": 10,
            "stage2_seconds": 10,
            "stage3_seconds": tandem,
            **({"stage4_seconds": round(rng.uniform(1, 10), 1)} if tandem == 10 else {}),
        },
        "tug": lambda: {"seconds": round(9 + 9 * s + jitter, 1)},
        "chair_stand_30s": lambda: {"stands": round(15 - 9 * s + jitter), "age": age, "sex": sex},
        "grip_strength": lambda: {
            "kg": round((30 if sex == "male" else 21) - 9 * s + 2 * jitter, 1),
            "sex": sex,
        },
        "gait_speed": lambda: {"m_per_s": facts["gait_speed"]},
        "two_minute_walk": lambda: {
            "distance_m": round(175 - 70 * s + 8 * jitter),
            "age": age,
            "sex": sex,
        },
        "bone_density": lambda: {
            "site": "femoral_neck",
            "sex": sex,
            "age": age,
            "t_score": facts["t_score"],
            "fragility_fracture": facts["fractures"] > 0,
            **({"postmenopausal": True} if sex == "female" else {}),
        },
        "frax": lambda: {
            "major_osteoporotic_10y_percent": round(8 + 22 * s, 1),
            "hip_10y_percent": round(1.5 + 7 * s, 1),
            "with_bmd": True,
        },
        "falls_risk_wfg": lambda: _falls(rng, s, facts["gait_speed"]),
    }
    return measured[code]()


def _falls(rng: random.Random, s: float, gait_speed: float) -> dict[str, Any]:
    falls = rng.choice([0, 0, 1, 1, 2]) if s > 0.3 else 0
    if falls:
        severity = ("fall_injury", "unable_to_get_up", "lying_long", "loss_of_consciousness")
        return {
            "falls_12m": falls,
            **dict.fromkeys(severity, False),
            "fall_injury": falls > 1 and rng.random() < 0.5,
            "frailty": s > 0.8,
            "gait_speed_m_s": gait_speed,
        }
    return {
        "falls_12m": 0,
        "concern_about_falling": s > 0.4,
        "unsteady": s > 0.6,
        "gait_speed_m_s": gait_speed,
    }


def _assessment(
    patient: Patient, code: str, answers: dict, day: date, occasion: Occasion, by: User
) -> Assessment:
    instrument = INSTRUMENTS[code]
    self_reported = by.pk == patient.user_id
    return Assessment.scored(
        instrument=instrument,
        answers=answers,
        result=instrument.score(answers),
        patient=patient,
        occasion=occasion,
        administered_on=day,
        self_reported=self_reported,
        note="" if self_reported or by.role != "nurse" else "Entered from the paper form",
        recorded_by=by,
    )


def demo_assessments(
    histories: Sequence[tuple[Patient, Sequence[tuple[EpisodeStatus, date]], Sequence[str]]],
    recorder: Callable[[Patient, str], User],
    *,
    today: date,
    rng: random.Random,
) -> int:
    """Baselines, check-ups and the physician's impact decision for each (patient, status
    history, fracture sites); `recorder(patient, role)` is who records for that role, and a
    patient with a login answers their own questionnaires."""
    rows: list[Assessment] = []
    decisions: list[ImpactDecision] = []
    saved = 0
    for patient, steps, sites in histories:
        decision = _history(patient, dict(steps), sites, recorder, today, rng, rows)
        if decision is not None:
            decisions.append(decision)
        if len(rows) >= FLUSH_ROWS:  # written as it goes, so a large demo stays small in memory
            saved += len(Assessment.objects.bulk_create(rows, batch_size=5000))
            rows.clear()
    saved += len(Assessment.objects.bulk_create(rows, batch_size=5000))
    ImpactDecision.objects.bulk_create(decisions, batch_size=5000)
    return saved


def _history(
    patient: Patient,
    dates: dict[EpisodeStatus, date],
    sites: Sequence[str],
    recorder: Callable[[Patient, str], User],
    today: date,
    rng: random.Random,
    rows: list[Assessment],
) -> ImpactDecision | None:
    """One patient's assessments, added to `rows`, and the physician's impact decision."""
    if EpisodeStatus.ASSESSMENT not in dates:
        return None
    severity = rng.random()
    sex = patient.sex if patient.sex in ("female", "male") else "female"
    facts: dict[str, Any] = {"t_score": round(rng.uniform(-3.6, -1.2), 1), "fractures": len(sites)}

    def add(codes: Sequence[str], role: str, day: date, occasion: Occasion) -> None:
        if role == "patient":  # on their phone, or on paper entered by the nurse
            by = patient.user if patient.user is not None else recorder(patient, "nurse")
        else:
            by = recorder(patient, role)
        facts["gait_speed"] = round(max(0.3, 1.2 - 0.6 * severity + rng.uniform(-0.05, 0.05)), 2)
        age = age_on(patient.date_of_birth, day)
        for code in codes:
            answers = _answers(code, rng, severity, age, sex, facts)
            rows.append(_assessment(patient, code, answers, day, occasion, by))

    for role, codes in BASELINE_BATTERY.items():
        add(codes, role, dates[EpisodeStatus.ASSESSMENT], Occasion.BASELINE)
    started = dates.get(EpisodeStatus.ACTIVE)
    if started is None:
        return None
    ended = dates.get(EpisodeStatus.DISCHARGED) or dates.get(EpisodeStatus.WITHDRAWN) or today
    psychological = "patient" if patient.user_id else "counsellor"
    day = started + timedelta(days=CHECK_UP_DAYS)
    while day <= ended:
        severity = max(0.0, severity - EASING)
        add(FOLLOW_UP_BATTERY["psychological_check_up"], psychological, day, Occasion.FOLLOW_UP)
        add(FOLLOW_UP_BATTERY["motor_endurance_test"], "therapist", day, Occasion.FOLLOW_UP)
        day += timedelta(days=CHECK_UP_DAYS)
    return _impact(patient, sites, started, recorder)


def _impact(
    patient: Patient, sites: Sequence[str], started: date, recorder: Callable[[Patient, str], User]
) -> ImpactDecision:
    # after vertebral or multiple fractures, no more than brisk walking (clinical-reference 4.2)
    low = len(sites) >= 2 or "vertebra" in sites
    return ImpactDecision(
        patient=patient,
        level="low" if low else "moderate",
        reason="Fracture history" if low else "Osteoporosis without vertebral fracture",
        decided_on=started,
        decided_by=recorder(patient, "physician"),
    )


# The program's own example (issue #6): anxiety rising markedly at the latest check-up, GAD-7 6
# (mild) to 12 (moderate); PHQ-9 steady at 4, item 9 at 0; kinesiophobia not high (TSK-17 34)
# and a moderate concern about falling (Short FES-I 11), so that the cognitive sessions start
# every two weeks. Every other answer repeats the baseline's, so that no other adjustment rule
# fires on the assessments.
ANXIOUS_GAD7 = ({"items": [1, 1, 1, 1, 1, 1, 0]}, {"items": [2, 2, 2, 2, 2, 1, 1]})
ANXIOUS_STEADY = {
    "phq9": {"items": [0, 1, 1, 1, 0, 1, 0, 0, 0]},
    "tsk17": {"items": [2, 2, 2, 3, 2, 2, 2, 3, 2, 2, 2, 3, 2, 2, 2, 3, 2]},
    "short_fes_i": {"items": [2, 2, 1, 2, 1, 2, 1]},
}


def demo_anxious_assessments(
    patient: Patient,
    dates: dict[EpisodeStatus, date],
    sites: Sequence[str],
    recorder: Callable[[Patient, str], User],
    *,
    today: date,
) -> None:
    """The anxious patient's baseline and bi-weekly check-ups since they started (at least one,
    today), and the physician's impact decision, in place of those drawn for them (drawn first,
    so that every other patient's drawn data stay as they were)."""
    Assessment.objects.filter(patient=patient).delete()
    ImpactDecision.objects.filter(patient=patient).delete()
    rng = random.Random(patient.pk)  # noqa: S311  # nosec B311  # reproducible demo data
    sex = patient.sex if patient.sex in ("female", "male") else "female"
    facts: dict[str, Any] = {"t_score": -2.8, "fractures": len(sites), "gait_speed": 0.95}
    assessed, started = dates[EpisodeStatus.ASSESSMENT], dates[EpisodeStatus.ACTIVE]
    age = age_on(patient.date_of_birth, assessed)
    answers = {
        code: _answers(code, rng, 0.5, age, sex, facts)
        for codes in BASELINE_BATTERY.values()
        for code in codes
    }
    answers.update(ANXIOUS_STEADY, gad7=ANXIOUS_GAD7[0])
    rows = []
    for role, codes in BASELINE_BATTERY.items():
        by = recorder(patient, "nurse" if role == "patient" else role)  # no login: on paper
        rows += [
            _assessment(patient, code, answers[code], assessed, Occasion.BASELINE, by)
            for code in codes
        ]
    check_ups = [
        started + timedelta(days=CHECK_UP_DAYS * n)
        for n in range(1, (today - started).days // CHECK_UP_DAYS + 1)
    ] or [today]
    for day in check_ups:
        for kind, codes in FOLLOW_UP_BATTERY.items():
            by = recorder(patient, "therapist" if kind == "motor_endurance_test" else "counsellor")
            for code in codes:
                given = (
                    ANXIOUS_GAD7[1] if code == "gad7" and day == check_ups[-1] else answers[code]
                )
                rows.append(_assessment(patient, code, given, day, Occasion.FOLLOW_UP, by))
    Assessment.objects.bulk_create(rows)
    _impact(patient, sites, started, recorder).save()
