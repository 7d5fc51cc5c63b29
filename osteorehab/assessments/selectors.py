"""Reads of a patient's assessments: the baseline each instrument had, the profile the
safety rules and the plan read, and the questionnaires the patient is to answer now."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from osteorehab.followup.domain import Status
from osteorehab.followup.selectors import patient_schedule, questionnaires_due
from osteorehab.patients.models import Patient

from .domain import BASELINE_BATTERY, Profile, profile_from_results
from .instruments import INSTRUMENTS
from .instruments.base import InputError, Result
from .models import Assessment, ImpactDecision, Occasion


def baseline_assessments(patient: Patient) -> dict[str, Assessment]:
    """Each instrument's latest baseline assessment, or its latest of any occasion where it had
    no baseline (one query)."""
    chosen: dict[str, Assessment] = {}
    for assessment in patient.assessments.valid().order_by("-administered_on", "-id"):
        held = chosen.get(assessment.instrument)
        if held is None or (
            held.occasion != Occasion.BASELINE and assessment.occasion == Occasion.BASELINE
        ):
            chosen[assessment.instrument] = assessment
    return chosen


def _rescored(assessment: Assessment) -> Result | None:
    """The result as the scorer gives it now; None if the stored answers no longer pass it
    (the stored result, as scored then, stays on the assessment's own page)."""
    try:
        return INSTRUMENTS[assessment.instrument].score(assessment.answers)
    except (KeyError, InputError):
        return None


def _weeks_since(day: date | None) -> int | None:
    return (timezone.localdate() - day).days // 7 if day else None


@dataclass(frozen=True)
class Baseline:
    assessments: dict[str, Assessment]  # each instrument's baseline assessment
    results: dict[str, Result]  # as the scorer gives them now
    impact: ImpactDecision | None  # the physician's decision in force
    profile: Profile


def patient_baseline(patient: Patient) -> Baseline:
    """The baseline profile from the record: the latest baseline result of each instrument,
    recomputed from its stored answers (the profile reads what the scorer says now), the valid
    fractures and the physician's impact decision."""
    latest = baseline_assessments(patient)
    rescored = {code: _rescored(a) for code, a in latest.items()}
    results = {code: result for code, result in rescored.items() if result is not None}
    falls = latest.get("falls_risk_wfg")
    impact = patient.impact_decisions.select_related("decided_by").first()
    fractures = list(patient.fractures.valid())
    profile = profile_from_results(
        results,
        vertebral_fracture=any(f.site == "vertebra" for f in fractures),
        fragility_fractures=len(fractures),
        recent_fracture_weeks=_weeks_since(max((f.occurred_on for f in fractures), default=None)),
        physician_impact=impact.level if impact else None,
        frail=falls.answers.get("frailty") if falls else None,
    )
    return Baseline(latest, results, impact, profile)


def questionnaires_to_answer(patient: Patient, today: date) -> dict[str, date | None]:
    """The patient's questionnaires due now, each with the day to answer it by: those a due or
    overdue item of their follow-up schedule still needs (by its due date, or once overdue by
    the end of its window), and their baseline questionnaires not yet answered (no date: the
    enrolment asks for them once, before the schedule begins)."""
    answered = set(patient.assessments.valid().values_list("instrument", flat=True))
    due: dict[str, date | None] = {
        code: None for code in BASELINE_BATTERY["patient"] if code not in answered
    }
    for code, scheduled in questionnaires_due(patient_schedule(patient, today)).items():
        item = scheduled.item
        due[code] = item.due_on if scheduled.status is Status.DUE else item.closes_on
    return due
