"""The synthetic program's assessments (`osteorehab.patients.synthetic`): the baseline battery
of each role, the bi-weekly check-ups, the 3-, 6- and 12-month reassessments and bone density,
and the physician's impact decision, as rows.

The answers are drawn as the demo draws them (`demo._answers`: a patient's severity shapes every
answer; PHQ-9 item 9 is always 0, since a positive answer must raise an alert) and scored by the
instrument, stored as `Assessment.scored` stores them — the same answers, result, versions and
copied-out total and band as an assessment entered on screen. Severity is taken in steps of 0.05
and each distinct set of answers is scored once (`Scorer`): scoring costs a tenth of a
millisecond, and a large program repeats the same answers many times over.
"""

import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from osteorehab.followup.domain import NEEDS, Kind
from osteorehab.patients.domain import age_on

from .demo import _answers
from .domain import BASELINE_BATTERY, FOLLOW_UP_BATTERY
from .instruments import INSTRUMENTS
from .instruments.base import SCORER_VERSION, Result
from .models import Occasion

FIELDS = (
    "patient_id",
    "instrument",
    "instrument_version",
    "scorer_version",
    "occasion",
    "administered_on",
    "answers",
    "result",
    "valid",
    "total",
    "band",
    "self_reported",
    "note",
    "recorded_by_id",
    "recorded_at",
)
IMPACT_FIELDS = ("patient_id", "level", "reason", "decided_on", "decided_by_id", "recorded_at")
SEVERITY_STEP = 20  # severity in steps of 1/20
SCORED_KEPT = 100_000  # sets of answers kept scored (a few hundred megabytes at most)
ROLE_OF = {code: role for role, codes in BASELINE_BATTERY.items() for code in codes}
MOTOR_TEST_KEPT = 0.95  # the therapist's part of a check-up, now and then not done that day


@dataclass(frozen=True)
class Scored:
    answers: str  # as stored (JSON)
    result: str
    valid: bool
    total: float | None
    band: str
    outcome: Result


class Scorer:
    """Each distinct set of answers of an instrument scored once, as `Assessment.scored` keeps
    it."""

    def __init__(self) -> None:
        self._seen: dict[tuple, Scored] = {}

    def __call__(self, code: str, answers: Mapping[str, Any]) -> Scored:
        # the answers are flat: numbers, words, yes or no, or a list of numbers
        key = (code, *((k, tuple(v) if isinstance(v, list) else v) for k, v in answers.items()))
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= SCORED_KEPT:  # a very large program: begin again
                self._seen.clear()
            result = INSTRUMENTS[code].score(answers)
            found = Scored(
                json.dumps(answers, cls=DjangoJSONEncoder),
                json.dumps(result.stored(), cls=DjangoJSONEncoder),
                result.valid,
                result.total,
                result.band or "",
                result,
            )
            self._seen[key] = found
        return found


@dataclass
class Patient:
    """What an assessment row needs of its patient: who records each role's part (`team`, by
    role), whether they answer their own questionnaires (`user_id`), and their facts."""

    id: int
    date_of_birth: date
    sex: str
    user_id: int | None
    team: Mapping[str, int]
    t_score: float
    fractures: int

    def recorder(self, role: str) -> tuple[int, bool, str]:
        """(recorded by, self-reported, note) for a role's part: a patient with a login answers
        their own questionnaires, the nurse enters the paper form of one without."""
        if role == "patient":
            if self.user_id is not None:
                return self.user_id, True, ""
            return self.team["nurse"], False, "Entered from the paper form"
        return self.team[role], False, ""


