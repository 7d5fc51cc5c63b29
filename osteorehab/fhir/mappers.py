"""Our objects as FHIR R4 resources (plain dicts): Patient, RelatedPerson, Practitioner,
CareTeam, CarePlan, Goal, Communication, AuditEvent, Task. The instruments' resources
(Questionnaire, QuestionnaireResponse, Observation) are in `scores`.

Pure: no Django. The selectors (`resources`) read the database into the frozen dataclasses
below; these functions only shape them. Displays are in English (FHIR is read by programs);
each person's words (a goal, a message) are as they were written.

Codes of our own live under CANONICAL. LOCAL PROGRAM CHOICE: the project's address for its
code systems and profiles; a deployment keeps it as it is, so that every site's exports mean
the same.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

CANONICAL = "https://osteorehab.org/fhir"
ROLE_SYSTEM = f"{CANONICAL}/CodeSystem/role"
PART_EXTENSION = f"{CANONICAL}/StructureDefinition/shared-part"
GAS_LEVEL_EXTENSION = f"{CANONICAL}/StructureDefinition/gas-level"
GAS_WEIGHT_EXTENSIONS = {
    "importance": f"{CANONICAL}/StructureDefinition/gas-importance",
    "difficulty": f"{CANONICAL}/StructureDefinition/gas-difficulty",
    "baseline": f"{CANONICAL}/StructureDefinition/gas-baseline-level",
}
GAS_LEVEL_SYSTEM = f"{CANONICAL}/CodeSystem/gas-level"
PHASE_SYSTEM = f"{CANONICAL}/CodeSystem/program-phase"
EXERCISE_SYSTEM = f"{CANONICAL}/CodeSystem/exercise"
FOLLOW_UP_SYSTEM = f"{CANONICAL}/CodeSystem/follow-up"
TOPIC_SYSTEM = f"{CANONICAL}/CodeSystem/message-topic"
AUDIT_SYSTEM = f"{CANONICAL}/CodeSystem/audit-action"
TASK_SYSTEM = f"{CANONICAL}/CodeSystem/task-kind"
# HL7 v2 table 0203 "MR": the hospital's medical record number.
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"
LANGUAGE_TAGS = {"en": "en", "zh-hans": "zh-Hans"}
NETWORK_IP = "2"  # AuditEvent agent network type: IP address


@dataclass(frozen=True)
class Ref:
    """Who or what a resource points to; `resource_type` empty: known by name only."""

    resource_type: str
    id: int | str | None
    display: str = ""

    def as_dict(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.resource_type and self.id is not None:
            found["reference"] = f"{self.resource_type}/{self.id}"
        if self.display:
            found["display"] = self.display
        return found


def patient_ref(patient_id: int) -> dict[str, str]:
    return {"reference": f"Patient/{patient_id}"}


def coding(system: str, code: str, display: str = "") -> dict[str, str]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def _some(**fields: Any) -> dict[str, Any]:
    """The fields that have a value (FHIR has no empty elements)."""
    return {name: value for name, value in fields.items() if value not in (None, "", [], {})}


# ---- People ----


@dataclass(frozen=True)
class PatientData:
    id: int
    family_name: str
    given_name: str
    name: str  # as shown: family first in Chinese
    date_of_birth: date
    sex: str  # already FHIR AdministrativeGender codes (patients.models.Sex)
    phone: str
    preferred_language: str
    record_number: str
    organisation: str


def patient(p: PatientData) -> dict[str, Any]:
    identifier = (
        [{"type": {"coding": [coding(IDENTIFIER_TYPE, "MR")]}, "value": p.record_number}]
        if p.record_number
        else []
    )
    language = LANGUAGE_TAGS.get(p.preferred_language, p.preferred_language)
    return {
        "resourceType": "Patient",
        "id": str(p.id),
        **_some(identifier=identifier),
        "active": True,
        "name": [
            {"use": "official", "text": p.name, "family": p.family_name, "given": [p.given_name]}
        ],
        **_some(telecom=[{"system": "phone", "value": p.phone}] if p.phone else []),
        "gender": p.sex,
        "birthDate": p.date_of_birth.isoformat(),
        "communication": [
            {"language": {"coding": [coding(LANGUAGE_SYSTEM, language)]}, "preferred": True}
        ],
        "managingOrganization": {"display": p.organisation},
    }


@dataclass(frozen=True)
class CaregiverData:
    id: int
    patient_id: int
    name: str
    relationship: str
    phone: str
    email: str
    shared_parts: Sequence[str]
    sharing: bool  # accepted, not revoked, and the patient's consent to family sharing stands
    accepted_at: datetime | None
    revoked_at: datetime | None


def related_person(c: CaregiverData) -> dict[str, Any]:
    """A family caregiver, with what the patient shares with them (while `active`)."""
    telecom = [{"system": "phone", "value": c.phone}] if c.phone else []
    telecom += [{"system": "email", "value": c.email}] if c.email else []
    period = _some(
        start=_instant(c.accepted_at) if c.accepted_at else None,
        end=_instant(c.revoked_at) if c.revoked_at else None,
    )
    return {
        "resourceType": "RelatedPerson",
        "id": str(c.id),
        **_some(extension=[{"url": PART_EXTENSION, "valueCode": part} for part in c.shared_parts]),
        "active": c.sharing,
        "patient": patient_ref(c.patient_id),
        "relationship": [{"text": c.relationship}],
        "name": [{"text": c.name}],
        **_some(telecom=telecom, period=period),
    }


@dataclass(frozen=True)
class StaffData:
    id: int
    full_name: str
    email: str
    role: str
    role_label: str
    active: bool


def role_concept(s: StaffData) -> dict[str, Any]:
    return {"coding": [coding(ROLE_SYSTEM, s.role, s.role_label)]}


def practitioner(s: StaffData) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "id": str(s.id),
        "active": s.active,
        "name": [{"text": s.full_name}],
        **_some(telecom=[{"system": "email", "value": s.email, "use": "work"}] if s.email else []),
        "qualification": [{"code": role_concept(s)}],
    }


@dataclass(frozen=True)
class TeamData:
    """A patient's care team, as the resource `CareTeam/<patient id>`."""

    patient_id: int
    name: str
    organisation: str
    members: Sequence[StaffData]


