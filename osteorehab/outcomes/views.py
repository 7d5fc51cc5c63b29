"""Progress for the patient and the care team (and a caregiver the patient shares it with), the
two PDF reports, and the program lead's cohort dashboard with its de-identified data set."""

import csv
import secrets
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from osteorehab.accounts.access import own_patient, patient_for, require_role
from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.services import note_access
from osteorehab.core.charts import inline_svg
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient
from osteorehab.patients.selectors import medication_rows

from . import domain, reports
from .cohort import EpisodeRow, Filters, analysis_table, cohort_rows, episodes_of
from .figures import measure_drawing, measure_label, weeks_drawing, weeks_label
from .forms import CohortFilterForm
from .selectors import progress
from .summary import cohort_of, unsummarised
from .tasks import cohort_summaries_missing

FAMILY_SIDE = (Role.PATIENT, Role.CAREGIVER)


def _progress_page(request: AuthedRequest, patient: Patient) -> HttpResponse:
    data = progress(patient, timezone.localdate())
    charts = [
        (m, inline_svg(measure_drawing(m), label=measure_label(m), uid=f"chart-{m.code}"))
        for m in data.taken
    ]
    weeks = (
        inline_svg(weeks_drawing(data.weeks), label=weeks_label(data.weeks), uid="chart-weeks")
        if data.weeks
        else None
    )
    family_side = request.user.role in FAMILY_SIDE
    return render(
        request,
        "outcomes/my_progress.html" if family_side else "outcomes/progress.html",
        {
            "patient": patient,
            "progress": data,
            "charts": charts,
            "weeks_chart": weeks,
            "own": request.user.role == Role.PATIENT,
        },
    )


@login_required
def patient_progress(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's progress: the care team's full page, or for a caregiver with the progress
    part shared the patient's own plain page."""
    patient = patient_for(request, patient_id, part=Part.PROGRESS)
    return _progress_page(request, patient)


@login_required
def my_progress(request: AuthedRequest) -> HttpResponse:
    """The patient's own progress, phone first."""
    return _progress_page(request, own_patient(request, part=Part.PROGRESS))


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def patient_report(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The patient's report: large type, plain words, in the reader's language."""
    patient = patient_for(request, patient_id, part=Part.PROGRESS)
    today = timezone.localdate()
    pdf = reports.patient_report(patient, progress(patient, today), get_language() or "en")
    return _pdf(pdf, f"progress-{patient.pk}-{today.isoformat()}.pdf")


@login_required
def clinician_report(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The report for clinicians and the referring physician: every measure with its cut-offs
    and MCID, adherence, falls, fractures, medicines with PDC, goals and GAS. Staff only."""
    patient = patient_for(request, patient_id, part=Part.PROGRESS)
    if request.user.role in FAMILY_SIDE:
        raise PermissionDenied
    today = timezone.localdate()
    pdf = reports.clinician_report(
        patient, progress(patient, today), medication_rows(patient), get_language() or "en"
    )
    return _pdf(pdf, f"clinical-report-{patient.pk}-{today.isoformat()}.pdf")


def _cohort_rows(request: AuthedRequest, form: CohortFilterForm) -> list[EpisodeRow]:
    filters = form.filters() if form.is_bound else Filters()
    return cohort_rows(request.user.organisation_id, filters, timezone.localdate())


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The program's cohort: enrolment and retention, adherence, change from baseline with
    confidence intervals, falls and re-fracture rates, follow-up completion and the
    fracture-liaison indicators. Aggregates only: no patient is named, so no patient's record
    is read (the data set's export is). Summed up from the episodes' summaries of the day
    (`summary`); those missing are asked for (at once where jobs run inline)."""
    require_role(request.user, Role.LEAD, Role.ADMIN)
    form = CohortFilterForm(request.GET or None, organisation_id=request.user.organisation_id)
    context: dict[str, Any] = {
        "form": form,
        "time_points": domain.TIME_POINTS,
        "can_export": request.user.role == Role.LEAD,
    }
    if form.is_bound and not form.is_valid():
        return render(request, "outcomes/dashboard.html", context, status=400)
    filters = form.filters() if form.is_bound else Filters()
    episodes = episodes_of(request.user.organisation_id, filters)
    today = timezone.localdate()
    missing = unsummarised(episodes, today).count()
    if missing:
        cohort_summaries_missing(request.user.organisation_id)
        missing = unsummarised(episodes, today).count()  # none left where jobs run inline
    context["cohort"] = cohort_of(request.user.organisation_id, filters, today)
    context["missing"] = missing
    context["query"] = request.GET.urlencode()
    return render(request, "outcomes/dashboard.html", context)


@login_required
def export(request: AuthedRequest) -> HttpResponse:
    """The de-identified analysis data set of the filtered cohort as CSV: one row per episode
    and time point, a pseudonym new with each export, age in bands, no names, dates of birth,
    dates or free text. A program lead's only (a system administrator sees no patient's data);
    each patient in it is noted in the audit trail."""
    require_role(request.user, Role.LEAD)
    form = CohortFilterForm(request.GET or None, organisation_id=request.user.organisation_id)
    if form.is_bound and not form.is_valid():
        raise Http404
    rows = _cohort_rows(request, form)
    note_access({row.patient_id for row in rows}, view_name="outcomes:export", listed=True)
    codes: dict[int, str] = {}

    def pseudonym(patient_id: int) -> str:
        return codes.setdefault(patient_id, secrets.token_hex(5))

    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="outcomes-{today.isoformat()}.csv"'
    writer = csv.writer(response)
    for line in analysis_table(rows, today, pseudonym):
        writer.writerow(line)
    return response
