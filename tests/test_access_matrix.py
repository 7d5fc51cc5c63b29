"""Every URL pattern of the project, with every role and API token, against every patient the
role must not reach; what anonymous visitors are answered; and the audit trail of each read and
write of the patients a role does reach.

The URL patterns are found by walking the resolver (`tests.matrix`), so a view added later is
covered without touching this file; a pattern with an argument the walk cannot fill fails, so
its author has to say which of the patient's objects the argument names.

For a URL about a patient out of reach the answer must be 404 or 403 (or, for anonymous users,
a redirect to the login page or 401). For any URL the body must never carry an out-of-reach
patient's marker (their family name), GET or POST, with their ids in the query string and the
POST body (JSON for the API, a FHIR transaction for the FHIR server); and no request may change
their record. Tokens are the credential of the FHIR server and the JSON API only, so the token
roles walk those URLs. Each test prints how many requests it made (pytest -s shows them).
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from osteorehab.accounts.domain import CLINICAL_ROLES, Role
from osteorehab.accounts.models import User
from osteorehab.audit.models import AuditAction, AuditEvent
from osteorehab.patients.models import Patient
from tests.matrix import (
    OTHER_ORG,
    OUT_OF_REACH,
    OWN,
    PATIENT_ARGUMENTS,
    ROLES,
    ROUTES,
    SAME_ORG,
    TOKEN,
    TOKEN_OTHER_ORG,
    TOKEN_PREFIXES,
    TOKEN_ROLES,
    Route,
    World,
    arguments_for,
    client_of,
    fhir_observation_for,
    ids_of,
    state_of,
    still_logged_in,
    url_of,
    values_of,
    world_fixture,  # noqa: F401  (the module's `world`)
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_two_factor_login(settings):
    """As in production: staff work only after two-factor login (`client_of` passes it)."""
    settings.TWO_FACTOR_REQUIRED = True


# What an anonymous visitor may be answered with a page (2xx): logging in and the password
# reset (their forms, and a reset link's page, which says an unknown link is not valid), the
# FHIR server's CapabilityStatement, and the JSON API's description (its schema and docs page,
# which hold no data); an invitation's page to whoever holds its link (the link is the
# credential; the page names no patient), and the form where a family member types the joining
# code they were given. Static files are served before any URL pattern (below).
ANONYMOUS_PAGES = {
    "patients:invite-accept",
    "family:join",
    "accounts:login",
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-confirm",
    "accounts:password-reset-done",
    "fhir:metadata",
    "api:openapi-json",
    "api:openapi-view",
    "admin:login",
}
# What else an anonymous request may be answered: a redirect (to the login page, or back where
# it came from), or a refusal (429: too many wrong joining codes).
REFUSALS = {400, 401, 403, 404, 405, 429}
READ_ACTIONS = {AuditAction.READ, AuditAction.LIST, AuditAction.DENIED}
WRITE_ACTIONS = {AuditAction.CREATE, AuditAction.UPDATE}


def walk(world: World, role: object, patient: Patient) -> Iterator[tuple[Route, str, str]]:
    """(route, method, URL) for every request of the role about this patient's objects."""
    values = values_of(patient)
    for route in ROUTES:
        url = url_of(route, patient, values)
        if role in TOKEN_ROLES and not url.startswith(TOKEN_PREFIXES):
            continue
        for method in ("get", "post"):
            yield route, method, url


def send(
    client: Client, method: str, route: Route, url: str, patient: Patient, ids: dict | None = None
) -> Any:
    """The request, with the patient's ids in its query string and, for a POST, its body."""
    ids = ids_of(patient) if ids is None else ids
    if method == "get":
        return client.get(url, query_params=ids)
    if route.name == "fhir:base":
        body, kind = json.dumps(fhir_observation_for(patient)), "application/fhir+json"
        return client.post(url, body, content_type=kind, query_params=ids)
    if url.startswith(TOKEN_PREFIXES):
        return client.post(url, ids, content_type="application/json", query_params=ids)
    return client.post(url, ids, query_params=ids)


