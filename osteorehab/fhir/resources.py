"""Reads for the FHIR endpoints: which rows of each resource type a user may read, and each row
as its resource (through the pure mappers).

Who reads what is the web pages' rule, through the same helpers (`visible_patients`, the parts
a patient shares with a caregiver): a resource belongs to one patient and to one of the parts
of their record, and some types only to some roles (the caregivers list, like the record
page, to the care team and the patient; case-meeting tasks to the care team).
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from osteorehab.accounts.access import family_sharing_subquery, parts_for, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, STAFF_ROLES, Part, Role
from osteorehab.accounts.models import ROLE_LABELS, CareTeamMember, User
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.models import Assessment
from osteorehab.audit.models import AuditAction, AuditEvent, AuditEventQuerySet
from osteorehab.contact.models import Message
from osteorehab.followup.models import Kind, ScheduleItem
from osteorehab.followup.selectors import standings
from osteorehab.logbook.selectors import in_force_from
from osteorehab.meetings.models import Task, TaskStatus
from osteorehab.patients.models import Caregiver, Patient
from osteorehab.plans.domain import dose_reason, items_of
from osteorehab.plans.models import CarePlan, Goal, GoalRating, PlanVersion
from osteorehab.plans.selectors import names

from . import mappers, scores
from .mappers import Ref

CASELOAD_ROLES = (*CLINICAL_ROLES, Role.LEAD)


class Context:
    """What shaping many rows shares, looked up once: the exercises' names; and what a batch
    of rows needs read at once (`Source.prepare`), such as the care plans' check-ups."""

    def __init__(self) -> None:
        self.check_ups: dict[int, list[mappers.CheckUp]] = {}

    @cached_property
    def exercise_names(self) -> dict[str, str]:
        return names("en")


@dataclass(frozen=True)
class Source:
    """One resource type: its rows (with what shaping them needs joined), how a row becomes
    the resource, whose record it belongs to and which part, and its date search parameters
    (parameter -> field)."""

    resource_type: str
    rows: Callable[[], QuerySet[Any]]
    shape: Callable[[Any, Context], dict[str, Any]]
    patient: str | None = "patient_id"  # the lookup to the row's patient; None: no patient's
    part: Part | None = None
    roles: tuple[Role, ...] | None = None  # None: everyone who reaches the patient
    dates: Mapping[str, str] = field(default_factory=dict)
    # reads what shaping a batch of rows needs, in a few queries for the whole batch (an
    # export's rows come in batches; a row shaped alone reads it for itself)
    prepare: Callable[[Sequence[Any], Context], None] | None = None


def _caregiver_link(patient: str, user: str) -> Subquery:
    """The caregiver link of the row's user to the row's patient, where they are one."""
    links = Caregiver.objects.filter(patient=OuterRef(patient), user=OuterRef(user))
    return Subquery(links.values("pk")[:1])


def person(user: User | None, patient_id: int | None, caregiver_link: int | None = None) -> Ref:
    """A user as FHIR knows them: staff as a Practitioner, the patient, their caregiver."""
    if user is None:
        return Ref("", None)
    return person_of(user.pk, user.get_full_name(), user.role, patient_id, caregiver_link)


def person_of(
    user_id: int, name: str, role: str, patient_id: int | None, caregiver_link: int | None
) -> Ref:
    """`person` from the user's id, name (full name, else user name) and role."""
    if role in STAFF_ROLES:
        return Ref("Practitioner", user_id, name)
    if role == Role.PATIENT and patient_id is not None:
        return Ref("Patient", patient_id, name)
    if role == Role.CAREGIVER and caregiver_link is not None:
        return Ref("RelatedPerson", caregiver_link, name)
    return Ref("", None, name)


def staff_data(user: User) -> mappers.StaffData:
    return mappers.StaffData(
        id=user.pk,
        full_name=user.get_full_name(),
        email=user.email,
        role=user.role,
        role_label=str(ROLE_LABELS[Role(user.role)]),
        active=user.is_active,
    )


def patient_data(p: Patient) -> mappers.PatientData:
    return mappers.PatientData(
        id=p.pk,
        family_name=p.family_name,
        given_name=p.given_name,
        name=p.name,
        date_of_birth=p.date_of_birth,
        sex=p.sex,
        phone=p.phone,
        preferred_language=p.preferred_language,
        record_number=p.record_number,
        organisation=p.organisation.name,
    )


def _patient(p: Patient, context: Context) -> dict[str, Any]:
    return mappers.patient(patient_data(p))


