from django.http import HttpRequest

from osteorehab.accounts.domain import CLINICAL_ROLES, Role


def roles(request: HttpRequest) -> dict[str, bool]:
    """What the page shell shows this user: their menu, and large type for patients and family."""
    role = getattr(request.user, "role", "")
    return {
        "has_caseload": role in CLINICAL_ROLES or role == Role.LEAD,
        "sees_audit": role in (Role.LEAD, Role.ADMIN),
        "is_admin": role == Role.ADMIN,
        "is_patient": role == Role.PATIENT,
        "is_caregiver": role == Role.CAREGIVER,
        # patients and family read large type, and so does everyone on the login pages
        "large_type": role in (Role.PATIENT, Role.CAREGIVER, ""),
    }
