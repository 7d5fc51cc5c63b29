"""The one place that decides which patients a user can reach and what they may do there.

Every view and API endpoint that touches a patient starts with `patient_for` (one patient) or
`visible_patients` (lists). Outsiders get 404, so a record's existence is not revealed; a user
who can reach the patient but may not take the action, or a caregiver asking for a part not
shared with them, gets 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event, note_access
from osteorehab.core.types import AuthedRequest
from osteorehab.patients.models import Caregiver, Consent, ConsentKind, Patient

from .domain import CLINICAL_ROLES, Action, CaregiverAction, Part, Role, may, parts_seen


def visible_patients(user: Any) -> QuerySet[Patient]:
    if not user.is_authenticated or not user.is_active:
        return Patient.objects.none()
    role = Role(user.role)
    patients = Patient.objects.all()
    if role in CLINICAL_ROLES:
        return patients.filter(care_team__memberships__user=user)
    if role is Role.LEAD:
        return patients.filter(organisation_id=user.organisation_id)
    if role is Role.PATIENT:
        return patients.filter(user=user)
    if role is Role.CAREGIVER:
        return (
            patients.filter(
                caregivers__user=user,
                caregivers__accepted_at__isnull=False,
                caregivers__revoked_at__isnull=True,
            )
            .annotate(family_sharing=Subquery(_latest_consent(ConsentKind.FAMILY_SHARING)))
            .filter(family_sharing=True)
        )
    return patients.none()


def _latest_consent(kind: ConsentKind, patient: str = "pk") -> QuerySet[Consent, Any]:
    """The latest decision of this kind of the patient `patient` names in the outer query."""
    return (
        Consent.objects.filter(patient=OuterRef(patient), kind=kind)
        .order_by("-decided_on", "-id")
        .values("granted")[:1]
    )


def program_consent_subquery() -> Subquery:
    return Subquery(_latest_consent(ConsentKind.PROGRAM))


def family_sharing_subquery(patient: str = "pk") -> Subquery:
    return Subquery(_latest_consent(ConsentKind.FAMILY_SHARING, patient))


def caregiver_may(user: Any, patient: Patient, action: CaregiverAction) -> bool:
    """Whether this caregiver, who can reach the patient (invitation accepted, not revoked,
    family sharing consented), was allowed by the patient to take this action."""
    if user.role != Role.CAREGIVER or not visible_patients(user).filter(pk=patient.pk).exists():
        return False
    link = Caregiver.objects.filter(patient=patient, user=user).first()
    return link is not None and action.value in link.allowed_actions


def parts_for(user: Any, patient: Patient) -> frozenset[Part]:
    shared: list[str] = []
    if user.role == Role.CAREGIVER:
        link = Caregiver.objects.filter(patient=patient, user=user).first()
        shared = link.shared_parts if link else []
    return parts_seen(Role(user.role), shared)


def patient_for(
    request: AuthedRequest,
    patient_id: int,
    *,
    action: Action = Action.VIEW,
    part: Part | None = None,
) -> Patient:
    """The patient, if this user may take `action` on them (and see `part`); else 404/403.

    The access is noted for the audit trail: a read event unless the request writes.
    """
    # with their login, which staff pages show: one query whether the patient has one or not
    patient = visible_patients(request.user).filter(pk=patient_id).select_related("user").first()
    return _granted(request, patient, patient_id, action=action, part=part)


def own_patient(
    request: AuthedRequest, *, action: Action = Action.VIEW, part: Part | None = None
) -> Patient:
    """The logged-in patient's own record, checked and noted as `patient_for` does, in one
    query (the patient's pages look it up on every request); 403 for any other role."""
    require_role(request.user, Role.PATIENT)
    patient = visible_patients(request.user).first()
    if patient is None:
        raise Http404
    return _granted(request, patient, patient.pk, action=action, part=part)


def _granted(
    request: AuthedRequest,
    patient: Patient | None,
    patient_id: int,
    *,
    action: Action,
    part: Part | None,
) -> Patient:
    user = request.user
    view_name = request.resolver_match.view_name if request.resolver_match else ""
    if patient is None:
        _audit_denied(user, patient_id, view_name)
        raise Http404
    if not may(Role(user.role), action) or (part and part not in parts_for(user, patient)):
        _audit_denied(user, patient_id, view_name)
        raise PermissionDenied
    note_access([patient.pk], view_name=view_name)
    return patient


def _audit_denied(user: Any, patient_id: int, view_name: str) -> None:
    if not user.is_authenticated:
        return
    exists = Patient.objects.filter(pk=patient_id).exists()
    audit_event(
        by=user,
        action=AuditAction.DENIED,
        target=view_name,
        patient_id=patient_id if exists else None,
        object_id=patient_id,
    )


def require_role(user: Any, *roles: Role) -> None:
    """For pages that belong to roles rather than to one patient (the caseload, the audit)."""
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied
