"""Every page, API endpoint and FHIR search that reads a sort, filter, status, period, site or
page from the query string takes it only from what it allows: a hostile value (an ORM lookup,
SQL, a dunder, a NUL character, a number that is not one) is ignored or refused with a 400
(422 from the JSON API), never a server error, and no one is shown a patient they may not
see."""

import pytest
from django.test import Client

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import User
from osteorehab.api.tests.conftest import token_client
from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event
from tests.factories import client_for, make_org, make_patient, make_team, make_user, member

pytestmark = pytest.mark.django_db

HOSTILE = (
    "-password",
    "user__password",
    "care_team__site__organisation__name",
    "id);DROP TABLE patients_patient;--",
    "' OR '1'='1",
    "__class__",
    "\x00",
    "²",  # str.isdigit() takes it; int() does not
    "9" * 40,
    "-1",
    "2026-13-45",
)
OWN, SAME_ORG, OTHER_ORG = "Zzownpatient", "Zzsameorgpatient", "Zzotherorgpatient"
# Who may see whom: a nurse, the patients of their care team; a program lead, of their
# organisation.
UNSEEN = {Role.NURSE: (SAME_ORG, OTHER_ORG), Role.LEAD: (OTHER_ORG,)}

# (who asks, the address, the parameters it reads, the answers it may give)
PAGE = (200, 400)
CASES = [
    (Role.NURSE, "/caseload/", ("q", "status", "team", "sort", "page"), PAGE),
    (Role.LEAD, "/caseload/", ("q", "status", "team", "sort", "page"), PAGE),
    (Role.NURSE, "/followup/", ("status", "kind", "page"), PAGE),
    (Role.NURSE, "/follow-ups/", ("who",), PAGE),
    (Role.NURSE, "/inbox/", ("show", "page"), PAGE),
    (Role.NURSE, "/library/exercises/", ("q", "category", "impact", "tag", "retired"), PAGE),
    (Role.LEAD, "/audit/", ("patient", "user", "action", "date_from", "date_to", "page"), PAGE),
    (Role.LEAD, "/outcomes/", ("site", "team", "enrolled_from", "enrolled_to", "status"), PAGE),
    # the data set itself: refused (404) rather than filtered by a value it does not know
    (Role.LEAD, "/outcomes/analysis.csv", ("site", "team", "status"), (200, 404)),
    (
        Role.NURSE,
        "/api/patients",
        ("name", "record_number", "care_team", "status", "updated_since", "page", "page_size"),
        (200, 422),
    ),
    (Role.LEAD, "/api/patients", ("name", "care_team", "status", "page"), (200, 422)),
    (Role.NURSE, "/api/proposals", ("status", "role", "page", "page_size"), (200, 422)),
    (Role.NURSE, "/api/patients/{own}/assessments", ("instrument", "page"), (200, 422)),
    (Role.NURSE, "/api/patients/{own}/exercise-logs", ("since", "until", "page"), (200, 422)),
    (Role.NURSE, "/api/patients/{own}/proposals", ("status", "page"), (200, 422)),
    (
        Role.NURSE,
        "/fhir/R4/Observation",
        ("patient", "subject", "_id", "_count", "_offset", "date"),
        (200, 400),
    ),
    (Role.NURSE, "/fhir/R4/Patient", ("_id", "_count", "_offset"), (200, 400)),
    (Role.LEAD, "/fhir/R4/Patient", ("_id", "_count", "_offset"), (200, 400)),
]


@pytest.fixture
def clients(db) -> dict[str, object]:
    """Org A: the users' care team (one patient) and another team (one patient); org B with a
    patient and an audit event of its own."""
    org = make_org("Org A")
    team = make_team(org, "Team A")
    own = make_patient(team, family_name=OWN)
    make_patient(make_team(org, "Team B"), family_name=SAME_ORG)
    other = make_patient(make_team(make_org("Org B"), "Team C"), family_name=OTHER_ORG)
    outsider = member(other.care_team, Role.NURSE)
    audit_event(by=outsider, action=AuditAction.READ, target="patients:record", patient_id=other.pk)
    nurse, lead = member(team, Role.NURSE), make_user(Role.LEAD, org)
    return {"own": own, Role.NURSE: nurse, Role.LEAD: lead}


def _client(user: User, url: str) -> Client:
    """A token where a token is the credential (the API, FHIR), else the session."""
    return token_client(user) if url.startswith(("/api/", "/fhir/")) else client_for(user)


@pytest.mark.parametrize(
    ("role", "url", "parameter", "answers"),
    [
        pytest.param(role, url, p, answers, id=f"{role}-{url}-{p}")
        for role, url, parameters, answers in CASES
        for p in parameters
    ],
)
def test_a_hostile_parameter_is_ignored_or_refused_and_shows_no_one_unseen(
    clients, role, url, parameter, answers
):
    address = url.format(own=clients["own"].pk)
    client = _client(clients[role], address)
    for value in HOSTILE:
        response = client.get(address, {parameter: value})
        assert response.status_code in answers, (value, response.status_code)
        body = response.content.decode()
        for name in UNSEEN[role]:
            assert name not in body, (value, name)


def test_a_sort_names_one_of_the_caseloads_orders_or_the_default(clients):
    """`sort` is looked up among the caseload's orders, never handed to order_by: a field
    name, however it is spelt, gives the default order (by name)."""
    client = client_for(clients[Role.LEAD])
    default = client.get("/caseload/").context["page"].object_list
    assert [p.family_name for p in default] == [OWN, SAME_ORG]
    for value in ("-password", "-family_name", "user__password", "-updated_at", "__class__"):
        page = client.get("/caseload/", {"sort": value}).context
        assert (page["sort"], list(page["page"].object_list)) == (value, list(default))
    by_name_reversed = client.get("/caseload/", {"sort": "-name"}).context["page"].object_list
    assert [p.family_name for p in by_name_reversed] == [SAME_ORG, OWN]