def _caregiver(c: Any, context: Context) -> dict[str, Any]:
    return mappers.related_person(
        mappers.CaregiverData(
            id=c.pk,
            patient_id=c.patient_id,
            name=c.name,
            relationship=c.relationship,
            phone=c.phone,
            email=c.email,
            shared_parts=[part.value for part in c.shared],
            sharing=bool(c.accepted_at and not c.revoked_at and c.family_sharing),
            accepted_at=c.accepted_at,
            revoked_at=c.revoked_at,
        )
    )


def _care_team(p: Patient, context: Context) -> dict[str, Any]:
    team = p.care_team
    return mappers.care_team(
        mappers.TeamData(
            patient_id=p.pk,
            name=team.name,
            organisation=p.organisation.name,
            members=[staff_data(m.user) for m in team.memberships.all()],
        )
    )


def _activities(version: PlanVersion, context: Context) -> list[mappers.Activity]:
    found = []
    for item in items_of(version.content):
        dose = ", ".join(part for part in (str(dose_reason(item.dose)), item.dose.load_en) if part)
        name = context.exercise_names.get(item.exercise, item.exercise)
        found.append(mappers.Activity(item.exercise, name, item.days, dose, str(item.reason)))
    return found


def check_ups_of(patient_ids: Sequence[int]) -> dict[int, list[mappers.CheckUp]]:
    """Each patient's follow-up schedule, each item as it stands today, in date order: two
    queries whatever the number of patients, the items read as plain values (a care plan lists
    a year of bi-weekly check-ups)."""
    items = ScheduleItem.objects.filter(patient_id__in=patient_ids)
    labels = {kind.value: str(kind.label) for kind in Kind}
    found: dict[int, list[mappers.CheckUp]] = {pk: [] for pk in patient_ids}
    for standing in standings(items, timezone.localdate()):
        item = standing.item
        found[standing.patient_id].append(
            mappers.CheckUp(
                kind=item.kind.value,
                name=labels[item.kind.value],
                opens_on=item.opens_on,
                closes_on=item.closes_on,
                state=standing.status.value,
            )
        )
    return found


def _plans_check_ups(plans: Sequence[Any], context: Context) -> None:
    """The batch's check-ups, in place of the batch before's (memory stays that of a batch)."""
    context.check_ups = check_ups_of([plan.patient_id for plan in plans])


def _care_plan(plan: Any, context: Context) -> dict[str, Any]:
    version = plan.in_force[0]
    check_ups = context.check_ups.get(plan.patient_id)
    if check_ups is None:
        check_ups = check_ups_of([plan.patient_id])[plan.patient_id]
    return mappers.care_plan(
        mappers.PlanData(
            id=plan.pk,
            patient_id=plan.patient_id,
            version=version.number,
            in_force_from=in_force_from(version),
            created_at=version.created_at,
            author=person(version.author, plan.patient_id),
            activities=_activities(version, context),
            goal_ids=[g.pk for g in plan.patient.goals.all()],
            check_ups=check_ups,
        )
    )


def _goal(g: Any, context: Context) -> dict[str, Any]:
    latest = g.latest[0] if g.latest else None
    instrument = INSTRUMENTS.get(g.measure)
    return mappers.goal(
        mappers.GoalData(
            id=g.pk,
            patient_id=g.patient_id,
            statement=g.statement,
            phase=g.phase,
            target_on=g.target_on,
            measure=scores.measure(instrument) if instrument else None,
            levels=g.levels(),
            importance=g.importance,
            difficulty=g.difficulty,
            baseline_level=g.baseline_level,
            created_on=g.created_at.date(),
            created_by=person(g.created_by, g.patient_id),
            latest=(latest.level, latest.rated_on) if latest else None,
        )
    )


def assessment_data(a: Mapping[str, Any]) -> scores.AssessmentData:
    """An assessment as `_assessments` reads it."""
    return scores.AssessmentData(
        id=a["pk"],
        patient_id=a["patient_id"],
        instrument=a["instrument"],
        answers=a["answers"],
        result=_result(a),
        administered_on=a["administered_on"],
        occasion=a["occasion"],
        note=a["note"],
        recorder=person_of(
            a["recorded_by_id"],
            a["recorder_name"] or a["recorder_username"],
            a["recorder_role"],
            a["patient_id"],
            a["caregiver_link"],
        ),
        self_reported=a["self_reported"],
    )