def body_of(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: str(r or "anonymous"))
def test_no_role_reaches_a_patient_outside_its_care(world, role):
    out_of_reach = world.out_of_reach(role)
    markers = [p.family_name for p in out_of_reach]
    before = state_of(out_of_reach)
    made = 0
    client = client_of(world, role)
    for patient in out_of_reach:
        ids = ids_of(patient)
        for route, method, url in walk(world, role, patient):
            response = send(client, method, route, url, patient, ids)
            where = f"{method.upper()} {url} as {role or 'anonymous'} about {patient.family_name}"
            assert response.status_code < 500, where
            body = body_of(response)
            assert not any(m in body for m in markers), f"{where} shows a patient out of reach"
            if route.about_patient:
                # anonymous: the login page, or for the FHIR server and the API 401
                allowed = {403, 404} if role is not None else {302, 401}
                assert response.status_code in allowed, f"{where} answered {response.status_code}"
                if response.status_code == 302:
                    assert response["Location"].startswith(reverse("accounts:login")), where
            made += 1
            if method == "post":
                client = still_logged_in(world, role, client)
    assert state_of(out_of_reach) == before
    own = values_of(world.patients[OWN])
    token_routes = sum(
        1 for route in ROUTES if url_of(route, world.patients[OWN], own).startswith(TOKEN_PREFIXES)
    )
    walked = token_routes if role in TOKEN_ROLES else len(ROUTES)
    assert made == walked * 2 * len(out_of_reach)
    print(
        f"\naccess matrix: {role or 'anonymous'}: {made} requests "
        f"({walked} routes x GET/POST x {len(out_of_reach)} patients out of reach)"
    )


def test_the_matrix_covers_every_url_pattern_and_every_role():
    names = {route.name for route in ROUTES}
    for expected in (
        "patients:record",
        "patients:caseload",
        "audit:search",
        "accounts:login",
        "admin:index",
        "fhir:read",
        "fhir:everything",
        "api:patient-detail",
        "api:check-in-create",
    ):
        assert expected in names
    assert len(ROUTES) >= 200
    assert set(OUT_OF_REACH) == set(ROLES)
    # four clinical roles, lead, admin, patient, two caregivers, anonymous, two tokens
    assert len(ROLES) == 12
    assert {OWN, SAME_ORG, OTHER_ORG} <= set(OUT_OF_REACH[None])
    assert set(OUT_OF_REACH[TOKEN_OTHER_ORG]) == {OWN, SAME_ORG, *OUT_OF_REACH[TOKEN][:1]}


def test_an_anonymous_visitor_gets_a_page_only_from_the_allow_list(world):
    patient = world.patients[OWN]
    answered: set[str | None] = set()
    client = Client()
    for route in ROUTES:
        url = url_of(route, patient)
        for method in ("get", "post"):
            response = send(client, method, route, url, patient)
            where = f"{method.upper()} {url}"
            if response.status_code < 300:
                assert route.name in ANONYMOUS_PAGES, f"{where} answered {response.status_code}"
                answered.add(route.name)
            elif response.status_code < 400:
                # a redirect, never off the site (an open redirect)
                assert url_has_allowed_host_and_scheme(
                    response["Location"], {"testserver"}, require_https=False
                ), where
            else:
                assert response.status_code in REFUSALS, f"{where} answered {response.status_code}"
    assert answered == ANONYMOUS_PAGES  # each entry of the list is still needed


def test_static_files_are_served_to_anyone(settings):
    settings.WHITENOISE_USE_FINDERS = True  # tests serve the apps' files, not a collected copy
    response = Client().get(f"{settings.STATIC_URL}core/site.css")
    assert response.status_code == 200
    assert "font-family" in body_of(response)


def test_audit_events_cannot_be_changed_through_the_admin_or_the_apis():
    """The audit trail is read on its own page and through FHIR; no admin page, and no write
    endpoint of the JSON API or the FHIR server, takes audit events."""
    assert AuditEvent not in admin.site._registry
    api_paths = [r.regex for r in ROUTES if r.regex.startswith("api/")]
    assert not [p for p in api_paths if "audit" in p.lower()]
    fhir_writes = [
        r.name for r in ROUTES if r.regex.startswith("fhir/") and r.name in {"fhir:base"}
    ]
    assert fhir_writes == ["fhir:base"]  # a transaction of Patients and Observations only


def test_a_fhir_transaction_cannot_write_an_audit_event(world):
    nurse = client_of(world, TOKEN)
    before = AuditEvent.objects.count()
    forged = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:a1",
                "resource": {
                    "resourceType": "AuditEvent",
                    "type": {"code": "rest"},
                    "recorded": "2026-01-01T00:00:00Z",
                    "agent": [{"requestor": True}],
                    "source": {"observer": {"display": "x"}},
                },
                "request": {"method": "POST", "url": "AuditEvent"},
            }
        ],
    }
    response = nurse.post(
        reverse("fhir:base"), json.dumps(forged), content_type="application/fhir+json"
    )
    assert response.status_code == 400
    assert AuditEvent.objects.count() == before


def test_denied_attempts_are_audited(world):
    nurse = world.users[Role.NURSE]
    outsider = world.patients[SAME_ORG]
    client_of(world, Role.NURSE).get(reverse("patients:record", args=[outsider.pk]))
    event = AuditEvent.objects.get(action="denied")
    assert (event.user, event.patient_id, event.target) == (
        nurse,
        outsider.pk,
        "patients:record",
    )


