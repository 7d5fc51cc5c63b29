"""Reads of a patient's assessments: the baseline each instrument had, the profile the
safety rules and the plan read, and the questionnaires the patient is to answer now."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, F, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from osteorehab.followup.domain import Status
from osteorehab.followup.selectors import patient_schedule, questionnaires_due
from osteorehab.patients.models import Fracture, Patient

from .domain import BASELINE_BATTERY, Profile, profile_from_results
from .instruments import INSTRUMENTS
from .instruments.base import InputError, Result
from .models import Assessment, ImpactDecision, Occasion

# The instruments `profile_from_results` reads, and so all a profile needs rescored.
PROFILE_INSTRUMENTS = ("bone_density", "falls_risk_wfg", "pain_nrs")


def _choose(chosen: dict[str, Assessment], assessment: Assessment) -> None:
    """Keep the assessment as its instrument's baseline if it is the first baseline one, or
    the first of any occasion while no baseline one is held (assessments come newest first)."""
    held = chosen.get(assessment.instrument)
    if held is None or (
        held.occasion != Occasion.BASELINE and assessment.occasion == Occasion.BASELINE
    ):
        chosen[assessment.instrument] = assessment


def baseline_assessments(patient: Patient) -> dict[str, Assessment]:
    """Each instrument's latest baseline assessment, or its latest of any occasion where it had
    no baseline (one query)."""
    chosen: dict[str, Assessment] = {}
    for assessment in patient.assessments.valid().order_by("-administered_on", "-id"):
        _choose(chosen, assessment)
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


def _profile(
    results: dict[str, Result],
    falls: Assessment | None,
    impact: ImpactDecision | None,
    fractures: Sequence[tuple[str, date]],
) -> Profile:
    return profile_from_results(
        results,
        vertebral_fracture=any(site == "vertebra" for site, _on in fractures),
        fragility_fractures=len(fractures),
        recent_fracture_weeks=_weeks_since(max((on for _site, on in fractures), default=None)),
        physician_impact=impact.level if impact else None,
        frail=falls.answers.get("frailty") if falls else None,
    )


def _results(latest: dict[str, Assessment]) -> dict[str, Result]:
    rescored = {code: _rescored(a) for code, a in latest.items()}
    return {code: result for code, result in rescored.items() if result is not None}


def patient_baseline(patient: Patient) -> Baseline:
    """The baseline profile from the record: the latest baseline result of each instrument,
    recomputed from its stored answers (the profile reads what the scorer says now), the valid
    fractures and the physician's impact decision."""
    latest = baseline_assessments(patient)
    results = _results(latest)
    impact = patient.impact_decisions.select_related("decided_by").first()
    fractures = list(patient.fractures.valid().values_list("site", "occurred_on"))
    profile = _profile(results, latest.get("falls_risk_wfg"), impact, fractures)
    return Baseline(latest, results, impact, profile)


def baseline_profiles(patient_ids: Sequence[int]) -> dict[int, Profile]:
    """Many patients' baseline profiles, each as `patient_baseline` gives it, in three queries:
    only the assessments a profile reads, each instrument's baseline one chosen by the
    database (its latest baseline assessment, else its latest of any occasion)."""
    place = Window(
        RowNumber(),
        partition_by=[F("patient_id"), F("instrument")],
        order_by=[
            Case(When(occasion=Occasion.BASELINE, then=0), default=1).asc(),
            F("administered_on").desc(),
            F("id").desc(),
        ],
    )
    chosen: dict[int, dict[str, Assessment]] = defaultdict(dict)
    for assessment in (
        Assessment.objects.valid()
        .filter(patient_id__in=patient_ids, instrument__in=PROFILE_INSTRUMENTS)
        .annotate(place=place)
        .filter(place=1)
        .only("patient_id", "instrument", "occasion", "answers")
    ):
        chosen[assessment.patient_id][assessment.instrument] = assessment
    impacts: dict[int, ImpactDecision] = {}
    for impact in ImpactDecision.objects.filter(patient_id__in=patient_ids):  # newest first
        impacts.setdefault(impact.patient_id, impact)
    fractures: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for patient_id, site, on in (
        Fracture.objects.valid()
        .filter(patient_id__in=patient_ids)
        .values_list("patient_id", "site", "occurred_on")
    ):
        fractures[patient_id].append((site, on))
    return {
        pk: _profile(
            _results(chosen[pk]),
            chosen[pk].get("falls_risk_wfg"),
            impacts.get(pk),
            fractures[pk],
        )
        for pk in patient_ids
    }


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
