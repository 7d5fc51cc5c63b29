from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from osteorehab.accounts.domain import Role

HOME_BY_ROLE = {
    Role.PATIENT: "patients:me",
    Role.CAREGIVER: "patients:family",
    Role.ADMIN: "audit:search",
}


def home(request: HttpRequest) -> HttpResponse:
    """Each role starts on its own page: staff on their caseload."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(HOME_BY_ROLE.get(Role(request.user.role), "patients:caseload"))
