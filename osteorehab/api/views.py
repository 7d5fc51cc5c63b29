"""The staff pages of the patient import: upload a spreadsheet, then follow the job (the
progress polled with htmx, or reloaded by a link) to the patients registered or the problems
by row and column."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.access import require_role, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES
from osteorehab.audit.services import note_access
from osteorehab.core.types import AuthedRequest

from . import services
from .domain import COLUMNS
from .forms import UploadForm
from .models import ImportJob

RECENT_JOBS = 10
LISTED_PATIENTS = 100  # the patients a finished job's page names; the caseload has them all

COLUMN_HELP = {
    "family_name": _("Family name."),
    "given_name": _("Given name."),
    "date_of_birth": _("Date of birth, as YYYY-MM-DD."),
    "sex": _("female, male, other or unknown."),
    "record_number": _("Hospital record number: one patient per number in the organisation."),
    "phone": _("Phone number."),
    "preferred_language": _("en or zh-hans (empty: en)."),
    "care_team": _("The name of one of your care teams (empty: your only care team)."),
    "referred_on": _("Date of referral to the program, as YYYY-MM-DD."),
    "program_consent": _("yes if the patient consented to the program (empty: no)."),
    "consent_on": _(
        "Date of that decision, as YYYY-MM-DD: needed with yes (empty with no: the day of the "
        "import)."
    ),
    "diagnosis_on": _("Date osteoporosis was diagnosed, as YYYY-MM-DD."),
    "relevant_conditions": _("Other relevant conditions, as text."),
}


@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, *CLINICAL_ROLES)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        job = services.patients_import_start(
            by=request.user,
            file_name=file.name or "",
            data=file.read(services.MAX_BYTES + 1),
            language=get_language() or "en",
        )
        return redirect("imports:job", import_id=job.pk)
    return render(
        request,
        "api/import.html",
        {
            "form": form,
            "columns": [(name, required, COLUMN_HELP[name]) for name, required in COLUMNS.items()],
            "jobs": ImportJob.objects.visible_to(request.user)[:RECENT_JOBS],
            "max_rows": services.MAX_ROWS,
            "max_mb": services.MAX_MB,
        },
        status=400 if form.errors else 200,
    )


@login_required
def template(request: AuthedRequest) -> HttpResponse:
    """An empty spreadsheet with the columns, with a byte-order mark so that Excel reads it
    as UTF-8."""
    require_role(request.user, *CLINICAL_ROLES)
    response = HttpResponse(
        "\ufeff" + ",".join(COLUMNS) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="patients.csv"'
    return response


@login_required
def job(request: AuthedRequest, import_id: str) -> HttpResponse:
    require_role(request.user, *CLINICAL_ROLES)
    found = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=import_id)
    patients = list(
        visible_patients(request.user)
        .filter(pk__in=found.patient_ids)
        .select_related("care_team")
        .order_by("family_name", "given_name", "pk")[:LISTED_PATIENTS]
    )
    note_access([p.pk for p in patients], view_name="imports:job", listed=True)
    return render(
        request,
        "api/import_job.html#progress" if request.htmx else "api/import_job.html",
        {"job": found, "patients": patients, "more": len(found.patient_ids) - len(patients)},
    )
