"""The JSON API: real values through the same services as the web pages, the same access rules
for tokens and sessions (judged on the body), pagination, idempotent log entries, audited reads
and writes, and the OpenAPI schema and its docs page under the Content-Security-Policy."""

import uuid
from datetime import date
from typing import Any

import pytest
from django.test import Client

from osteorehab.accounts.domain import Part, Role
from osteorehab.alerts.models import Alert
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.assessments.services import assessment_record
from osteorehab.audit.models import AuditEvent
from osteorehab.logbook.models import CheckIn, ExerciseLog
from osteorehab.logbook.tests.factories import make_plan
from osteorehab.patients.models import Patient
from osteorehab.rules.models import Proposal
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

from .conftest import token_client

pytestmark = pytest.mark.django_db
PHQ9_14 = [2, 2, 2, 2, 2, 2, 1, 1, 0]  # total 14: moderate (10-14), item 9 at 0
JSON = "application/json"


@pytest.fixture
def patient(team):
    return make_patient(team, login=True, family_name="Apiholder", record_number="H-1")


@pytest.fixture
def stranger(db):
    """A nurse of another organisation, with a token."""
    return token_client(member(make_team(make_org("Elsewhere")), Role.NURSE))


def phq9(client: Client, patient: Patient, items: list, **extra) -> Any:
    body = {"instrument": "phq9", "answers": {"items": items}, "administered_on": "2026-11-20"}
    return client.post(f"/api/patients/{patient.pk}/assessments", body | extra, content_type=JSON)


# ---- Assessments ----


def test_a_phq9_sent_by_a_clinicians_token_is_scored_stored_and_audited(team, patient):
    response = phq9(token_client(member(team, Role.COUNSELLOR)), patient, PHQ9_14)
    assert response.status_code == 201
    body = response.json()
    assert (body["instrument"], body["total"], body["band"], body["band_label"]) == (
        "phq9",
        14,
        "moderate",
        "moderate",
    )
    assert body["result"]["bands"] == {"severity": "moderate", "screen": "positive"}
    assert body["reasons"][0].startswith("14 is >= 10 and <= 14: moderate by severity")
    assessment = Assessment.objects.get()
    assert (assessment.pk, assessment.total, assessment.answers) == (
        body["id"],
        14,
        {"items": PHQ9_14},
    )
    event = AuditEvent.objects.get(target="assessments.Assessment")
    assert (event.action, event.patient_id, event.username) == (
        "create",
        patient.pk,
        member(team, Role.COUNSELLOR).username,
    )


def test_words_come_in_the_language_asked_for(team, patient):
    client = token_client(member(team, Role.COUNSELLOR), **{"Accept-Language": "zh-hans"})
    body = phq9(client, patient, PHQ9_14).json()
    assert (body["instrument_name"], body["band"], body["band_label"]) == (
        "PHQ-9 抑郁症筛查量表",
        "moderate",  # the code stays the same in every language
        "中度",
    )
    assert body["reasons"][0].startswith("14 >= 10 且 <= 14：按 severity 为中度")


def test_an_answer_the_instrument_refuses_is_named_with_its_field_and_nothing_is_kept(
    team, patient
):
    client = token_client(member(team, Role.COUNSELLOR))
    response = phq9(client, patient, [2, 2, 7, 2, 2, 2, 1, 1, 0])
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"type": "refused", "loc": ["body", "q3"], "msg": "Choose one of the answers."}
    ]
    too_few = phq9(client, patient, [1, 1]).json()["detail"]
    assert too_few[0]["loc"] == ["body", "items"]
    assert "9 items; 2 answers given" in too_few[0]["msg"]
    unknown = client.post(
        f"/api/patients/{patient.pk}/assessments",
        {"instrument": "nope", "answers": {}, "administered_on": "2026-11-20"},
        content_type=JSON,
    )
    assert unknown.json()["detail"][0]["loc"] == ["body", "instrument"]
    future = phq9(client, patient, PHQ9_14, administered_on="2026-12-01")
    assert future.json()["detail"][0]["loc"] == ["body", "administered_on"]
    assert Assessment.objects.count() == 0