class Assessments:
    """Rows of assessments for many patients, scored through one `Scorer`."""

    def __init__(self, moment: Callable[[date, int], datetime]) -> None:
        self.score = Scorer()
        self.moment = moment  # the moment of entry on a day, at an hour

    def _rows(
        self,
        patient: Patient,
        parts: Sequence[tuple[str, Sequence[str]]],
        day: date,
        occasion: Occasion,
        severity: float,
        rng: random.Random,
        *,
        t_score: float | None = None,
        results: dict[str, Scored] | None = None,
    ) -> list[tuple]:
        """The rows of the codes of each (role, codes) part on a day; each code's answers as
        scored put in `results`, where given."""
        s = round(severity * SEVERITY_STEP) / SEVERITY_STEP
        facts = {
            "t_score": patient.t_score if t_score is None else t_score,
            "fractures": patient.fractures,
            "gait_speed": round(max(0.3, 1.2 - 0.6 * s + rng.uniform(-0.05, 0.05)), 2),
        }
        sex = patient.sex if patient.sex in ("female", "male") else "female"
        age = age_on(patient.date_of_birth, day)
        rows = []
        for role, codes in parts:
            by, self_reported, note = patient.recorder(role)
            at = self.moment(day, 11 if role == "patient" else 10)
            for code in codes:
                done = self.score(code, _answers(code, rng, s, age, sex, facts))
                if results is not None:
                    results[code] = done
                rows.append(
                    (
                        patient.id,
                        code,
                        INSTRUMENTS[code].version,
                        SCORER_VERSION,
                        occasion.value,
                        day,
                        done.answers,
                        done.result,
                        done.valid,
                        done.total,
                        done.band,
                        self_reported,
                        note,
                        by,
                        at,
                    )
                )
        return rows

    def baseline(
        self, patient: Patient, day: date, severity: float, rng: random.Random
    ) -> tuple[list[tuple], dict[str, Result], bool | None]:
        """Every role's baseline battery on the day; the results by code, and the frailty the
        falls assessment recorded (what the baseline profile reads)."""
        scored: dict[str, Scored] = {}
        parts = list(BASELINE_BATTERY.items())
        rows = self._rows(patient, parts, day, Occasion.BASELINE, severity, rng, results=scored)
        falls = json.loads(scored["falls_risk_wfg"].answers)
        results = {code: done.outcome for code, done in scored.items()}
        return rows, results, falls.get("frailty")

    def check_up(
        self, patient: Patient, day: date, severity: float, rng: random.Random
    ) -> list[tuple]:
        """The bi-weekly check-up: the psychological part (the patient's own, on their phone,
        or the counsellor's) and most times the therapist's motor endurance test."""
        psychological = "patient" if patient.user_id is not None else "counsellor"
        parts = [(psychological, FOLLOW_UP_BATTERY["psychological_check_up"])]
        if rng.random() < MOTOR_TEST_KEPT:
            parts.append(("therapist", FOLLOW_UP_BATTERY["motor_endurance_test"]))
        return self._rows(patient, parts, day, Occasion.FOLLOW_UP, severity, rng)

    def reassessment(
        self, patient: Patient, day: date, severity: float, rng: random.Random, kind: Kind
    ) -> list[tuple]:
        """A full reassessment or a bone density visit: what the schedule's item needs
        (`followup.domain.NEEDS`), each code by the role that gives it at baseline. A year on,
        the T-score has moved a little (most patients take a medicine)."""
        codes = NEEDS[kind]
        parts = [(role, [c for c in codes if ROLE_OF[c] == role]) for role in BASELINE_BATTERY]
        t_score = patient.t_score
        if kind is Kind.BONE_DENSITY:
            t_score = round(t_score + rng.uniform(-0.1, 0.3), 1)
        return self._rows(patient, parts, day, Occasion.FOLLOW_UP, severity, rng, t_score=t_score)


def impact_row(
    patient_id: int, sites: Sequence[str], decided_on: date, physician_id: int, at: datetime
) -> tuple:
    """The physician's impact decision the day the program starts, as the demo makes it: after
    vertebral or multiple fractures, no more than brisk walking (clinical-reference 4.2)."""
    low = len(sites) >= 2 or "vertebra" in sites
    return (
        patient_id,
        "low" if low else "moderate",
        "Fracture history" if low else "Osteoporosis without vertebral fracture",
        decided_on,
        physician_id,
        at,
    )
