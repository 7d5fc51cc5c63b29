"""The FHIR endpoints: read, search with paging, $everything and the CapabilityStatement, with
the web pages' access rules for token and session users alike, and reads audited."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osteorehab.accounts.domain import Part, Role
from osteorehab.assessments.services import assessment_record
from osteorehab.audit.models import AuditEvent
from osteorehab.fhir.resources import SOURCES
from osteorehab.followup.services import schedule_item_add
from osteorehab.meetings.services import decision_record
from osteorehab.meetings.tests.helpers import anxiety_up, schedule
from tests.factories import (
    client_for,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

from .conftest import bearer, token_for, write_record
from .validation import valid

pytestmark = pytest.mark.django_db
BASE = "/fhir/R4"
PATIENT_TYPES = sorted(set(SOURCES) - {"AuditEvent", "Practitioner"})
RECORD_TYPES = [t for t in PATIENT_TYPES if t != "Task"]  # tasks come from case meetings


def test_the_capability_statement_is_open_and_says_exactly_what_exists(client):
    response = client.get(f"{BASE}/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    statement = valid(response.json())
    rest = statement["rest"][0]
    assert {r["type"] for r in rest["resource"]} == {*SOURCES, "Questionnaire"}
    observation = next(r for r in rest["resource"] if r["type"] == "Observation")
    assert {p["name"] for p in observation["searchParam"]} == {"_id", "patient", "subject", "date"}
    patient = next(r for r in rest["resource"] if r["type"] == "Patient")
    assert patient["operation"][0]["name"] == "everything"
    assert rest["operation"][0]["name"] == "export"
    assert statement["fhirVersion"] == "4.0.1"


def test_anyone_else_must_authenticate(client, record):
    response = client.get(f"{BASE}/Patient/{record.patient.pk}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert valid(response.json())["issue"][0]["code"] == "login"
    assert "Recordholder" not in response.content.decode()


@pytest.mark.parametrize("resource_type", RECORD_TYPES)
def test_each_resource_of_the_record_reads_as_valid_r4(team, record, resource_type):
    client = bearer(token_for(member(team, Role.NURSE)))
    bundle = client.get(f"{BASE}/{resource_type}", {"patient": record.patient.pk}).json()
    assert bundle["total"] >= 1
    for entry in bundle["entry"]:
        valid(entry["resource"])
        read = client.get(entry["fullUrl"].removeprefix("http://testserver"))
        assert read.status_code == 200
        assert read.json() == entry["resource"]


def test_a_token_of_another_organisation_reaches_nothing(team, record):
    other = make_team(make_org("Elsewhere"))
    client = bearer(token_for(make_user(Role.LEAD, other.site.organisation)))
    for resource_type in [*PATIENT_TYPES, "AuditEvent"]:
        response = client.get(f"{BASE}/{resource_type}", {"patient": record.patient.pk})
        body = response.content.decode()
        assert response.status_code == 200, resource_type
        assert response.json()["total"] == 0, resource_type
        assert "Recordholder" not in body
        assert "Walk to the market" not in body
    for url in [
        f"Patient/{record.patient.pk}",
        f"Observation/{record.assessments['tug'].pk}",
        f"Goal/{record.goal.pk}",
        f"Patient/{record.patient.pk}/$everything",
    ]:
        response = client.get(f"{BASE}/{url}")
        assert response.status_code == 404, url
        assert response.json()["issue"][0]["code"] == "not-found"


def test_a_session_user_reaches_what_the_web_pages_show_them(team, record):
    """The caregiver sees the parts the patient shares; with only the plan shared, no goals
    or measures."""
    plan_only = make_caregiver(record.patient, parts=[Part.PLAN])
    client = client_for(plan_only)
    assert client.get(f"{BASE}/CarePlan/{record.plan.plan_id}").status_code == 200
    response = client.get(f"{BASE}/Observation/{record.assessments['tug'].pk}")
    assert response.status_code == 403
    assert client.get(f"{BASE}/Observation").json()["total"] == 0
    everything = client.get(f"{BASE}/Patient/{record.patient.pk}/$everything").json()
    assert {e["resource"]["resourceType"] for e in everything["entry"]} == {"Patient", "CarePlan"}
    # the caregivers' list is the care team's and the patient's, as on the record page
    assert client_for(record.caregiver).get(f"{BASE}/RelatedPerson").json()["total"] == 0


def test_reads_are_audited_as_on_the_web_pages(team, record):
    nurse = member(team, Role.NURSE)
    client = bearer(token_for(nurse))
    client.get(f"{BASE}/Observation/{record.assessments['tug'].pk}", REMOTE_ADDR="10.9.8.7")
    client.get(f"{BASE}/Goal", {"patient": record.patient.pk})
    read, listed = AuditEvent.objects.filter(user=nurse).order_by("at", "id")
    assert (read.action, read.target, read.patient, read.ip) == (
        "read",
        "fhir:read",
        record.patient,
        "10.9.8.7",
    )
    assert (listed.action, listed.target, listed.patient) == ("list", "fhir:search", record.patient)


def test_an_outsiders_read_is_audited_as_denied(team, record):
    stranger = make_user(Role.NURSE, team.site.organisation)
    bearer(token_for(stranger)).get(f"{BASE}/Patient/{record.patient.pk}")
    event = AuditEvent.objects.get(user=stranger)
    assert (event.action, event.patient, event.target) == ("denied", record.patient, "fhir:read")


def test_search_pages_through_the_results_with_links(team, record):
    therapist = member(team, Role.THERAPIST)
    for day in range(1, 4):  # three more TUGs: five Observations of the patient in all
        assessment_record(
            patient=record.patient,
            by=therapist,
            code="tug",
            answers={"seconds": 12 + day},
            administered_on=date(2026, 4, day),
        )
    client = bearer(token_for(therapist))
    search = {"subject": f"Patient/{record.patient.pk}", "_count": "3"}
    first = client.get(f"{BASE}/Observation", search).json()
    assert first["total"] == 7
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert "previous" not in links
    second = client.get(links["next"].removeprefix("http://testserver")).json()
    ids = [e["resource"]["id"] for e in first["entry"] + second["entry"]]
    assert len(set(ids)) == 6
    last = client.get(links["last"].removeprefix("http://testserver")).json()
    assert len(last["entry"]) == 1
    assert "next" not in {link["relation"] for link in last["link"]}


def test_search_by_date_range(team, record):
    client = bearer(token_for(member(team, Role.NURSE)))
    found = client.get(f"{BASE}/Observation", [("date", "ge2026-02-02"), ("date", "le2026-03-02")])
    codes = [e["resource"]["code"]["text"] for e in found.json()["entry"]]
    assert codes == ["Timed Up and Go", "Bone density (WHO classification)"]
    refused = client.get(f"{BASE}/Observation", {"date": "2026-02-31"})
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["date"]


def test_everything_holds_the_whole_record_and_the_care_team(team, record):
    client = bearer(token_for(member(team, Role.COUNSELLOR)))
    bundle = valid(client.get(f"{BASE}/Patient/{record.patient.pk}/$everything").json())
    found = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert found[0] == "Patient"
    assert {t: found.count(t) for t in set(found)} == {
        "Patient": 1,
        "RelatedPerson": 1,
        "CareTeam": 1,
        "CarePlan": 1,
        "Goal": 1,
        "QuestionnaireResponse": 2,  # PHQ-9 and HADS
        "Observation": 4,
        "Communication": 2,
        "Practitioner": 4,
    }


def test_the_audit_trail_is_the_leads_and_the_administrators(team, record):
    lead = make_user(Role.LEAD, team.site.organisation)
    events = bearer(token_for(lead)).get(f"{BASE}/AuditEvent", {"patient": record.patient.pk})
    assert events.json()["total"] >= 8  # the record's writes
    nurse = bearer(token_for(member(team, Role.NURSE)))
    assert nurse.get(f"{BASE}/AuditEvent").json()["total"] == 0
    some = AuditEvent.objects.filter(patient=record.patient)[0]
    assert nurse.get(f"{BASE}/AuditEvent/{some.pk}").status_code == 404


def test_an_unknown_type_or_method_is_refused_as_fhir_says(team, record):
    client = bearer(token_for(member(team, Role.NURSE)))
    assert client.get(f"{BASE}/Medication").status_code == 404
    response = client.post(f"{BASE}/Patient/{record.patient.pk}")
    assert response.status_code == 405
    assert response.json()["resourceType"] == "OperationOutcome"


def test_questionnaires_are_read_by_anyone_logged_in(team):
    patient = make_patient(team, login=True)
    client = client_for(patient.user)
    phq9 = client.get(f"{BASE}/Questionnaire/phq9").json()
    assert phq9["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    listed = client.get(f"{BASE}/Questionnaire", {"_count": 5}).json()
    assert listed["total"] == 18  # the questionnaires among the instruments
    assert len(listed["entry"]) == 5


def test_a_patient_reads_their_own_record_only(team, record):
    other = write_record(team, family_name="Otherperson")
    client = client_for(record.patient.user)
    assert client.get(f"{BASE}/Patient").json()["total"] == 1
    assert client.get(f"{BASE}/Patient/{other.patient.pk}").status_code == 404
    tasks = client.get(f"{BASE}/Task")
    assert tasks.json()["total"] == 0


def test_a_case_meeting_task_reads_as_a_fhir_task_for_the_care_team(team):
    patient = make_patient(team, family_name="Discussed")
    anxiety_up(patient)  # brings the patient to the agenda
    nurse, counsellor = member(team, Role.NURSE), member(team, Role.COUNSELLOR)
    item = schedule(team, nurse).items.get()
    decision_record(
        item=item,
        by=nurse,
        task_title="Offer weekly cognitive sessions",
        task_owner=f"user:{counsellor.pk}",
        task_due_on=date(2026, 11, 28),
    )
    bundle = bearer(token_for(nurse)).get(f"{BASE}/Task", {"patient": patient.pk}).json()
    task = valid(bundle["entry"][0]["resource"])
    assert (task["status"], task["description"]) == ("requested", "Offer weekly cognitive sessions")
    assert task["owner"]["reference"] == f"Practitioner/{counsellor.pk}"
    assert task["restriction"] == {"period": {"end": "2026-11-28"}}
    assert task["for"] == {"reference": f"Patient/{patient.pk}"}


def test_the_care_plan_holds_the_exercises_and_the_follow_up_schedule(team, record):
    schedule_item_add(
        patient=record.patient,
        by=member(team, Role.NURSE),
        kind="team_review",
        due_on=date(2026, 12, 7),
    )
    client = bearer(token_for(member(team, Role.THERAPIST)))
    plan = valid(client.get(f"{BASE}/CarePlan/{record.plan.plan_id}").json())
    details = [activity["detail"] for activity in plan["activity"]]
    exercises = [d["code"]["coding"][0]["code"] for d in details[:3]]
    assert exercises == ["chin_tucks", "wall_push_up", "seated_marching"]
    assert details[1]["scheduledTiming"] == {"repeat": {"dayOfWeek": ["mon", "thu"]}}
    assert details[1]["description"] == "1 set(s) of 8-12 repetitions"
    review = details[-1]
    assert review["code"]["coding"][0]["code"] == "team_review"
    assert (review["status"], review["statusReason"]) == ("scheduled", {"text": "upcoming"})
    assert plan["goal"] == [{"reference": f"Goal/{record.goal.pk}"}]
    assert plan["careTeam"] == [{"reference": f"CareTeam/{record.patient.pk}"}]


# A CarePlan reads its patient's follow-up schedule with followup.selectors.patient_schedule,
# two queries a plan: the follow-up app has no selector for many patients' whole schedules yet.
@pytest.mark.parametrize(
    "resource_type", [*(t for t in RECORD_TYPES if t != "CarePlan"), "Practitioner", "AuditEvent"]
)
def test_a_search_page_takes_the_same_queries_however_many_records(team, resource_type):
    lead = make_user(Role.LEAD, team.site.organisation)
    client = bearer(token_for(lead))
    write_record(team, family_name="Firstone")
    with CaptureQueriesContext(connection) as one:
        client.get(f"{BASE}/{resource_type}")
    write_record(team, family_name="Secondone")
    write_record(team, family_name="Thirdone")
    with CaptureQueriesContext(connection) as three:
        client.get(f"{BASE}/{resource_type}")
    assert len(three) == len(one), resource_type