def test_item_9_above_0_alerts_the_counsellor_and_the_physician(team, patient):
    phq9(token_client(member(team, Role.NURSE)), patient, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert Alert.objects.get(patient=patient).kind == "self_harm_thoughts"


def test_assessments_are_listed_newest_first_by_instrument(team, patient):
    counsellor = member(team, Role.COUNSELLOR)
    for day, items in ((date(2026, 10, 1), PHQ9_14), (date(2026, 11, 1), [0] * 9)):
        assessment_record(
            patient=patient,
            by=counsellor,
            code="phq9",
            answers={"items": items},
            administered_on=day,
            occasion=Occasion.FOLLOW_UP,
        )
    assessment_record(
        patient=patient,
        by=counsellor,
        code="tug",
        answers={"seconds": 9},
        administered_on=date(2026, 11, 2),
    )
    client = token_client(counsellor)
    body = client.get(f"/api/patients/{patient.pk}/assessments?instrument=phq9").json()
    assert body["count"] == 2
    assert [(a["administered_on"], a["total"]) for a in body["items"]] == [
        ("2026-11-01", 0),
        ("2026-10-01", 14),
    ]


# ---- Access: the web pages' rules ----


def test_without_credentials_or_with_a_wrong_token_the_answer_is_401(patient):
    for client in (Client(), Client(headers={"Authorization": "Bearer osr_wrong"})):
        response = client.get(f"/api/patients/{patient.pk}")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert "Apiholder" not in response.content.decode()


def test_another_organisations_token_finds_nothing_and_changes_nothing(patient, stranger):
    listed = stranger.get("/api/patients")
    assert listed.json() == {"items": [], "count": 0}
    for url in (
        f"/api/patients/{patient.pk}",
        f"/api/patients/{patient.pk}/assessments",
        f"/api/patients/{patient.pk}/plan",
        f"/api/patients/{patient.pk}/check-ins",
    ):
        response = stranger.get(url)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), url
    written = phq9(stranger, patient, PHQ9_14)
    assert (written.status_code, written.json()) == (404, {"detail": "Not found."})
    assert stranger.get("/api/proposals").json() == {"items": [], "count": 0}
    assert Assessment.objects.count() == 0
    assert AuditEvent.objects.filter(action="denied", patient=patient).count() == 5


def test_an_outsider_is_not_found_whatever_the_method_or_body(patient, stranger):
    """Before the method or the body is looked at: no 405 or 422 that would tell a patient
    exists."""
    assert stranger.post(f"/api/patients/{patient.pk}/plan").status_code == 404
    assert stranger.put(f"/api/patients/{patient.pk}").status_code == 404
    assert stranger.post(f"/api/patients/{patient.pk}/assessments", "x", JSON).status_code == 404
    assert stranger.post("/api/patients/999999/assessments", "x", JSON).status_code == 404
    assert Client().post(f"/api/patients/{patient.pk}/plan").status_code == 401


def test_a_caregiver_sees_only_the_parts_the_patient_shares(team, patient):
    caregiver = client_for(make_caregiver(patient, parts=[Part.PLAN]))
    record = caregiver.get(f"/api/patients/{patient.pk}").json()
    assert (record["family_name"], record["care_team"], record["status"]) == (
        "Apiholder",
        None,
        None,
    )
    assert caregiver.get(f"/api/patients/{patient.pk}/plan").status_code == 200
    for url in (f"/api/patients/{patient.pk}/assessments", f"/api/patients/{patient.pk}/check-ins"):
        response = caregiver.get(url)
        assert (response.status_code, response.json()) == (403, {"detail": "You may not do this."})
    assert caregiver.get("/api/patients").status_code == 403  # the caseload is the staff's
    assert phq9(caregiver, patient, PHQ9_14).status_code == 403