def _message(m: Any, context: Context) -> dict[str, Any]:
    patient_id = m.thread.patient_id
    sender = person(m.author, patient_id, m.caregiver_link)
    recipient = (
        Ref("Patient", patient_id)
        if m.author.role in STAFF_ROLES
        else Ref("CareTeam", patient_id, str(ROLE_LABELS[Role(m.thread.to_role)]))
    )
    return mappers.communication(
        mappers.MessageData(
            id=m.pk,
            patient_id=patient_id,
            topic=m.thread.topic,
            body=m.body,
            sent_at=m.sent_at,
            sender=sender,
            recipient=recipient,
        )
    )


def _task(t: Any, context: Context) -> dict[str, Any]:
    owner = (
        person(t.owner_user, t.patient_id)
        if t.owner_user
        else Ref("", None, str(ROLE_LABELS[Role(t.owner_role)]))
    )
    return mappers.task(
        mappers.TaskData(
            id=t.pk,
            patient_id=t.patient_id,
            kind=t.kind,
            title=t.title,
            done=t.status == TaskStatus.DONE,
            due_on=t.due_on,
            created_at=t.created_at,
            done_at=t.done_at,
            requester=person(t.created_by, t.patient_id),
            owner=owner,
        )
    )


ACTION_LABELS = dict(AuditAction.choices)


def _audit(e: Any, context: Context) -> dict[str, Any]:
    user = e.user
    patient_of_user = getattr(user, "patient", None) if user else None
    who = person(user, patient_of_user.pk if patient_of_user else None)
    return mappers.audit_event(
        mappers.AuditData(
            id=e.pk,
            at=e.at,
            action=e.action,
            action_label=str(ACTION_LABELS.get(e.action, e.action)),
            who=who if who.as_dict() else Ref("", None, e.username),
            role=e.role,
            target=e.target,
            object_id=e.object_id,
            patient_id=e.patient_id,
            changes=e.changes,
            ip=e.ip,
        )
    )


def _json_text(value: Any) -> Any:
    """A value `_assessments` read out of a result's JSON as text, as it was in the JSON: the
    databases give a string as its text, and a number, true, false or null as their JSON text
    (PostgreSQL) or as themselves (SQLite; null as SQL NULL or as 'null')."""
    if isinstance(value, str) and value in ("true", "false", "null"):
        return json.loads(value)
    return value


def _result(a: Mapping[str, Any]) -> dict[str, Any]:
    """The keys the resources read of a stored result, as `_assessments` reads them (a key
    the result does not hold, or holds as null, is left out, as `.get` reads it)."""
    total, bands = _json_text(a["result_total"]), _json_text(a["result_bands"])
    found = {
        "total": json.loads(total) if isinstance(total, str) else total,
        "band": _json_text(a["result_band"]),
        "bands": json.loads(bands) if isinstance(bands, str) else bands,
        "valid": _json_text(a["result_valid"]),
    }
    return {key: value for key, value in found.items() if value is not None}


def _assessments() -> QuerySet[Any]:
    """The assessments as the resources read them: plain values, the result's few keys read
    out of its JSON by the database (an export reads hundreds of thousands)."""
    return (
        Assessment.objects.valid()
        .annotate(
            caregiver_link=_caregiver_link("patient", "recorded_by"),
            recorder_name=F("recorded_by__full_name"),
            recorder_username=F("recorded_by__username"),
            recorder_role=F("recorded_by__role"),
            # what the resources read of a stored result (`scores`), as text: not its reasons,
            # most of its size, and no JSON decoded for each key
            result_total=KT("result__total"),
            result_band=KT("result__band"),
            result_bands=KT("result__bands"),
            result_valid=KT("result__valid"),
        )
        .values(
            "pk",
            "patient_id",
            "instrument",
            "answers",
            "administered_on",
            "occasion",
            "note",
            "recorded_by_id",
            "recorder_name",
            "recorder_username",
            "recorder_role",
            "caregiver_link",
            "self_reported",
            "result_total",
            "result_band",
            "result_bands",
            "result_valid",
        )
    )


# The version a patient follows: approved, or needing no approval (logbook.selectors).
IN_FORCE = Q(needs_approval=False) | Q(approved_at__isnull=False)


def _care_plans() -> QuerySet[CarePlan]:
    versions = PlanVersion.objects.filter(IN_FORCE)
    return (
        CarePlan.objects.filter(Exists(versions.filter(plan=OuterRef("pk"))))
        .select_related("patient")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=versions.select_related("author").order_by("-number"),
                to_attr="in_force",
            ),
            Prefetch("patient__goals", queryset=Goal.objects.only("pk", "patient_id")),
        )
    )


