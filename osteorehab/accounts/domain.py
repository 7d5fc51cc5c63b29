"""Who may do what: roles, the actions on a patient's record, and the parts a patient can share.

Pure rules, no Django. Which patients a user can reach at all (care-team membership, the
organisation for a program lead, self, an invited caregiver) is decided by
`osteorehab.accounts.access`; this module decides what each role may do once reached.
"""

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    COUNSELLOR = "counsellor"  # psychological counsellor: emotions, beliefs
    THERAPIST = "therapist"  # rehabilitation therapist: exercise by bone density and function
    PHYSICIAN = "physician"  # medical safety, the limits of the intervention
    NURSE = "nurse"  # daily management, recording feedback
    LEAD = "lead"  # program lead: every patient of the organisation
    ADMIN = "admin"  # system administrator: accounts and teams, no patient records
    PATIENT = "patient"
    CAREGIVER = "caregiver"


# A care team needs at least one member of each clinical role (issue #2).
CLINICAL_ROLES = (Role.COUNSELLOR, Role.THERAPIST, Role.PHYSICIAN, Role.NURSE)
STAFF_ROLES = (*CLINICAL_ROLES, Role.LEAD, Role.ADMIN)


class Action(StrEnum):
    VIEW = "view"  # read the record (a caregiver only the shared parts)
    EDIT = "edit"  # identity, contact, osteoporosis details, consent
    ENROL = "enrol"  # program episodes, their status and the care team
    SHARE = "share"  # invite family and choose what they see
    LOGIN = "login"  # give the patient a login or reset its password
    REPORT = "report"  # answer questionnaires about oneself (a clinician may enter them too)


_CLINICIAN = frozenset(Action)
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.COUNSELLOR: _CLINICIAN,
    Role.THERAPIST: _CLINICIAN,
    Role.PHYSICIAN: _CLINICIAN,
    Role.NURSE: _CLINICIAN,
    Role.LEAD: frozenset({Action.VIEW, Action.ENROL}),
    Role.ADMIN: frozenset(),
    Role.PATIENT: frozenset({Action.VIEW, Action.SHARE, Action.REPORT}),
    Role.CAREGIVER: frozenset({Action.VIEW}),
}


def may(role: Role, action: Action) -> bool:
    """Whether a user of this role, who can reach a patient, may take this action on them."""
    return action in PERMISSIONS[role]


class Part(StrEnum):
    """The parts of a record a patient can share with a caregiver, one by one."""

    PROGRAM = "program"  # program status, care team, appointments
    MEDICAL = "medical"  # osteoporosis details, fractures, medication
    PLAN = "plan"  # exercise and psychological plan
    LOG = "log"  # rehabilitation log and check-ins
    PROGRESS = "progress"  # measures and goals over time


class CaregiverAction(StrEnum):
    """What a patient may allow a caregiver to do, beyond seeing the shared parts."""

    LOG_ON_BEHALF = "log_on_behalf"  # enter a session log or check-in for the patient
    RECEIVE_ALERTS = "receive_alerts"  # be told of the patient's urgent alerts


def parts_seen(role: Role, shared: Iterable[str]) -> frozenset[Part]:
    """The parts of a reachable record this role sees: all of them, or for a caregiver only
    what the patient shared (unknown names are ignored, never widened)."""
    if role is Role.CAREGIVER:
        known = {part.value for part in Part}
        return frozenset(Part(name) for name in shared if name in known)
    return frozenset(Part) if may(role, Action.VIEW) else frozenset()


def missing_roles(member_roles: Iterable[str]) -> list[Role]:
    """The clinical roles a care team still lacks, in the order of CLINICAL_ROLES."""
    present = set(member_roles)
    return [role for role in CLINICAL_ROLES if role.value not in present]
