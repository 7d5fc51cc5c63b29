"""The floors' views, beside the product's URLs: only the benchmark server has them.

A floor is what a request costs with the product's own middleware, session authentication and
CSRF check and next to nothing else, measured in the same run with the same server and the same
load client as the view it stands beside (bench/README.md).
"""

from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path

from osteorehab.accounts.access import require_role
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Patient
from osteorehab.patients.views import CASELOAD_ROLES

CAPTURED = settings.VAR_DIR / "floor"


@login_required
def one_query(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """The log submission's floor: one primary-key query, whatever the method (the load client
    posts the same form here as to the real view, so the CSRF check is the same)."""
    patient = Patient.objects.get(pk=patient_id)
    return HttpResponse(str(patient.pk), content_type="text/plain")


@cache
def _captured(name: str) -> bytes:
    return (CAPTURED / f"{name}.html").read_bytes()


@login_required
def same_bytes(request: AuthedRequest, name: str) -> HttpResponse:
    """The caseload's floor: the bytes the page gave this user, captured just before, behind
    the same role check and no query of its own."""
    require_role(request.user, *CASELOAD_ROLES)
    return HttpResponse(_captured(name), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/floor/one-query/<int:patient_id>/", one_query),
    path("bench/floor/bytes/<slug:name>/", same_bytes),
    path("", include("config.urls")),
]