SOURCES = {
    source.resource_type: source
    for source in (
        Source(
            "Patient",
            lambda: Patient.objects.select_related("organisation"),
            _patient,
            patient="pk",
        ),
        Source(
            "RelatedPerson",
            lambda: Caregiver.objects.annotate(
                family_sharing=Coalesce(family_sharing_subquery("patient"), False)
            ),
            _caregiver,
            roles=(*CASELOAD_ROLES, Role.PATIENT),
        ),
        Source(
            "CareTeam",
            lambda: Patient.objects.select_related("organisation", "care_team").prefetch_related(
                Prefetch(
                    "care_team__memberships",
                    queryset=CareTeamMember.objects.select_related("user").order_by(
                        "user__role", "user__full_name"
                    ),
                )
            ),
            _care_team,
            patient="pk",
            part=Part.PROGRAM,
        ),
        Source("CarePlan", _care_plans, _care_plan, part=Part.PLAN, prepare=_plans_check_ups),
        Source(
            "Goal",
            lambda: Goal.objects.select_related("created_by").prefetch_related(
                Prefetch(
                    "ratings",
                    queryset=GoalRating.objects.order_by("-rated_on", "-id"),
                    to_attr="latest",
                )
            ),
            _goal,
            part=Part.PROGRESS,
            dates={"target-date": "target_on"},
        ),
        Source(
            "QuestionnaireResponse",
            lambda: _assessments().filter(instrument__in=[i.code for i in scores.questionnaires()]),
            lambda a, context: scores.questionnaire_response(assessment_data(a)),
            part=Part.PROGRESS,
            dates={"authored": "administered_on"},
        ),
        Source(
            "Observation",
            _assessments,
            lambda a, context: scores.observation(assessment_data(a)),
            part=Part.PROGRESS,
            dates={"date": "administered_on"},
        ),
        Source(
            "Communication",
            lambda: Message.objects.select_related("thread", "author").annotate(
                caregiver_link=_caregiver_link("thread__patient", "author")
            ),
            _message,
            patient="thread__patient_id",
            part=Part.PROGRAM,
            dates={"sent": "sent_at__date"},
        ),
        Source(
            "Task",
            lambda: Task.objects.select_related("owner_user", "created_by"),
            _task,
            roles=CASELOAD_ROLES,
        ),
        Source(
            "AuditEvent",
            lambda: AuditEvent.objects.select_related("user__patient"),
            _audit,
            roles=(Role.LEAD, Role.ADMIN),
            dates={"date": "at__date"},
        ),
        Source(
            "Practitioner",
            lambda: User.objects.filter(role__in=[role.value for role in STAFF_ROLES]),
            lambda user, context: mappers.practitioner(staff_data(user)),
            patient=None,
        ),
    )
}
# Types not bound to a patient: how a user reaches their rows (see `readable`).
SHARED = ("AuditEvent", "Practitioner")


def readable_patients(user: Any, part: Part | None) -> QuerySet[Patient]:
    """The patients whose `part` this user reads: those they reach, and for a caregiver only
    those who share the part with them."""
    patients = visible_patients(user)
    if part is None or getattr(user, "role", None) != Role.CAREGIVER:
        return patients
    return patients.filter(pk__in=[p.pk for p in patients if part in parts_for(user, p)])


def may_read(user: Any, source: Source) -> bool:
    return source.roles is None or getattr(user, "role", None) in source.roles


def readable(user: Any, source: Source) -> QuerySet[Any]:
    """Every row of this type the user may read."""
    rows = source.rows()
    if not may_read(user, source):
        return rows.none()
    if source.resource_type == "AuditEvent":  # as the audit trail's page shows it
        events = cast(AuditEventQuerySet, rows)
        return events.of_organisation(user.organisation_id) if user.role == Role.LEAD else events
    if source.resource_type == "Practitioner":
        if user.role in STAFF_ROLES:
            return rows.filter(organisation_id=user.organisation_id)
        teams = readable_patients(user, Part.PROGRAM).values("care_team_id")
        return rows.filter(memberships__care_team_id__in=teams).distinct()
    patients = readable_patients(user, source.part).values("pk")
    return rows.filter(**{f"{source.patient}__in": patients})


def patient_of(source: Source, row: Any) -> int | None:
    """The id of the patient a row belongs to (None for the shared types); a row read as
    values has it under its lookup."""
    if source.patient is None or source.resource_type in SHARED:
        return None
    if isinstance(row, Mapping):
        return int(row["pk" if source.patient == "pk" else source.patient])
    if source.patient == "pk":
        return int(row.pk)
    value = row
    for name in source.patient.split("__"):
        value = getattr(value, name)
    return int(value)
