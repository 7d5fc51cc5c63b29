"""The world the access matrix walks: four patients with a record in every part of the program,
users of every role, API tokens, and every URL pattern of the project with the arguments that
name one patient's objects.

The world is built once per test module (it takes a while: every service writes its rows and its
audit event) inside a transaction rolled back at the end; each test runs in a savepoint within
it, so what one test writes is gone before the next.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from huey.contrib.djhuey import HUEY

from osteorehab.accounts.domain import CLINICAL_ROLES, STAFF_ROLES, Part, Role
from osteorehab.accounts.models import CareTeam, User
from osteorehab.accounts.services import api_token_create
from osteorehab.api.models import ImportJob
from osteorehab.api.services import patients_import_run, patients_import_start
from osteorehab.assessments.services import assessment_record
from osteorehab.contact.services import follow_up_schedule, thread_start
from osteorehab.education.services import assignment_create, food_item_create
from osteorehab.fhir.scores import INSTRUMENT_SYSTEM, UCUM
from osteorehab.followup.services import schedule_item_add
from osteorehab.homesafety.services import home_safety_check_record
from osteorehab.logbook.services import check_in_record, fall_report_record
from osteorehab.meetings.services import decision_record, meeting_schedule
from osteorehab.patients.models import Caregiver, Patient
from osteorehab.plans.models import GoalRating, PlanVersion
from osteorehab.plans.services import goal_create
from osteorehab.rules.services import proposals_find
from tests.factories import (
    login_of,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

# Each patient's family name: a marker that no page of anyone else may show.
OWN = "Zzownpatient"  # team A's patient, with a login and a caregiver with family sharing
LINKED = "Zzlinkednoconsent"  # team D's patient, whose caregiver lacks family-sharing consent
SAME_ORG = "Zzoutsidersameorg"  # team B's patient, in the users' organisation
OTHER_ORG = "Zzoutsiderotherorg"  # team C's patient, in organisation B
MARKERS = (OWN, LINKED, SAME_ORG, OTHER_ORG)

TOKEN = "token"  # an API token of team A's nurse
TOKEN_OTHER_ORG = "token-other-org"  # an API token of organisation B's program lead
ROLES: list[object] = [
    *CLINICAL_ROLES,
    Role.LEAD,
    Role.ADMIN,
    Role.PATIENT,
    "caregiver",
    "caregiver-no-consent",
    None,  # anonymous
    TOKEN,
    TOKEN_OTHER_ORG,
]
TOKEN_ROLES = (TOKEN, TOKEN_OTHER_ORG)
# The patients each role must not reach, written out rather than asked of the code under test.
OUT_OF_REACH: dict[object, tuple[str, ...]] = {
    **dict.fromkeys(CLINICAL_ROLES, (LINKED, SAME_ORG, OTHER_ORG)),
    Role.LEAD: (OTHER_ORG,),  # a program lead sees every patient of their own organisation
    Role.ADMIN: MARKERS,  # accounts and teams, no patient records
    Role.PATIENT: (LINKED, SAME_ORG, OTHER_ORG),
    "caregiver": (LINKED, SAME_ORG, OTHER_ORG),
    "caregiver-no-consent": MARKERS,  # their own person too: the patient has not consented
    None: MARKERS,
    TOKEN: (LINKED, SAME_ORG, OTHER_ORG),
    TOKEN_OTHER_ORG: (OWN, LINKED, SAME_ORG),
}
# Where a token is the credential: the FHIR and the JSON API's URLs.
TOKEN_PREFIXES = ("/fhir/", "/api/")

# Arguments that name one patient's objects: filled from that patient's record.
PATIENT_ARGUMENTS = {
    "patient_id",
    "episode_id",
    "caregiver_id",
    "token",
    "fracture_id",
    "medication_id",
    "assessment_id",
    "alert_id",
    "goal_id",
    "action_id",
    "follow_up_id",
    "thread_id",
    "check_in_id",
    "fall_id",
    "resource_id",  # a FHIR resource id; filled with the patient as resource_type Patient
    "schedule_item_id",
    "proposal_id",
    "meeting_id",  # a meeting of the patient's care team, the patient on its agenda
    "task_id",
}
# Arguments of URLs that are not about one patient (the admin's, the password reset's).
OTHER_ARGUMENTS = {
    "uidb64",
    "app_label",
    "object_id",
    "content_type_id",
    "url",
    "path",
    "pk",
    "id",
    "code",  # an instrument's code
    "exercise_id",  # the exercise library and presets are shared, not one patient's
    "preset_id",
    "food_id",  # the organisation's food list for the calcium check, not one patient's
    "resource_type",  # a FHIR resource type, "Patient" (its id is the patient argument)
    "job_id",  # a FHIR bulk export: the user's own, whoever's patients it holds
    "import_id",  # a patient import: seen only by its uploader (the patient team's nurse)
    "file_name",
    "rest",  # the JSON API's catch-all for unknown paths
}


@dataclass(frozen=True)
class Route:
    name: str | None
    regex: str
    arguments: frozenset[str]

    @property
    def about_patient(self) -> bool:
        """Its URL names one patient's record (an invitation's token names a caregiver's
        invitation, open to whoever holds it)."""
        return bool(self.arguments & PATIENT_ARGUMENTS) and "token" not in self.arguments


def routes(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        regex = prefix + entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += routes(entry.url_patterns, regex.rstrip("$").rstrip("\\Z"), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            found.append(Route(name, regex, frozenset(entry.pattern.regex.groupindex)))
    return found


ROUTES = routes()


@dataclass
class World:
    users: dict[object, User | None]
    keys: dict[str, str]  # token role -> the key
    patients: dict[str, Patient]  # marker -> patient

    def out_of_reach(self, role: object) -> list[Patient]:
        return [self.patients[marker] for marker in OUT_OF_REACH[role]]


def rich_patient(team: CareTeam, marker: str) -> Patient:
    """A patient with a login, a caregiver sharing everything, and a row in every part of the
    program: each URL argument about a patient names one of their objects."""
    patient = make_patient(team, login=True, family_name=marker, given_name="Zed")
    make_caregiver(patient, parts=list(Part))
    patient.fractures.create(site="hip", occurred_on=date(2024, 1, 1))
    patient.medications.create(drug="alendronate", started_on=date(2024, 2, 1))
    nurse = member(team, Role.NURSE)
    assessment_record(
        patient=patient,
        by=member(team, Role.COUNSELLOR),
        code="phq9",
        answers={"items": [1, 1, 1, 1, 1, 1, 1, 1, 1]},  # item 9 > 0: raises an alert
        administered_on=date(2026, 1, 10),
    )
    goal_create(
        patient=patient,
        by=member(team, Role.THERAPIST),
        statement="Walk to the market",
        phase="medium",
        importance=2,
        difficulty=2,
        level_minus_2="Stays home",
        level_minus_1="Walks to the door",
        level_0="Walks to the market with a stick",
        level_plus_1="Walks there and back",
        level_plus_2="Walks there and back carrying shopping",
    )
    home_safety_check_record(
        patient=patient,
        by=nurse,
        checked_on=date(2026, 1, 12),
        how="in_person",
        answers={"living_rugs": "hazard"},
    )
    assignment_create(patient=patient, by=nurse, module="nutrition")
    check_in_record(  # no safety signal: the patient's one alert stays the PHQ-9's
        patient=patient,
        by=nurse,
        via="phone",
        client_key=uuid.uuid4(),
        day=date(2026, 1, 13),
        mood=3,
        confidence=5,
        fatigue=4,
        sleep="fair",
        pain=3,
        back_pain_new=False,
        falls=1,
        near_falls=0,
    )
    fall_report_record(
        patient=patient,
        by=login_of(patient),
        client_key=uuid.uuid4(),
        happened_on=date(2026, 1, 12),
        place="street",
        injury=False,
        could_get_up=True,
        saw_doctor=False,
    )
    follow_up_schedule(
        patient=patient,
        by=nurse,
        scheduled_at=timezone.now() + timedelta(days=7),
        mode="video",
        with_role="nurse",
        video_link="https://video.example/zz",
    )
    thread_start(patient=patient, by=login_of(patient), topic="medical", body="Zzq")
    schedule_item_add(patient=patient, by=nurse, kind="team_review", due_on=date(2026, 2, 2))
    proposals_find(patients=[patient], today=date(2026, 1, 14))  # item 9, the fall
    meeting = meeting_schedule(  # the open PHQ-9 alert puts the patient on its agenda
        care_team=team,
        by=nurse,
        scheduled_at=timezone.now() + timedelta(days=2),
        chair=nurse,
    )
    decision_record(
        item=meeting.items.get(patient=patient),
        by=nurse,
        task_title="Zz task",
        task_owner="role:nurse",
        task_due_on=timezone.localdate() + timedelta(days=7),
    )
    Caregiver.objects.create(  # an invitation not yet accepted
        patient=patient,
        name=f"{marker} Jr",
        relationship="Son",
        invite_token=f"tok{team.pk}",
        invited_by=login_of(patient),
    )
    job = patients_import_start(  # refused, its file named after the marker
        by=nurse,
        file_name=f"{marker}.csv",
        data=f"family_name,given_name,date_of_birth,sex,referred_on\n{marker},Zed,x,x,x\n".encode(),
        language="en",
    )
    patients_import_run(str(job.pk))
    return patient


def build_world() -> World:
    """Org A: team A (the users' team), team B and team D; org B with team C and its lead."""
    org_a, org_b = make_org("Org A"), make_org("Org B")
    team_a, team_b, team_c, team_d = (
        make_team(org_a, "Team A"),
        make_team(org_a, "Team B"),
        make_team(org_b, "Team C"),
        make_team(org_a, "Team D"),
    )
    for org in (org_a, org_b):  # each organisation's food list has one food
        food_item_create(
            by=make_user(Role.NURSE, org),
            name_en="Milk",
            name_zh="牛奶",
            serving_en="one glass",
            serving_zh="一杯",
            mg_per_serving=300,
            source="Test value",
        )
    patients = {
        OWN: rich_patient(team_a, OWN),
        LINKED: rich_patient(team_d, LINKED),
        SAME_ORG: rich_patient(team_b, SAME_ORG),
        OTHER_ORG: rich_patient(team_c, OTHER_ORG),
    }
    users: dict[object, User | None] = {role: member(team_a, role) for role in CLINICAL_ROLES}
    users[Role.LEAD] = make_user(Role.LEAD, org_a)
    users[Role.ADMIN] = make_user(Role.ADMIN, org_a, is_staff=True, is_superuser=True)
    users[Role.PATIENT] = login_of(patients[OWN])
    users["caregiver"] = patients[OWN].caregivers.get(user__isnull=False).user
    # the latest family-sharing decision of the linked patient is now "no"
    users["caregiver-no-consent"] = make_caregiver(
        patients[LINKED], parts=list(Part), consent=False
    )
    users[None] = None
    keys = {
        TOKEN: api_token_create(
            by=make_user(Role.ADMIN, org_a), user=member(team_a, Role.NURSE), name="Team A feed"
        )[1],
        TOKEN_OTHER_ORG: api_token_create(
            by=make_user(Role.ADMIN, org_b), user=make_user(Role.LEAD, org_b), name="Org B feed"
        )[1],
    }
    for role in TOKEN_ROLES:
        users[role] = None  # the key is the credential; no session
    return World(users=users, keys=keys, patients=patients)


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module (import this into it), rolled back after its last test."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    immediate = HUEY.immediate
    HUEY.immediate = True
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        built = build_world()
        yield built
        transaction.set_rollback(True)
    HUEY.immediate = immediate


def still_logged_in(world: World, role: object, client: Client) -> Client:
    """The client, or a new one if its last request logged it out (a logout, a password
    change): a session check costs a query, a new login a dozen."""
    user = world.users.get(role)
    if role in TOKEN_ROLES or user is None:
        return client
    session = client.session
    kept = (
        session.get(SESSION_KEY) == str(user.pk)
        and session.get(HASH_SESSION_KEY) == user.get_session_auth_hash()
    )
    if kept and (user.role not in STAFF_ROLES or DEVICE_ID_SESSION_KEY in session):
        return client
    return client_of(world, role)


def client_of(world: World, role: object) -> Client:
    """A client acting as the role: logged in (staff past two-factor login, as production asks
    of them), with a bearer token, or anonymous."""
    if role in TOKEN_ROLES:
        return Client(headers={"Authorization": f"Bearer {world.keys[str(role)]}"})
    client = Client()
    user = world.users[role]
    if user is None:
        return client
    client.force_login(user)
    if user.role in STAFF_ROLES:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def values_of(patient: Patient) -> dict[str, object]:
    """Every URL argument, as this patient's objects name it (read once per walk: a walk's
    requests neither add nor remove the objects named here, or these lookups would fail)."""
    marker = patient.family_name
    return {
        "patient_id": patient.pk,
        "episode_id": patient.episodes.get().pk,
        "caregiver_id": patient.caregivers.filter(user__isnull=False).earliest("pk").pk,
        "token": patient.caregivers.get(user__isnull=True).invite_token,
        "fracture_id": patient.fractures.get().pk,
        "medication_id": patient.medications.get().pk,
        "assessment_id": patient.assessments.get().pk,
        "alert_id": patient.alerts.get().pk,
        "goal_id": patient.goals.get().pk,
        "action_id": patient.home_safety_actions.get().pk,
        "follow_up_id": patient.follow_ups.get().pk,
        "thread_id": patient.threads.get().pk,
        "check_in_id": patient.check_ins.get().pk,
        "fall_id": patient.fall_reports.get().pk,
        "schedule_item_id": patient.schedule_items.get().pk,
        "proposal_id": patient.proposals.earliest("pk").pk,
        "meeting_id": patient.agenda_items.get().meeting_id,
        "task_id": patient.team_tasks.get().pk,
        "code": "phq9",
        "resource_type": "Patient",
        "resource_id": patient.pk,
        "job_id": "x",
        "import_id": ImportJob.objects.get(file_name=f"{marker}.csv").pk,
        "file_name": "x",
        "exercise_id": 1,
        "preset_id": 1,
        "food_id": patient.organisation.food_items.get().pk,
        "uidb64": "MQ",
        "app_label": "accounts",
        "object_id": patient.user_id,
        "content_type_id": 1,
        "pk": 1,
        "id": patient.user_id,
        "url": "x",
        "path": "x",
        "rest": "x",
    }


def arguments_for(
    route: Route, patient: Patient, values: dict[str, object] | None = None
) -> dict[str, str]:
    unknown = route.arguments - PATIENT_ARGUMENTS - OTHER_ARGUMENTS
    assert not unknown, f"{route.name}: say which patient object {sorted(unknown)} names"
    values = values_of(patient) if values is None else values
    return {name: str(values[name]) for name in route.arguments}


def url_of(route: Route, patient: Patient, values: dict[str, object] | None = None) -> str:
    kwargs = arguments_for(route, patient, values)
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    path = route.regex.rstrip("$").replace("\\Z", "")
    for name, value in kwargs.items():
        path = path.split(f"(?P<{name}>")[0] + value
    return "/" + path


def ids_of(patient: Patient) -> dict[str, object]:
    """The patient's ids under the names forms, filters and searches take them by, for query
    strings and POST bodies: a view must not take an id it was handed as leave to show it."""
    return {
        "patient": patient.pk,
        "patient_id": patient.pk,
        "caregiver": patient.caregivers.earliest("pk").pk,
        "care_team": patient.care_team_id,
        "team": patient.care_team_id,
        "assessment": patient.assessments.get().pk,
        "goal": patient.goals.get().pk,
        "thread": patient.threads.get().pk,
        "notification": patient.pk,
        "q": patient.family_name[2:],  # a search by their name (the marker itself is echoed)
        "subject": f"Patient/{patient.pk}",  # FHIR searches
        "_id": patient.pk,
    }


def fhir_observation_for(patient: Patient) -> dict:
    """A transaction Bundle adding a DXA result to the patient's record: the FHIR import's
    write path, which must refuse a patient the user does not reach."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:o1",
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [{"system": INSTRUMENT_SYSTEM, "code": "bone_density"}]},
                    "subject": {"reference": f"Patient/{patient.pk}"},
                    "effectiveDateTime": "2026-01-02T10:30:00+08:00",
                    "valueQuantity": {
                        "value": -2.7,
                        "unit": "{SD}",
                        "system": UCUM,
                        "code": "{SD}",
                    },
                },
                "request": {"method": "POST", "url": "Observation"},
            }
        ],
    }


def state_of(patients: list[Patient], *, read_marks: bool = True) -> list[tuple]:
    """Everything a request could change in these patients' records (and, with `read_marks`,
    who has read their messages: a page that shows a conversation marks it read)."""
    return [
        (
            p.version,
            list(p.fractures.values_list("error_reason", flat=True)),
            list(p.medications.values_list("error_reason", "stopped_on")),
            p.assessments.count(),
            list(p.alerts.values_list("acknowledged_at", flat=True)),
            p.consents.count(),
            p.caregivers.filter(revoked_at__isnull=True).count(),
            list(p.episodes.values_list("status", "version")),
            p.user.password if p.user else None,
            GoalRating.objects.filter(goal__patient=p).count(),
            PlanVersion.objects.filter(plan__patient=p).count(),
            p.home_safety_checks.count(),
            list(p.home_safety_actions.values_list("pk", "done_on", "resolved_by_check")),
            list(p.education_assignments.values_list("module", "attempts", "completed_on")),
            p.nutrition_checks.count(),
            list(p.follow_ups.values_list("pk", "status", "scheduled_at")),
            [(t.messages.count(), read_marks and t.read_marks.count()) for t in p.threads.all()],
            (p.exercise_logs.count(), p.check_ins.count(), p.fall_reports.count()),
            (p.encouragements.count(), list(p.caregivers.values_list("join_code_hash", flat=True))),
            list(
                p.schedule_items.values_list("pk", "due_on", "cancelled_at", "held_on", "version")
            ),
            list(p.proposals.values_list("pk", "status")),
            list(p.agenda_items.values_list("pk", "discussed", "meeting__status")),
            list(p.team_tasks.values_list("pk", "status")),
        )
        for p in (Patient.objects.get(pk=o.pk) for o in patients)
    ]