def test_an_own_patient_is_reachable_by_each_role_that_should(world):
    own = world.patients[OWN]
    url = reverse("patients:record", args=[own.pk])
    for role in [*CLINICAL_ROLES, Role.LEAD, Role.PATIENT, "caregiver"]:
        response = client_of(world, role).get(url)
        assert response.status_code == 200, role
        assert OWN in response.content.decode()
    assert client_of(world, "caregiver-no-consent").get(url).status_code == 404
    assert client_of(world, Role.ADMIN).get(url).status_code == 404
    fhir = client_of(world, TOKEN).get(reverse("fhir:read", args=["Patient", own.pk]))
    assert (fhir.status_code, fhir.json()["name"][0]["family"]) == (200, OWN)
    other = client_of(world, TOKEN_OTHER_ORG).get(reverse("fhir:read", args=["Patient", own.pk]))
    assert other.status_code == 404


def test_another_patients_objects_are_not_found_under_ones_own_patient(world):
    """An id of the outsider's episode, fracture, caregiver… under the URL of a patient the
    user may see is still not found: nested objects are looked up within the patient."""
    own, outsider = world.patients[OWN], world.patients[SAME_ORG]
    nurse = client_of(world, Role.NURSE)
    nested = [
        r
        for r in ROUTES
        if "patient_id" in r.arguments and len(r.arguments & PATIENT_ARGUMENTS) > 1
    ]
    assert len(nested) >= 6
    before = state_of([outsider])
    for route in nested:
        kwargs = {**arguments_for(route, outsider), "patient_id": str(own.pk)}
        url = reverse(route.name, kwargs=kwargs)
        for method in ("get", "post"):
            assert getattr(nurse, method)(url).status_code == 404, f"{method.upper()} {url}"
    assert state_of([outsider]) == before


# ---- The audit trail of each read and write of a patient within reach ----

REACHING = [*CLINICAL_ROLES, Role.LEAD, Role.PATIENT, "caregiver", TOKEN]
# The imports' pages show the files uploaded (named after the patient here), not their record.
NOT_THE_RECORD = {"imports:upload", "imports:job", "api:import-detail"}
# A case meeting is the care team's: its pages list the patients on the agenda (audited when
# shown), and its buttons act on the agenda, not on one patient's record.
TEAM_ARGUMENTS = {"meeting_id"}


def acting_user(world: World, role: object) -> User:
    user = world.users[Role.NURSE] if role == TOKEN else world.users[role]
    assert user is not None
    return user


def shows_the_record(route: Route, response: Any, user: User) -> bool:
    """The page carries the patient's name as part of their record; the patient's own name at
    the top of each of their pages is not a read of it."""
    if route.name in NOT_THE_RECORD:
        return False
    text = body_of(response)
    return OWN in (text.replace(user.full_name, "") if user.role == Role.PATIENT else text)


@pytest.mark.parametrize("role", REACHING, ids=str)
def test_every_read_and_write_of_an_own_patient_is_audited_once(world, role):
    """Each request about the role's own patient (every URL pattern, GET and POST) leaves
    exactly one read event naming the user and the patient when it read their record, and a
    write event for each change when it changed it, then no read. A request that did neither
    (a wrong method, a refusal before the record) leaves at most one event (a denial)."""
    own = world.patients[OWN]
    user = acting_user(world, role)
    client = client_of(world, role)
    state = state_of([own], read_marks=False)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    made = reads = writes = 0
    ids = ids_of(own)
    for route, method, url in walk(world, role, own):
        response = send(client, method, route, url, own, ids)
        where = f"{method.upper()} {url} as {role}"
        events = list(
            AuditEvent.objects.filter(pk__gt=last, patient=own, user=user).values_list(
                "action", flat=True
            )
        )
        last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or last
        changed = False
        if method == "post":
            after = state_of([own], read_marks=False)
            changed, state = after != state, after
            client = still_logged_in(world, role, client)
        written = [e for e in events if e in WRITE_ACTIONS]
        read = [e for e in events if e not in WRITE_ACTIONS]
        if changed:
            assert written, f"{where} changed the record, unaudited: {events}"
        if written:
            assert read == [], f"{where} wrote, and read too: {events}"
            writes += 1
        elif shows_the_record(route, response, user) or (
            response.status_code < 400
            and route.about_patient
            and not route.arguments & TEAM_ARGUMENTS
        ):
            assert len(read) == 1, f"{where} read the record: {events}"
            assert read[0] in READ_ACTIONS, where
            reads += 1
        else:
            assert len(events) <= 1, f"{where}: {events}"
        made += 1
    assert reads >= (8 if role == TOKEN else 20)  # a token walks the FHIR and API URLs only
    print(f"\naudit completeness: {role}: {made} requests, {reads} reads, {writes} writes")
