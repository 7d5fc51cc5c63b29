"""Plain makers for schedules and the assessments that complete them, deterministic defaults."""

from datetime import date
from typing import Any

from osteorehab.accounts.domain import Role
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.assessments.services import assessment_record
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Episode, Patient
from osteorehab.patients.services import episode_move
from tests.factories import member

# Valid answers for the instruments of the check-up and the motor endurance test.
ANSWERS: dict[str, dict[str, Any]] = {
    "gad7": {"items": [0] * 7},
    "phq9": {"items": [0] * 9},
    "confidence": {"items": [6]},
    "short_fes_i": {"items": [1] * 7},
    "see": {"items": [6] * 9},
    "tsk17": {"items": [2] * 17},
    "chair_stand_30s": {"stands": 10, "age": 76, "sex": "female"},
    "two_minute_walk": {"distance_m": 150, "age": 76, "sex": "female"},
}


def start_program(patient: Patient, on: date) -> Episode:
    """The patient's referred episode moved to assessment, then active on `on`, by the nurse
    through the registry's service (which makes the follow-up schedule)."""
    nurse = member(patient.care_team, Role.NURSE)
    episode = patient.episodes.get()
    for status in (EpisodeStatus.ASSESSMENT, EpisodeStatus.ACTIVE):
        episode = episode_move(
            episode=episode, by=nurse, to_status=status, on=on, reason="", version=episode.version
        )
    return episode


def record(patient: Patient, code: str, on: date, **fields: Any) -> Assessment:
    """A valid assessment of `code` administered on `on`, by the counsellor."""
    return assessment_record(
        patient=patient,
        by=member(patient.care_team, Role.COUNSELLOR),
        code=code,
        answers=ANSWERS[code],
        administered_on=on,
        occasion=Occasion.FOLLOW_UP,
        **fields,
    )


def record_all(patient: Patient, codes: tuple[str, ...], on: date) -> None:
    for code in codes:
        record(patient, code, on)
