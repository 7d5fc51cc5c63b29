"""Reads: the scores the psychological plan is set from, and the plan itself."""

from django.utils import timezone

from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.patients.models import Patient

from .domain import (
    MEASURES,
    Baseline,
    Frequency,
    Recommendation,
    SetFrequency,
    recommend,
    with_set_frequencies,
)
from .models import ModuleFrequency


def _item9(phq9: Assessment | None) -> int | None:
    items = phq9.answers.get("items") if phq9 else None
    if not isinstance(items, list) or len(items) != 9:
        return None
    answer = items[8]
    return answer if answer in (0, 1, 2, 3) and not isinstance(answer, bool) else None


def psych_baseline(patient: Patient) -> tuple[Baseline, dict[str, Assessment], Assessment | None]:
    """The scores the recommendation reads, in one query: each measure's latest computable
    baseline assessment, or its latest of any occasion where it had none (as the baseline profile
    reads them); and PHQ-9 item 9 from the latest PHQ-9 of any occasion, computable or not,
    because the safety state is about now (clinical-reference 1.1)."""
    chosen: dict[str, Assessment] = {}
    latest_phq9 = None
    assessments = patient.assessments.valid().filter(instrument__in=list(MEASURES))
    for assessment in assessments.order_by("-administered_on", "-id"):
        if assessment.instrument == "phq9" and latest_phq9 is None:
            latest_phq9 = assessment
        if not assessment.valid or assessment.total is None:
            continue
        held = chosen.get(assessment.instrument)
        if held is None or (
            held.occasion != Occasion.BASELINE and assessment.occasion == Occasion.BASELINE
        ):
            chosen[assessment.instrument] = assessment
    baseline = Baseline.from_totals(
        {code: assessment.total for code, assessment in chosen.items()},
        phq9_item9=_item9(latest_phq9),
    )
    return baseline, chosen, latest_phq9


def set_frequencies(patient: Patient) -> dict[str, SetFrequency]:
    """The frequency the care team last set for each module (one query)."""
    found: dict[str, SetFrequency] = {}
    for row in ModuleFrequency.objects.filter(patient=patient).order_by("-set_at", "-id"):
        found.setdefault(
            row.module,
            SetFrequency(
                Frequency(row.frequency), row.reason, timezone.localdate(row.set_at).isoformat()
            ),
        )
    return found


def psych_plan(patient: Patient) -> tuple[Recommendation, ...]:
    """The psychological plan in force: the baseline rule's recommendations, with the
    frequencies the care team set (two queries)."""
    baseline, _used, _phq9 = psych_baseline(patient)
    return with_set_frequencies(recommend(baseline), set_frequencies(patient))
