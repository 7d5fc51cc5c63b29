"""Every URL pattern of the project, with every role, against patients the user must not reach.

The URL patterns are found by walking the resolver, so a view added later is covered without
touching this file; a pattern with an argument this file cannot fill fails the test, so its
author has to say which object of the outsider the argument names.

For a URL about an outsider patient the answer must be 404 or 403 (or, for anonymous users,
a redirect to the login page). For any URL the body must never contain the outsider's marker,
GET or POST, even with the outsider's ids in the query string and the POST body; and no
request may change the outsider's data.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from osteorehab.accounts.domain import CLINICAL_ROLES, Part, Role
from osteorehab.accounts.models import User
from osteorehab.api.models import ImportJob
from osteorehab.api.services import patients_import_run, patients_import_start
from osteorehab.assessments.services import assessment_record
from osteorehab.audit.models import AuditEvent
from osteorehab.contact.services import follow_up_schedule, thread_start
from osteorehab.education.services import assignment_create, food_item_create
from osteorehab.followup.services import schedule_item_add
from osteorehab.homesafety.services import home_safety_check_record
from osteorehab.logbook.services import check_in_record, fall_report_record
from osteorehab.meetings.services import decision_record, meeting_schedule
from osteorehab.patients.models import Caregiver, Patient
from osteorehab.plans.models import GoalRating, PlanVersion
from osteorehab.plans.services import goal_create
from osteorehab.rules.services import proposals_find
from tests.factories import (
    client_for,
    login_of,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

pytestmark = pytest.mark.django_db

MARKERS = ("Zzoutsidersameorg", "Zzoutsiderotherorg")
# Arguments that name one patient's objects: filled from the outsider's record.
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
    "resource_id",  # a FHIR resource id; filled with the outsider as resource_type Patient
    "schedule_item_id",
    "proposal_id",
    "meeting_id",  # a meeting of the outsider's care team, the outsider on its agenda
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
    "import_id",  # a patient import: seen only by its uploader (the outsider team's nurse)
    "file_name",
}


@dataclass(frozen=True)
class Route:
    name: str | None
    regex: str
    arguments: frozenset[str]


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
ROLES = [
    *CLINICAL_ROLES,
    Role.LEAD,
    Role.ADMIN,
    Role.PATIENT,
    "caregiver",
    "caregiver-no-consent",
    None,
]


@pytest.fixture
def world():
    """Org A: team A (the users' team) and team B; org B with its own team and lead.
    Outsiders: a patient of team B (same organisation) and a patient of organisation B."""
    org_a, org_b = make_org("Org A"), make_org("Org B")
    team_a, team_b, team_c = (
        make_team(org_a, "Team A"),
        make_team(org_a, "Team B"),
        make_team(org_b, "Team C"),
    )
    own = make_patient(team_a, login=True, family_name="Ownpatient")
    users: dict[object, User | None] = {role: member(team_a, role) for role in CLINICAL_ROLES}
    users[Role.LEAD] = make_user(Role.LEAD, org_a)
    users[Role.ADMIN] = make_user(Role.ADMIN, org_a, is_staff=True, is_superuser=True)
    users[Role.PATIENT] = login_of(own)
    users["caregiver"] = make_caregiver(own, parts=list(Part))
    other_own = make_patient(team_a, login=True, family_name="Ownpatienttwo")
    users["caregiver-no-consent"] = make_caregiver(other_own, parts=list(Part), consent=False)
    users[None] = None
    outsiders = []
    for team, marker in zip((team_b, team_c), MARKERS, strict=True):
        outsider = make_patient(team, login=True, family_name=marker, given_name="Zed")
        make_caregiver(outsider, parts=list(Part))
        outsider.fractures.create(site="hip", occurred_on=date(2024, 1, 1))
        outsider.medications.create(drug="alendronate", started_on=date(2024, 2, 1))
        assessment_record(
            patient=outsider,
            by=member(team, Role.COUNSELLOR),
            code="phq9",
            answers={"items": [1, 1, 1, 1, 1, 1, 1, 1, 1]},  # item 9 > 0: raises an alert
            administered_on=date(2026, 1, 10),
        )
        goal_create(
            patient=outsider,
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
            patient=outsider,
            by=member(team, Role.NURSE),
            checked_on=date(2026, 1, 12),
            how="in_person",
            answers={"living_rugs": "hazard"},
        )
        assignment_create(patient=outsider, by=member(team, Role.NURSE), module="nutrition")
        check_in_record(  # no safety signal: the outsider's one alert stays the PHQ-9's
            patient=outsider,
            by=member(team, Role.NURSE),
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
            patient=outsider,
            by=login_of(outsider),
            client_key=uuid.uuid4(),
            happened_on=date(2026, 1, 12),
            place="street",
            injury=False,
            could_get_up=True,
            saw_doctor=False,
        )
        follow_up_schedule(
            patient=outsider,
            by=member(team, Role.NURSE),
            scheduled_at=timezone.now() + timedelta(days=7),
            mode="video",
            with_role="nurse",
            video_link="https://video.example/zz",
        )
        thread_start(patient=outsider, by=login_of(outsider), topic="medical", body="Zzq")
        schedule_item_add(
            patient=outsider,
            by=member(team, Role.NURSE),
            kind="team_review",
            due_on=date(2026, 2, 2),
        )
        food_item_create(
            by=member(team, Role.NURSE),
            name_en="Milk",
            name_zh="牛奶",
            serving_en="one glass",
            serving_zh="一杯",
            mg_per_serving=300,
            source="Test value",
        )
        proposals_find(patients=[outsider], today=date(2026, 1, 14))  # item 9, the fall
        meeting = meeting_schedule(  # the open PHQ-9 alert puts the outsider on its agenda
            care_team=team,
            by=member(team, Role.NURSE),
            scheduled_at=timezone.now() + timedelta(days=2),
            chair=member(team, Role.NURSE),
        )
        decision_record(
            item=meeting.items.get(patient=outsider),
            by=member(team, Role.NURSE),
            task_title="Zz task",
            task_owner="role:nurse",
            task_due_on=timezone.localdate() + timedelta(days=7),
        )
        Caregiver.objects.create(
            patient=outsider,
            name=f"{marker} Jr",
            relationship="Son",
            invite_token=f"tok{team.pk}",
            invited_by=login_of(outsider),
        )
        job = patients_import_start(  # refused, its file named after the marker
            by=member(team, Role.NURSE),
            file_name=f"{marker}.csv",
            data=f"family_name,given_name,date_of_birth,sex,referred_on\n{marker},Zed,x,x,x\n".encode(),
            language="en",
        )
        patients_import_run(str(job.pk))
        outsiders.append(outsider)
    return users, outsiders


def arguments_for(route: Route, outsider: Patient) -> dict[str, str]:
    values = {
        "patient_id": outsider.pk,
        "episode_id": outsider.episodes.get().pk,
        "caregiver_id": outsider.caregivers.filter(user__isnull=False).get().pk,
        "token": outsider.caregivers.get(user__isnull=True).invite_token,
        "fracture_id": outsider.fractures.get().pk,
        "medication_id": outsider.medications.get().pk,
        "assessment_id": outsider.assessments.get().pk,
        "alert_id": outsider.alerts.get().pk,
        "goal_id": outsider.goals.get().pk,
        "action_id": outsider.home_safety_actions.get().pk,
        "follow_up_id": outsider.follow_ups.get().pk,
        "thread_id": outsider.threads.get().pk,
        "check_in_id": outsider.check_ins.get().pk,
        "fall_id": outsider.fall_reports.get().pk,
        "schedule_item_id": outsider.schedule_items.get().pk,
        "proposal_id": outsider.proposals.earliest("pk").pk,
        "meeting_id": outsider.agenda_items.get().meeting_id,
        "task_id": outsider.team_tasks.get().pk,
        "code": "phq9",
        "resource_type": "Patient",
        "resource_id": outsider.pk,
        "job_id": "x",
        "import_id": ImportJob.objects.get(organisation=outsider.organisation).pk,
        "file_name": "x",
        "exercise_id": 1,
        "preset_id": 1,
        "food_id": outsider.organisation.food_items.get().pk,
        "uidb64": "MQ",
        "app_label": "accounts",
        "object_id": outsider.user_id,
        "content_type_id": 1,
        "pk": 1,
        "id": outsider.user_id,
        "url": "x",
        "path": "x",
    }
    unknown = route.arguments - PATIENT_ARGUMENTS - OTHER_ARGUMENTS
    assert not unknown, f"{route.name}: say which outsider object {sorted(unknown)} names"
    return {name: str(values[name]) for name in route.arguments}


def url_of(route: Route, outsider: Patient) -> str:
    kwargs = arguments_for(route, outsider)
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    path = route.regex.rstrip("$").replace("\\Z", "")
    for name, value in kwargs.items():
        path = path.split(f"(?P<{name}>")[0] + value
    return "/" + path


def outsider_state(outsiders: list[Patient]) -> list[tuple]:
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
            [(t.messages.count(), t.read_marks.count()) for t in p.threads.all()],
            (p.exercise_logs.count(), p.check_ins.count(), p.fall_reports.count()),
            (p.encouragements.count(), list(p.caregivers.values_list("join_code_hash", flat=True))),
            list(
                p.schedule_items.values_list("pk", "due_on", "cancelled_at", "held_on", "version")
            ),
            list(p.proposals.values_list("pk", "status")),
            list(p.agenda_items.values_list("pk", "discussed", "meeting__status")),
            list(p.team_tasks.values_list("pk", "status")),
        )
        for p in (Patient.objects.get(pk=o.pk) for o in outsiders)
    ]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: str(r or "anonymous"))
def test_no_role_reaches_a_patient_outside_its_care(world, role):
    users, outsiders = world
    if role is Role.LEAD:  # a program lead sees every patient of their own organisation, by design
        outsiders = [o for o in outsiders if o.organisation_id != users[Role.LEAD].organisation_id]
    markers = [o.family_name for o in outsiders]
    before = outsider_state(outsiders)
    checked = 0
    for outsider in outsiders:
        ids = {
            "patient": outsider.pk,
            "patient_id": outsider.pk,
            "caregiver": outsider.caregivers.first().pk,
        }
        for route in ROUTES:
            url = url_of(route, outsider)
            about_patient = (
                bool(route.arguments & PATIENT_ARGUMENTS) and "token" not in route.arguments
            )
            for method in ("get", "post"):
                client = client_for(users[role])  # again each time: a POST may log out
                response = getattr(client, method)(
                    url, ids if method == "post" else None, query_params=ids
                )
                body = response.content.decode(errors="replace")
                where = f"{method.upper()} {url} as {role or 'anonymous'}"
                assert response.status_code < 500, where
                assert not any(m in body for m in markers), f"{where} shows an outsider"
                if about_patient:
                    # anonymous: the login page, or for the FHIR API 401 (a token is needed)
                    allowed = {403, 404} if role else {302, 401}
                    assert response.status_code in allowed, (
                        f"{where} answered {response.status_code}"
                    )
                    if response.status_code == 302:
                        assert response["Location"].startswith(reverse("accounts:login")), where
                checked += 1
    assert outsider_state(outsiders) == before
    assert checked >= len(ROUTES) * 2


def test_the_matrix_covers_every_url_pattern():
    names = {route.name for route in ROUTES}
    for expected in (
        "patients:record",
        "patients:caseload",
        "audit:search",
        "accounts:login",
        "admin:index",
    ):
        assert expected in names
    assert len(ROUTES) >= 40


def test_denied_attempts_are_audited(world):
    users, outsiders = world
    nurse = users[Role.NURSE]
    client_for(nurse).get(reverse("patients:record", args=[outsiders[0].pk]))
    event = AuditEvent.objects.get(action="denied")
    assert (event.user, event.patient_id, event.target) == (
        nurse,
        outsiders[0].pk,
        "patients:record",
    )


def test_an_own_patient_is_reachable_by_each_role_that_should(world):
    users, _ = world
    own = users[Role.PATIENT].patient
    url = reverse("patients:record", args=[own.pk])
    for role in [*CLINICAL_ROLES, Role.LEAD, Role.PATIENT, "caregiver"]:
        response = client_for(users[role]).get(url)
        assert response.status_code == 200, role
        assert "Ownpatient" in response.content.decode()
    assert client_for(users["caregiver-no-consent"]).get(url).status_code == 404
    assert client_for(users[Role.ADMIN]).get(url).status_code == 404
    assert own.date_of_birth == date(1950, 3, 14)


def test_another_patients_objects_are_not_found_under_ones_own_patient(world):
    """An id of the outsider's episode, fracture, caregiver… under the URL of a patient the
    user may see is still not found: nested objects are looked up within the patient."""
    users, outsiders = world
    own = users[Role.PATIENT].patient
    nurse = client_for(users[Role.NURSE])
    nested = [
        r
        for r in ROUTES
        if "patient_id" in r.arguments and len(r.arguments & PATIENT_ARGUMENTS) > 1
    ]
    assert len(nested) >= 6
    before = outsider_state(outsiders)
    for route in nested:
        kwargs = {**arguments_for(route, outsiders[0]), "patient_id": str(own.pk)}
        url = reverse(route.name, kwargs=kwargs)
        for method in ("get", "post"):
            assert getattr(nurse, method)(url).status_code == 404, f"{method.upper()} {url}"
    assert outsider_state(outsiders) == before
