"""The JSON API fuzzed against its own OpenAPI schema (schemathesis), in-process through the WSGI
application, as each role that uses it: a token of each clinical role and of the program lead,
the session of a patient and of a caregiver. For every operation, requests the schema allows
(positive) and requests it forbids (negative): no server error, every status code documented,
every body as its schema says, a forbidden request refused; and whatever is sent, a patient the
user does not reach is not found and a role that may not write writes nothing.

Deterministic (hypothesis derandomized, no example database) and bounded (EXAMPLES) for CI.
"""

import functools
import math
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import ignored_auth, positive_data_acceptance

from osteorehab.accounts.domain import CLINICAL_ROLES, CaregiverAction, Part, Role
from osteorehab.accounts.models import User
from osteorehab.accounts.services import api_token_create
from osteorehab.api.services import patients_import_start
from osteorehab.api.tests.test_api import anxious
from osteorehab.logbook.tests.factories import check_in, make_plan
from osteorehab.patients.models import Patient
from tests.factories import (
    login_of,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 4  # per operation, generation mode and role: the file stays within a minute on CI
APP = get_wsgi_application()
ROLES = (*CLINICAL_ROLES, Role.LEAD, Role.PATIENT, Role.CAREGIVER)
LOG_WRITES = frozenset(
    {
        "POST /api/patients/{patient_id}/exercise-logs",
        "POST /api/patients/{patient_id}/check-ins",
    }
)
# What each role may write through the API (2xx); anything else it sends is refused.
CLINICIAN_WRITES = frozenset(
    {
        *LOG_WRITES,
        "POST /api/patients",
        "POST /api/patients/{patient_id}/assessments",
        "POST /api/patients/{patient_id}/decisions",
        "POST /api/imports",
    }
)
# What each role may write through the API (2xx); anything else it sends is refused.
WRITES: dict[Role, frozenset[str]] = {
    **dict.fromkeys(CLINICAL_ROLES, CLINICIAN_WRITES),
    Role.LEAD: frozenset(),
    Role.PATIENT: LOG_WRITES,
    Role.CAREGIVER: LOG_WRITES,
}


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)