def test_a_patient_reaches_only_themself_and_does_not_record_assessments(team, patient):
    own = client_for(login_of(patient))
    assert own.get(f"/api/patients/{patient.pk}").json()["care_team"]["name"] == team.name
    other = make_patient(team, family_name="Otherpatient")
    response = own.get(f"/api/patients/{other.pk}")
    assert response.status_code == 404
    assert "Otherpatient" not in response.content.decode()
    assert phq9(own, patient, PHQ9_14).status_code == 403  # self-report is the phone's pages


def test_a_program_lead_reads_the_whole_organisation_but_records_nothing(team, patient):
    other_team = make_team(team.site.organisation)
    make_patient(other_team, family_name="Secondteam")
    lead = token_client(make_user(Role.LEAD, team.site.organisation))
    names = [p["family_name"] for p in lead.get("/api/patients").json()["items"]]
    assert sorted(names) == ["Apiholder", "Secondteam"]
    assert phq9(lead, patient, PHQ9_14).status_code == 403


def test_a_session_write_needs_the_csrf_token(team, patient):
    nurse = member(team, Role.NURSE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(nurse)
    assert phq9(client, patient, PHQ9_14).status_code == 403
    client.get("/api/docs")  # any page that sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/patients/{patient.pk}/assessments",
        {"instrument": "phq9", "answers": {"items": PHQ9_14}, "administered_on": "2026-11-20"},
        content_type=JSON,
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


# ---- Patients: lists, pages, registration ----


def test_the_patient_list_is_paged_with_a_largest_page(team, django_assert_max_num_queries):
    Patient.objects.bulk_create(
        Patient(
            organisation=team.site.organisation,
            care_team=team,
            family_name=f"Row{n:03}",
            given_name="Ann",
            date_of_birth=date(1950, 1, 1),
            sex="female",
        )
        for n in range(105)
    )
    client = token_client(member(team, Role.NURSE))
    first = client.get("/api/patients").json()
    assert (first["count"], len(first["items"]), first["items"][0]["family_name"]) == (
        105,
        25,
        "Row000",
    )
    last = client.get("/api/patients?page=5").json()
    assert [p["family_name"] for p in last["items"]] == [f"Row{n:03}" for n in range(100, 105)]
    with django_assert_max_num_queries(12):  # one page, not one query per patient
        largest = client.get("/api/patients?page_size=500").json()
    assert len(largest["items"]) == 100
    assert client.get("/api/patients?page=0").status_code == 422
    listed = AuditEvent.objects.filter(action="list", target="api:patient-list")
    assert listed.values("patient").distinct().count() == 105


def test_patients_are_found_by_name_record_number_status_and_change(team, patient):
    make_patient(team, family_name="Zhang", record_number="H-2")
    client = token_client(member(team, Role.NURSE))

    def names(query: str) -> list[str]:
        return [p["family_name"] for p in client.get(f"/api/patients?{query}").json()["items"]]

    assert names("name=hold") == ["Apiholder"]
    assert names("record_number=H-2") == ["Zhang"]
    assert names("status=referred") == ["Apiholder", "Zhang"]
    assert names("status=active") == []
    assert names(f"care_team={team.pk}&updated_since=2026-11-21T00:00:00Z") == [
        "Apiholder",
        "Zhang",
    ]


def test_a_patients_page_is_read_once_into_the_audit_trail(team, patient):
    nurse = member(team, Role.NURSE)
    body = token_client(nurse).get(f"/api/patients/{patient.pk}").json()
    assert (body["record_number"], body["status"], body["date_of_birth"]) == (
        "H-1",
        "referred",
        "1950-03-14",
    )
    event = AuditEvent.objects.get(action="read")
    assert (event.user, event.patient_id, event.target) == (nurse, patient.pk, "api:patient-detail")


REGISTRATION = {
    "family_name": "Chen",
    "given_name": "Mei",
    "date_of_birth": "1948-06-01",
    "sex": "female",
    "record_number": "H-9",
    "program_consent": True,
    "consent_on": "2026-11-20",
    "referred_on": "2026-11-19",
}


def test_a_clinician_registers_a_patient_with_consent_and_referral(team):
    client = token_client(member(team, Role.NURSE))
    response = client.post(
        "/api/patients", REGISTRATION | {"care_team": team.pk}, content_type=JSON
    )
    assert response.status_code == 201
    patient = Patient.objects.get(pk=response.json()["id"])
    assert (patient.name, patient.care_team, patient.record_number) == ("Mei Chen", team, "H-9")
    assert list(patient.consents.values_list("kind", "granted")) == [("program", True)]
    assert patient.episodes.get().referred_on == date(2026, 11, 19)
    assert response.json()["status"] == "referred"
    again = client.post(
        "/api/patients",
        REGISTRATION | {"care_team": team.pk, "record_number": ""},
        content_type=JSON,
    )
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body"]  # the same name and date of birth
    confirmed = REGISTRATION | {"care_team": team.pk, "record_number": "", "allow_duplicate": True}
    assert client.post("/api/patients", confirmed, content_type=JSON).status_code == 201


def test_registration_is_refused_field_by_field_as_on_the_form(team):
    client = token_client(member(team, Role.NURSE))

    def refused(**changes) -> list:
        body = REGISTRATION | {"care_team": team.pk} | changes
        response = client.post("/api/patients", body, content_type=JSON)
        assert response.status_code == 422
        return [(d["loc"], d["msg"]) for d in response.json()["detail"]]

    assert refused(care_team=make_team(make_org()).pk) == [
        (
            ["body", "care_team"],
            "Select a valid choice. That choice is not one of the available choices.",
        )
    ]
    assert refused(date_of_birth="2027-01-01") == [
        (["body", "date_of_birth"], "This date is in the future.")
    ]
    assert refused(family_name="x" * 101) == [
        (
            ["body", "family_name"],
            "Ensure this value has at most 100 characters (it has 101).",
        )
    ]
    assert refused(sex="F")[0][0] == ["body", "payload", "sex"]  # the schema's own check
    lead = token_client(make_user(Role.LEAD, team.site.organisation))
    registered = lead.post(
        "/api/patients", REGISTRATION | {"care_team": team.pk}, content_type=JSON
    )
    assert registered.status_code == 403
    assert Patient.objects.count() == 0


# ---- Plans ----


def test_the_plan_in_force_and_its_versions(team, patient):
    make_plan(patient)
    make_plan(patient, approved=False)
    client = token_client(member(team, Role.THERAPIST))
    body = client.get(f"/api/patients/{patient.pk}/plan").json()
    assert body["in_force"]["number"] == 1
    assert body["waiting_for_approval"]["number"] == 2
    chin_tucks = body["in_force"]["items"][0]
    assert (chin_tucks["exercise"], chin_tucks["days"], chin_tucks["dose"]) == (
        "chin_tucks",
        [5, 6],
        {"hold_seconds": 3, "minutes": 5},
    )
    assert chin_tucks["name"]
    assert body["in_force"]["in_force_from"] == "2026-11-21"
    versions = client.get(f"/api/patients/{patient.pk}/plan/versions").json()
    assert [v["number"] for v in versions["items"]] == [2, 1]
    assert [v["approved"] for v in versions["items"]] == [False, True]


# ---- The log ----


def exercise(key: uuid.UUID, **extra) -> dict:
    return {
        "client_key": str(key),
        "day": "2026-11-21",
        "exercise": "chin_tucks",
        "plan_version": 1,
        "completion": "done",
        "minutes": 5,
        "effort": 4,
    } | extra


def test_an_exercise_log_sent_twice_with_one_key_is_kept_once(team, patient):
    make_plan(patient)
    client = token_client(member(team, Role.NURSE))
    url = f"/api/patients/{patient.pk}/exercise-logs"
    key = uuid.uuid4()
    first = client.post(url, exercise(key, via="phone"), content_type=JSON)
    second = client.post(url, exercise(key, via="phone", minutes=9), content_type=JSON)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["minutes"] == 5  # the entry kept the first time
    assert second.json()["entered_as"] == "nurse_phone"
    assert ExerciseLog.objects.count() == 1
    assert AuditEvent.objects.filter(target="logbook.ExerciseLog").count() == 1
    listed = client.get(f"{url}?since=2026-11-21").json()
    assert [e["client_key"] for e in listed["items"]] == [str(key)]


def test_the_log_refuses_what_the_entry_form_refuses(team, patient):
    make_plan(patient)
    client = token_client(member(team, Role.NURSE))
    url = f"/api/patients/{patient.pk}/exercise-logs"
    without_via = client.post(url, exercise(uuid.uuid4()), content_type=JSON)
    assert without_via.json()["detail"][0]["loc"] == ["body", "via"]
    not_planned = client.post(
        url, exercise(uuid.uuid4(), exercise="squat", via="paper"), content_type=JSON
    )
    assert not_planned.json()["detail"][0]["loc"] == ["body", "exercise"]
    lead = token_client(make_user(Role.LEAD, team.site.organisation))
    assert lead.post(url, exercise(uuid.uuid4(), via="paper"), content_type=JSON).status_code == 403
    assert ExerciseLog.objects.count() == 0


def test_the_patient_checks_in_from_their_session_once_per_key(team, patient):
    client = client_for(login_of(patient))
    key = str(uuid.uuid4())
    body = {
        "client_key": key,
        "day": "2026-11-21",
        "mood": 2,
        "confidence": 5,
        "fatigue": 4,
        "sleep": "poor",
        "pain": 8,
        "back_pain_new": True,
        "falls": 0,
        "near_falls": 0,
    }
    url = f"/api/patients/{patient.pk}/check-ins"
    first = client.post(url, body, content_type=JSON).json()
    again = client.post(url, body, content_type=JSON).json()
    assert first["id"] == again["id"]
    assert (first["entered_as"], first["signals"]) == ("patient", ["severe_back_pain"])
    assert CheckIn.objects.count() == 1
    assert Alert.objects.filter(patient=patient).count() == 1


# ---- Proposals ----


def anxious(patient: Patient) -> Proposal:
    """GAD-7 mild, then moderate: the rules propose more cognitive work to the counsellor."""
    counsellor = member(patient.care_team, Role.COUNSELLOR)
    for day, items, occasion in (
        (date(2026, 10, 20), [1, 1, 1, 1, 1, 1, 0], Occasion.BASELINE),
        (date(2026, 11, 18), [2, 2, 2, 2, 2, 1, 1], Occasion.FOLLOW_UP),
    ):
        assessment_record(
            patient=patient,
            by=counsellor,
            code="gad7",
            answers={"items": items},
            administered_on=day,
            occasion=occasion,
        )
    (proposal,) = proposals_find(patients=[patient], today=date(2026, 11, 21))
    return proposal


def test_proposals_are_listed_per_patient_and_for_the_role_that_decides(team, patient):
    proposal = anxious(patient)
    counsellor = token_client(member(team, Role.COUNSELLOR))
    nurse = token_client(member(team, Role.NURSE))
    mine = counsellor.get("/api/proposals").json()
    assert [(p["id"], p["rule"], p["role"], p["status"]) for p in mine["items"]] == [
        (proposal.pk, "anxiety", "counsellor", "open")
    ]
    assert "GAD-7 6 on 2026-10-20, 12 on 2026-11-18" in mine["items"][0]["reason"]
    assert nurse.get("/api/proposals").json()["count"] == 0
    assert nurse.get("/api/proposals?role=counsellor").json()["count"] == 1
    per_patient = nurse.get(f"/api/patients/{patient.pk}/proposals?status=open").json()
    assert [p["id"] for p in per_patient["items"]] == [proposal.pk]
    own = client_for(login_of(patient))
    assert own.get(f"/api/patients/{patient.pk}/proposals").status_code == 403


def test_only_the_routed_role_decides_and_a_rejection_needs_a_reason(team, patient):
    proposal = anxious(patient)
    url = f"/api/patients/{patient.pk}/decisions"
    nurse = token_client(member(team, Role.NURSE))
    refused = nurse.post(
        url, {"proposal": proposal.pk, "decision": "reject", "reason": "No"}, content_type=JSON
    )
    assert refused.status_code == 422
    assert "counsellor" in refused.json()["detail"][0]["msg"].lower()
    counsellor = token_client(member(team, Role.COUNSELLOR))
    no_reason = counsellor.post(
        url, {"proposal": proposal.pk, "decision": "reject"}, content_type=JSON
    )
    assert no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    decided = counsellor.post(
        url,
        {"proposal": proposal.pk, "decision": "reject", "reason": "Seen this week"},
        content_type=JSON,
    )
    assert decided.status_code == 201
    assert (decided.json()["status"], decided.json()["decision_reason"]) == (
        "rejected",
        "Seen this week",
    )
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert AuditEvent.objects.filter(target="rules.Proposal", action="update").count() == 1


def test_a_proposal_is_modified_as_the_page_would_with_a_reason(team, patient):
    proposal = anxious(patient)
    url = f"/api/patients/{patient.pk}/decisions"
    counsellor = token_client(member(team, Role.COUNSELLOR))

    def modify(reason: str, **change: object) -> Any:
        body = {"proposal": proposal.pk, "decision": "modify", "reason": reason, "change": change}
        return counsellor.post(url, body, content_type=JSON)

    no_reason = modify("", module="relaxation_mindfulness", frequency="weekly")
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    foreign = modify("Other", items=[{"exercise": "tai_chi", "to_exercise": "tai_chi"}])
    assert foreign.status_code == 422
    assert foreign.json()["detail"][0]["msg"] == (
        "Only the exercises of the proposal can be changed here."
    )
    unknown = modify("Other", module="hypnosis", frequency="weekly")
    assert unknown.json()["detail"][0]["loc"] == ["body", "module"]
    done = modify(
        "Relaxation first",
        module="relaxation_mindfulness",
        frequency="weekly",
        tasks=["counsellor_review"],
    )
    assert done.status_code == 201
    assert (done.json()["status"], done.json()["decision_reason"]) == (
        "modified",
        "Relaxation first",
    )
    proposal.refresh_from_db()
    assert (proposal.decided_change or {})["module"] == "relaxation_mindfulness"
    assert (proposal.decided_change or {})["tasks"] == ["counsellor_review"]
    assert patient.module_frequencies.get().module == "relaxation_mindfulness"


def test_a_proposal_of_another_patient_is_not_found_under_this_one(team, patient):
    other = make_patient(team)
    proposal = anxious(other)
    counsellor = token_client(member(team, Role.COUNSELLOR))
    response = counsellor.post(
        f"/api/patients/{patient.pk}/decisions",
        {"proposal": proposal.pk, "decision": "reject", "reason": "x"},
        content_type=JSON,
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "open"


# ---- The schema and its documentation ----


def test_the_openapi_schema_lists_every_endpoint_and_the_bearer_token(client):
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/patients",
        "/api/patients/{patient_id}",
        "/api/patients/{patient_id}/assessments",
        "/api/patients/{patient_id}/plan",
        "/api/patients/{patient_id}/plan/versions",
        "/api/patients/{patient_id}/exercise-logs",
        "/api/patients/{patient_id}/check-ins",
        "/api/patients/{patient_id}/proposals",
        "/api/patients/{patient_id}/decisions",
        "/api/proposals",
        "/api/imports",
        "/api/imports/{import_id}",
    }
    assert set(schema["paths"]["/api/patients"]) == {"get", "post"}
    assert schema["components"]["securitySchemes"]["TokenOrSession"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_the_docs_page_loads_only_our_own_scripts_and_styles(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert "cdn" not in page.lower()
    assert "https://" not in page
    # the settings are data (application/json), which the policy does not run
    assert '<script type="application/json" id="swagger-settings">' in page
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
