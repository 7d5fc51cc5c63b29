"""Reads: the scores the psychological plan is set from."""

from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.patients.models import Patient

from .domain import MEASURES, Baseline


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
