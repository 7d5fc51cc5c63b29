"""Importing a transaction Bundle: all or nothing, through the services (scored by the
instrument, audited), every problem named; and export -> import -> export gives the same
Patients and Observations."""

import json

import pytest

from osteorehab.accounts.domain import Role
from osteorehab.assessments.models import Assessment
from osteorehab.audit.models import AuditEvent
from osteorehab.patients.models import Patient
from tests.factories import client_for, make_org, make_patient, make_team, make_user, member

from .conftest import bearer, token_for, write_record
from .test_inbound import PATIENT, dxa, transaction

pytestmark = pytest.mark.django_db
BASE = "/fhir/R4"


def post(client, bundle: dict):
    return client.post(f"{BASE}/", json.dumps(bundle), content_type="application/fhir+json")


def tug(subject: str, value: float, unit: str = "s") -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "89423-8"}]},
        "subject": {"reference": subject},
        "effectiveDateTime": "2026-10-05",
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
    }


def test_a_new_patient_and_her_dxa_result_are_registered_and_scored(team):
    nurse = member(team, Role.NURSE)
    response = post(bearer(token_for(nurse)), transaction(PATIENT, dxa(-2.7)))
    assert response.status_code == 200
    bundle = response.json()
    assert bundle["type"] == "transaction-response"
    patient = Patient.objects.get(record_number="H-0042")
    assessment = Assessment.objects.get(patient=patient)
    assert [e["response"] for e in bundle["entry"]] == [
        {"status": "201 Created", "location": f"Patient/{patient.pk}"},
        {"status": "201 Created", "location": f"Observation/{assessment.pk}"},
    ]
    # T -2.7 <= -2.5 with a fragility fracture: severe osteoporosis (clinical-reference 3.1);
    # her sex and age on the day (75) come from the record
    assert (assessment.instrument, assessment.total, assessment.band) == (
        "bone_density",
        -2.7,
        "severe_osteoporosis",
    )
    assert (assessment.answers["sex"], assessment.answers["age"]) == ("female", 75)
    assert (patient.care_team, patient.preferred_language) == (team, "zh-hans")
    written = set(AuditEvent.objects.filter(user=nurse).values_list("target", flat=True))
    assert {"patients.Patient", "assessments.Assessment"} <= written


def test_one_bad_observation_imports_nothing_and_names_the_problem(team):
    existing = make_patient(team, record_number="H-0001")
    before = (Patient.objects.count(), Assessment.objects.count(), AuditEvent.objects.count())
    bundle = transaction(
        PATIENT, tug("urn:uuid:p1", 13.5), tug(f"Patient/{existing.pk}", 0.2, "min")
    )
    response = post(bearer(token_for(member(team, Role.NURSE))), bundle)
    assert response.status_code == 400
    (issue,) = response.json()["issue"]
    assert issue == {
        "severity": "error",
        "code": "value",
        "diagnostics": "entry 2 (urn:uuid:o3): the unit must be UCUM 's', not 'min'",
        "expression": ["Bundle.entry[2].resource.valueQuantity"],
    }
    after = (Patient.objects.count(), Assessment.objects.count())
    assert after == before[:2]


def test_the_instruments_refusals_and_unknown_patients_are_all_listed(team):
    other_org = make_patient(make_team(make_org("Elsewhere")))
    bundle = transaction(
        PATIENT,
        tug("urn:uuid:p1", 900),  # beyond any TUG: refused by the instrument, not clamped
        tug(f"Patient/{other_org.pk}", 12),
        {**PATIENT, "name": [{"family": "Zhao", "given": ["Lan"]}], "identifier": []},
    )
    nurse = member(team, Role.NURSE)
    response = post(bearer(token_for(nurse)), bundle)
    issues = [(i["code"], i["expression"][0]) for i in response.json()["issue"]]
    assert issues == [
        ("invariant", "Bundle.entry[1].resource.value"),
        ("not-found", "Bundle.entry[2].resource.subject"),
    ]
    assert "seconds" in response.json()["issue"][0]["diagnostics"]
    assert not Patient.objects.filter(organisation=team.site.organisation).exists()