def care_team(t: TeamData) -> dict[str, Any]:
    return {
        "resourceType": "CareTeam",
        "id": str(t.patient_id),
        "status": "active",
        "name": t.name,
        "subject": patient_ref(t.patient_id),
        "participant": [
            {
                "role": [role_concept(m)],
                "member": Ref("Practitioner", m.id, m.full_name).as_dict(),
            }
            for m in t.members
        ],
        "managingOrganization": [{"display": t.organisation}],
    }


# ---- The plan ----


@dataclass(frozen=True)
class Activity:
    """One exercise of the plan in force: its code and name, weekdays (0 is Monday), dose and
    why it was chosen."""

    code: str
    name: str
    days: Sequence[int]
    dose: str
    reason: str


@dataclass(frozen=True)
class CheckUp:
    """One item of the follow-up schedule: what, the window it is due in, and its state in
    the schedule's words (followup.domain.Status)."""

    kind: str
    name: str
    opens_on: date
    closes_on: date
    state: str


# The schedule's states as CarePlan activity states: due and overdue are not yet done, a missed
# one ended undone when its window closed.
CHECK_UP_STATUS = {
    "upcoming": "scheduled",
    "due": "not-started",
    "overdue": "not-started",
    "missed": "stopped",
    "done": "completed",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class PlanData:
    id: int
    patient_id: int
    version: int
    in_force_from: date
    created_at: datetime
    author: Ref
    activities: Sequence[Activity]
    goal_ids: Sequence[int]
    check_ups: Sequence[CheckUp] = ()


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def care_plan(p: PlanData) -> dict[str, Any]:
    """The plan in force: its exercises by weekday, and the check-ups of the schedule."""
    activities: list[dict[str, Any]] = [
        {
            "detail": {
                "code": {"coding": [coding(EXERCISE_SYSTEM, a.code, a.name)], "text": a.name},
                **_some(reasonCode=[{"text": a.reason}] if a.reason else []),
                "status": "in-progress",
                "scheduledTiming": {"repeat": {"dayOfWeek": [WEEKDAYS[d] for d in a.days]}},
                **_some(description=a.dose),
            }
        }
        for a in p.activities
    ]
    activities += [
        {
            "detail": {
                "code": {"coding": [coding(FOLLOW_UP_SYSTEM, c.kind, c.name)], "text": c.name},
                "status": CHECK_UP_STATUS.get(c.state, "unknown"),
                "statusReason": {"text": c.state},
                "scheduledPeriod": {
                    "start": c.opens_on.isoformat(),
                    "end": c.closes_on.isoformat(),
                },
            }
        }
        for c in p.check_ups
    ]
    return {
        "resourceType": "CarePlan",
        "id": str(p.id),
        "meta": {"versionId": str(p.version)},
        "status": "active",
        "intent": "plan",
        "subject": patient_ref(p.patient_id),
        "period": {"start": p.in_force_from.isoformat()},
        "created": _instant(p.created_at),
        "author": p.author.as_dict(),
        "careTeam": [{"reference": f"CareTeam/{p.patient_id}"}],
        **_some(goal=[{"reference": f"Goal/{g}"} for g in p.goal_ids], activity=activities),
    }


@dataclass(frozen=True)
class GoalData:
    id: int
    patient_id: int
    statement: str
    phase: str
    target_on: date
    measure: Mapping[str, Any] | None  # the instrument's CodeableConcept (scores.measure)
    levels: Sequence[tuple[int, str]]  # the five GAS levels, -2..+2, in the goal's words
    importance: int
    difficulty: int
    baseline_level: int
    created_on: date
    created_by: Ref
    latest: tuple[int, date] | None  # the latest rating: level attained, on which day


def gas_code(level: int) -> str:
    """A GAS level as its scale writes it: -2, -1, 0, +1, +2 (clinical-reference 1.11)."""
    return f"{level:+d}" if level else "0"


def goal(g: GoalData) -> dict[str, Any]:
    """A SMART goal with its five Goal Attainment Scaling levels (clinical-reference 1.11) and
    the level last attained."""
    extension: list[dict[str, Any]] = [
        {
            "url": GAS_LEVEL_EXTENSION,
            "extension": [
                {"url": "level", "valueInteger": level},
                {"url": "description", "valueString": words},
            ],
        }
        for level, words in g.levels
    ]
    extension += [
        {"url": GAS_WEIGHT_EXTENSIONS["importance"], "valueInteger": g.importance},
        {"url": GAS_WEIGHT_EXTENSIONS["difficulty"], "valueInteger": g.difficulty},
        {"url": GAS_WEIGHT_EXTENSIONS["baseline"], "valueInteger": g.baseline_level},
    ]
    expected = dict(g.levels).get(0, "")
    outcome = {}
    if g.latest is not None:
        level, rated_on = g.latest
        outcome = {
            "statusDate": rated_on.isoformat(),
            "outcomeCode": [{"coding": [coding(GAS_LEVEL_SYSTEM, gas_code(level))]}],
        }
    return {
        "resourceType": "Goal",
        "id": str(g.id),
        "extension": extension,
        "lifecycleStatus": "active",
        "category": [{"coding": [coding(PHASE_SYSTEM, g.phase)]}],
        "description": {"text": g.statement},
        "subject": patient_ref(g.patient_id),
        "startDate": g.created_on.isoformat(),
        "target": [
            _some(measure=g.measure, detailString=expected, dueDate=g.target_on.isoformat())
        ],
        "expressedBy": g.created_by.as_dict(),
        **outcome,
    }


# ---- Messages, tasks, the audit trail ----


@dataclass(frozen=True)
class MessageData:
    id: int
    patient_id: int
    topic: str
    body: str
    sent_at: datetime
    sender: Ref
    recipient: Ref


def communication(m: MessageData) -> dict[str, Any]:
    return {
        "resourceType": "Communication",
        "id": str(m.id),
        "status": "completed",
        "subject": patient_ref(m.patient_id),
        "topic": {"coding": [coding(TOPIC_SYSTEM, m.topic)]},
        "sent": _instant(m.sent_at),
        "recipient": [m.recipient.as_dict()],
        "sender": m.sender.as_dict(),
        "payload": [{"contentString": m.body}],
    }


@dataclass(frozen=True)
class TaskData:
    id: int
    patient_id: int
    kind: str
    title: str
    done: bool
    due_on: date
    created_at: datetime
    done_at: datetime | None
    requester: Ref
    owner: Ref


def task(t: TaskData) -> dict[str, Any]:
    """A task agreed at a case meeting, for a member or a role of the care team."""
    return {
        "resourceType": "Task",
        "id": str(t.id),
        "status": "completed" if t.done else "requested",
        "intent": "order",
        "code": {"coding": [coding(TASK_SYSTEM, t.kind)]},
        "description": t.title,
        "for": patient_ref(t.patient_id),
        "authoredOn": _instant(t.created_at),
        "lastModified": _instant(t.done_at or t.created_at),
        "requester": t.requester.as_dict(),
        "owner": t.owner.as_dict(),
        "restriction": {"period": {"end": t.due_on.isoformat()}},
    }


@dataclass(frozen=True)
class AuditData:
    id: int
    at: datetime
    action: str
    action_label: str
    who: Ref
    role: str
    target: str
    object_id: str
    patient_id: int | None
    changes: Mapping[str, Any]
    ip: str | None


# Our audit actions as FHIR AuditEvent actions (C create, R read, U update, E execute).
AUDIT_ACTIONS = {"read": "R", "list": "R", "create": "C", "update": "U"}
FAILED = {"denied", "login_failed"}


def audit_event(a: AuditData) -> dict[str, Any]:
    agent: dict[str, Any] = {"who": a.who.as_dict() or {"display": "anonymous"}, "requestor": True}
    if a.role:
        agent["role"] = [{"coding": [coding(ROLE_SYSTEM, a.role)]}]
    if a.ip:
        agent["network"] = {"address": a.ip, "type": NETWORK_IP}
    what = f"{a.target} #{a.object_id}" if a.object_id else a.target
    entity: list[dict[str, Any]] = [{"what": {"display": what}}]
    if a.changes:
        entity[0]["detail"] = [
            {"type": "changes", "valueString": json.dumps(a.changes, ensure_ascii=False)}
        ]
    if a.patient_id is not None:
        entity.append({"what": patient_ref(a.patient_id)})
    return {
        "resourceType": "AuditEvent",
        "id": str(a.id),
        "type": coding(AUDIT_SYSTEM, a.action, a.action_label),
        "action": AUDIT_ACTIONS.get(a.action, "E"),
        "recorded": _instant(a.at),
        "outcome": "4" if a.action in FAILED else "0",
        "agent": [agent],
        "source": {"observer": {"display": "OsteoRehab"}},
        "entity": entity,
    }