@pytest.fixture(autouse=True)
def _one_connection():
    """The WSGI handler closes the database connection around each request, as a server must;
    here that would end the test's transaction, so it is left open (as Django's test client
    does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@functools.cache
def _loaded_schema() -> Any:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP)
    # The credentials are the role's (below), not generated; unknown query parameters are
    # ignored by design, as on the web pages, so they are not sent as "invalid" requests.
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    return schema


@pytest.fixture
def api_schema(_one_connection: None) -> Any:
    """Loaded once, from the application itself (in a test: the WSGI handler's signals reach
    the database)."""
    return _loaded_schema()


@dataclass
class World:
    user: User
    headers: dict[str, str]
    cookies: dict[str, str]
    own: Patient  # the patient the user reaches
    neighbour: Patient  # another patient of the same care team
    outsider: Patient  # a patient of another organisation
    valid: dict[str, dict[str, Any]]  # per operation: a valid body
    import_id: str
    answered: Counter[int] = field(default_factory=Counter)  # status codes seen


def _credentials(user: User) -> tuple[dict[str, str], dict[str, str]]:
    """The headers and cookies a role's requests carry: a token for staff; the session (with
    its CSRF token, for writes) for patients and caregivers, who have no tokens."""
    if user.role in (Role.PATIENT, Role.CAREGIVER):
        client = Client()
        client.force_login(user)
        csrf = _get_new_csrf_string()
        cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}
        return {"X-CSRFToken": csrf}, cookies
    admin = make_user(Role.ADMIN, user.organisation)
    _token, key = api_token_create(by=admin, user=user, name="Fuzzing")
    return {"Authorization": f"Bearer {key}"}, {}


def _world(role: Role, team: Any) -> World:
    own = make_patient(team, login=True)
    neighbour = make_patient(team)
    outsider = make_patient(make_team(make_org("Elsewhere")))
    make_plan(own)
    proposal = anxious(own)
    check_in(own, login_of(own))
    if role == Role.PATIENT:
        user = login_of(own)
    elif role == Role.CAREGIVER:
        user = make_caregiver(own, parts=list(Part), actions=[CaregiverAction.LOG_ON_BEHALF])
    elif role == Role.LEAD:
        user = make_user(Role.LEAD, team.site.organisation)
    else:
        user = member(team, role)
    # an import of the user's own (a nurse's, for those who may not import)
    uploader = user if role in CLINICAL_ROLES else member(team, Role.NURSE)
    job = patients_import_start(by=uploader, file_name="a.csv", data=b"x", language="en")
    via = "" if role in (Role.PATIENT, Role.CAREGIVER) else "phone"
    valid = {
        "POST /api/patients": {
            "family_name": "张",
            "given_name": "伟",
            "care_team": team.pk,
            "date_of_birth": "1950-03-14",
            "sex": "female",
            "preferred_language": "zh-hans",
            "diagnosis_on": None,
            "program_consent": True,
            "consent_on": "2026-11-20",
            "referred_on": "2026-11-20",
            "allow_duplicate": True,
        },
        "POST /api/patients/{patient_id}/assessments": {
            "instrument": "phq9",
            "answers": {"items": [1, 0, 2, 1, 0, 0, 1, 0, 0]},
            "administered_on": "2026-11-20",
            "occasion": "follow_up",
        },
        "POST /api/patients/{patient_id}/exercise-logs": {
            "day": "2026-11-21",
            "exercise": "chin_tucks",
            "plan_version": 1,
            "completion": "done",
            "sets": None,
            "reps": None,
            "minutes": 5,
            "effort": 4,
            "pain": 1,
            "skip_reason": "",
            "via": via,
        },
        "POST /api/patients/{patient_id}/check-ins": {
            "day": "2026-11-21",
            "mood": 4,
            "confidence": 7,
            "fatigue": 3,
            "sleep": "good",
            "pain": 2,
            "back_pain_new": False,
            "falls": 0,
            "near_falls": 0,
            "via": via,
        },
        "POST /api/patients/{patient_id}/decisions": {
            "proposal": proposal.pk,
            "decision": "reject",
            "reason": "Seen this week",
        },
    }
    return World(user, *_credentials(user), own, neighbour, outsider, valid, str(job.pk))


def _targets(operation: Any, world: World, mode: GenerationMode) -> list[dict[str, Any] | None]:
    """The path parameters to try: the user's patient (or import); one they do not reach (an
    outsider, and for a patient or a caregiver the patient next door); and, for requests the
    schema forbids, whatever schemathesis makes (None)."""
    generated = [None] if mode is GenerationMode.NEGATIVE else []
    if "{patient_id}" in operation.path:
        patients = [world.own, world.outsider]
        if world.user.role in (Role.PATIENT, Role.CAREGIVER):
            patients.append(world.neighbour)
        return [{"patient_id": p.pk} for p in patients] + generated
    if "{import_id}" in operation.path:
        return [{"import_id": world.import_id}, {"import_id": str(uuid.UUID(int=7))}, *generated]
    return [None]


def _operations(schema: Any) -> Iterator[Any]:
    for result in schema.get_all_operations():
        yield result.ok()


# Kept as generated when a body is made valid: the fuzzing of free text reaches the services.
FREE_TEXT = {
    "family_name",
    "given_name",
    "phone",
    "record_number",
    "relevant_conditions",
    "note",
    "reason",
    "load",
    "skip_other",
    "client_key",
}


def _realistic(case: Any, world: World) -> None:
    """Make a generated body valid but for its free text (the user's care team, an open
    proposal, the plan in force, dates and answers in range), so that odd text goes all the way
    through the services and into the database, not only into the first check."""
    valid = world.valid.get(case.operation.label)
    if valid is not None and isinstance(case.body, dict):
        case.body = {**case.body, **valid} | {k: case.body[k] for k in FREE_TEXT & case.body.keys()}


def _expect_refused(case: Any, status: int, world: World) -> None:
    """The invariants beyond the schema: an unreached patient is not found, whatever is sent;
    a write a role may not make is refused."""
    patient_id = case.path_parameters.get("patient_id") if case.path_parameters else None
    unreached = {world.outsider.pk}
    if world.user.role in (Role.PATIENT, Role.CAREGIVER):
        unreached.add(world.neighbour.pk)
    if patient_id in unreached:
        assert status == 404, (case.operation.label, patient_id, status)
    if case.method == "POST" and 200 <= status < 300:
        assert case.operation.label in WRITES[world.user.role_enum], case.operation.label


def _not_checked(world: World) -> list[Any]:
    """The checks that do not apply: a valid request may still be refused by the clinic's rules
    (a date in the future, a plan version not in force), which a schema does not say; and the
    web session is no security scheme of the schema (only the bearer token is), so schemathesis
    cannot take it away to see a request refused."""
    if world.cookies:
        return [positive_data_acceptance, ignored_auth]
    return [positive_data_acceptance]


def _fuzz_operation(operation: Any, mode: GenerationMode, world: World) -> None:
    strategy = st.one_of(
        [operation.as_strategy(mode, path_parameters=p) for p in _targets(operation, world, mode)]
    )

    @given(case=strategy, realistic=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # not shrunk: each request is a real one
    )
    def run(case: Any, realistic: bool) -> None:
        if mode is GenerationMode.POSITIVE and realistic:
            _realistic(case, world)
        response = case.call(headers=world.headers, cookies=world.cookies)
        case.validate_response(
            response,
            headers=world.headers,
            transport_kwargs={"cookies": world.cookies},
            excluded_checks=_not_checked(world),
        )
        _expect_refused(case, response.status_code, world)
        world.answered[response.status_code] += 1

    run()


def _fuzz(schema: Any, world: World) -> list[str]:
    """Every operation in both modes; the failures of all of them, for one report."""
    failures = []
    for operation in _operations(schema):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz_operation(operation, mode, world)
            except Exception as error:  # gathered, not hidden: asserted empty
                failures.append(f"{operation.label} ({mode.value}): {error}")
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented_for_each_role(role, team, api_schema):
    world = _world(role, team)
    failures = _fuzz(api_schema, world)
    assert failures == [], "\n\n".join(failures)
    # the credentials worked: the fuzzing reached the endpoints, and the writes of those allowed
    assert world.answered[200] > 0, world.answered
    assert (world.answered[201] > 0) == bool(WRITES[role]), world.answered


# Values no field takes. The database cannot store the first ones: PostgreSQL has no NUL
# character in text or JSON, and JSON no NaN or infinity (which Python's parser reads). Then
# PostgreSQL's integers end at 2**31 - 1 (2**63 - 1 for big ones).
UNSTORABLE = ("\x00", "a\x00b", math.nan)
HOSTILE: tuple[Any, ...] = (
    *UNSTORABLE,
    {"x": math.inf},
    "x" * 5000,
    2**31,
    2**63,
    -(2**63) - 1,
    1e308,
    [],
    {},
)


def _json_bodies(schema: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each operation that takes JSON: its method, path and the properties of its body."""
    raw = schema.raw_schema
    for path, operations in raw["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                name = body["schema"]["$ref"].rsplit("/", 1)[-1]
                yield method.upper(), path, raw["components"]["schemas"][name]["properties"]


def test_a_hostile_value_in_any_field_is_refused_not_a_server_error(team, api_schema):
    """Each field of each body in turn, the rest of the body valid: refused (422) with a message
    (what the database cannot store: on the field named), never a server error. On PostgreSQL
    a NUL character, NaN and counts past the entry form's maxima were 500s before the API
    refused them."""
    world = _world(Role.COUNSELLOR, team)
    client = Client(headers=world.headers, raise_request_exception=False)
    answered: Counter[int] = Counter()
    for method, path, properties in _json_bodies(api_schema):
        valid = world.valid[f"{method} {path}"]
        url = path.replace("{patient_id}", str(world.own.pk))
        for name in properties.keys() - {"client_key"}:
            for value in HOSTILE:
                body = {**valid, "client_key": str(uuid.uuid4()), name: value}
                response = client.post(url, body, content_type="application/json")
                status = response.status_code
                answered[status] += 1
                # 201: a long text where long text is fine; 404: an id of nothing
                assert status in (201, 404, 422), (path, name, value, status)
                if status == 422:
                    assert all(problem["msg"] for problem in response.json()["detail"])
                if any(value is unstorable for unstorable in UNSTORABLE):
                    assert status == 422, (path, name, status)
                    assert name in response.json()["detail"][0]["loc"], (path, name)
    assert answered[422] > 100, answered


def test_refusals_are_documented_and_answered_in_json(team, api_schema):
    """What the fuzzing found: every refusal in the schema, an address under /api/ that names
    nothing answered in JSON (not the web's HTML page), a page past the database's integers
    refused, a body that is not JSON refused in words."""
    responses = api_schema.raw_schema["paths"]["/api/patients/{patient_id}/check-ins"]
    assert set(responses["post"]["responses"]) == {"201", "400", "401", "403", "404", "422"}
    assert set(responses["get"]["responses"]) == {"200", "401", "403", "404", "422"}
    client = Client(headers=_world(Role.NURSE, team).headers)
    for path in ("/api/patients/abc", "/api/nothing/here", "/api/imports/not-a-uuid"):
        response = client.get(path)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    page = client.get("/api/patients", {"page": 10**20})
    assert (page.status_code, page.json()["detail"][0]["loc"]) == (422, ["query", "page"])
    unreadable = client.post("/api/patients", "{", content_type="application/json")
    assert (unreadable.status_code, unreadable.json()) == (
        400,
        {"detail": "The request body cannot be read as JSON."},
    )