def test_a_patient_already_known_by_record_number_is_matched_not_registered_again(team):
    existing = make_patient(team, record_number="H-0042")
    bundle = transaction(PATIENT, dxa(-1.2))
    bundle["entry"][0]["request"]["ifNoneExist"] = "identifier=H-0042"
    response = post(bearer(token_for(member(team, Role.PHYSICIAN))), bundle)
    assert response.json()["entry"][0]["response"] == {
        "status": "200 OK",
        "location": f"Patient/{existing.pk}",
    }
    assert Assessment.objects.get().patient == existing


@pytest.mark.parametrize("role", [Role.LEAD, Role.PATIENT, Role.ADMIN])
def test_only_clinicians_import(team, role):
    user = make_patient(team, login=True).user if role is Role.PATIENT else None
    user = user or make_user(role, team.site.organisation)
    client = bearer(token_for(user)) if role is Role.LEAD else client_for(user)
    response = post(client, transaction(PATIENT))
    assert response.status_code == 403
    assert not Patient.objects.filter(record_number="H-0042").exists()


def test_a_body_that_is_not_a_bundle_is_refused(team):
    client = bearer(token_for(member(team, Role.NURSE)))
    assert (
        client.post(f"{BASE}/", "not json", content_type="application/fhir+json").status_code == 400
    )
    response = post(client, {"resourceType": "Patient"})
    assert response.json()["issue"][0]["expression"] == ["Bundle"]


def _export(client, types: str) -> dict[str, list[dict]]:
    status = client.get(f"{BASE}/$export", {"_type": types}, headers={"Prefer": "respond-async"})
    manifest = client.get(status["Content-Location"]).json()
    found = {}
    for output in manifest["output"]:
        text = b"".join(client.get(output["url"]).streaming_content).decode()
        found[output["type"]] = [json.loads(line) for line in text.splitlines()]
    return found


def _comparable(exported: dict[str, list[dict]]) -> list[dict]:
    """The resources without what names them in one database: their ids, the patient (by
    record number instead), and the clinician who recorded a result, who is the importer
    after an import (a patient's own report stays theirs)."""
    numbers = {f"Patient/{p['id']}": p["identifier"][0]["value"] for p in exported["Patient"]}

    def who(reference: dict) -> str:
        return numbers.get(reference["reference"], "a clinician")

    found = []
    for resource in exported["Patient"] + exported["Observation"]:
        resource = {k: v for k, v in resource.items() if k not in ("id", "derivedFrom")}
        resource.pop("managingOrganization", None)
        if "subject" in resource:
            resource["subject"] = who(resource["subject"])
            resource["performer"] = [who(p) for p in resource.get("performer", [])]
        found.append(resource)
    return sorted(found, key=lambda r: json.dumps(r, sort_keys=True))


def test_export_import_export_gives_the_same_patients_and_observations(team, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    write_record(team, family_name="Roundtrip", record_number="RT-1")
    write_record(team, family_name="Secondtrip", record_number="RT-2")
    lead = make_user(Role.LEAD, team.site.organisation)
    first = _export(bearer(token_for(lead)), "Patient,Observation")

    base = "https://riverside.example/fhir/R4"
    entries = [
        {
            "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
            "resource": resource,
            "request": {"method": "POST", "url": resource["resourceType"]},
        }
        for resource in first["Patient"] + first["Observation"]
    ]
    elsewhere = make_team(make_org("Hillside"))
    nurse = member(elsewhere, Role.NURSE)
    response = post(
        bearer(token_for(nurse)),
        {"resourceType": "Bundle", "type": "transaction", "entry": entries},
    )
    assert response.status_code == 200, response.json()

    second = _export(bearer(token_for(nurse)), "Patient,Observation")
    assert len(second["Observation"]) == len(first["Observation"]) == 8
    assert _comparable(second) == _comparable(first)
