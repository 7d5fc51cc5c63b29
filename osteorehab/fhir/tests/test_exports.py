"""Bulk export: kick-off, progress, NDJSON files of valid R4 resources, only for the user who
asked, and the patients exported recorded in the audit trail."""

import json
from datetime import date

import pytest

from osteorehab.accounts.domain import Role
from osteorehab.audit.models import AuditEvent
from osteorehab.fhir import exports
from osteorehab.patients.demo import build_demo
from tests.factories import client_for, make_org, make_team, make_user, member

from .conftest import bearer, token_for, write_record
from .validation import valid

pytestmark = pytest.mark.django_db
BASE = "/fhir/R4"
ASYNC = {"Prefer": "respond-async"}


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def kick_off(client, **params):
    return client.get(f"{BASE}/$export", params, headers=ASYNC)


def lines(client, url: str) -> list[dict]:
    response = client.get(url.removeprefix("http://testserver"))
    assert response["Content-Type"] == "application/fhir+ndjson"
    text = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in text.splitlines()]


def test_an_export_of_the_program_is_files_of_valid_resources(team, record):
    lead = make_user(Role.LEAD, team.site.organisation)
    client = bearer(token_for(lead))
    started = kick_off(client)
    assert started.status_code == 202
    status = client.get(started["Content-Location"].removeprefix("http://testserver"))
    assert status.status_code == 200
    manifest = status.json()
    assert manifest["requiresAccessToken"] is True
    counts = {output["type"]: output["count"] for output in manifest["output"]}
    assert counts == {
        "Questionnaire": 18,
        "Patient": 1,
        "RelatedPerson": 1,
        "CareTeam": 1,
        "CarePlan": 1,
        "Goal": 1,
        "QuestionnaireResponse": 2,
        "Observation": 4,
        "Communication": 2,
        "Task": 0,
        # every event of the organisation until the export (which then records its own)
        "AuditEvent": AuditEvent.objects.of_organisation(lead.organisation_id).count() - 1,
        "Practitioner": 6,  # the four clinicians, the lead and the administrator
    }
    for output in manifest["output"]:
        found = lines(client, output["url"])
        assert len(found) == output["count"]
        assert all(valid(resource)["resourceType"] == output["type"] for resource in found)
    listed = AuditEvent.objects.get(target="fhir:export")
    assert (listed.user, listed.action, listed.patient) == (lead, "list", record.patient)


def test_the_export_holds_only_what_the_user_reaches(team, record):
    other = make_team(make_org("Elsewhere"))
    write_record(other, family_name="Farawaypatient")
    client = bearer(token_for(member(team, Role.NURSE)))
    manifest = client.get(kick_off(client, _type="Patient,Observation")["Content-Location"]).json()
    assert [o["type"] for o in manifest["output"]] == ["Patient", "Observation"]
    patients = lines(client, manifest["output"][0]["url"])
    assert [p["name"][0]["family"] for p in patients] == ["Recordholder"]
    assert {o["subject"]["reference"] for o in lines(client, manifest["output"][1]["url"])} == {
        f"Patient/{record.patient.pk}"
    }


def test_no_one_else_sees_the_job_or_its_files(team, record):
    nurse_client = bearer(token_for(member(team, Role.NURSE)))
    status_url = kick_off(nurse_client)["Content-Location"]
    file_url = nurse_client.get(status_url).json()["output"][0]["url"]
    colleague = client_for(member(team, Role.THERAPIST))
    assert colleague.get(status_url).status_code == 404
    assert colleague.get(file_url).status_code == 404
    assert nurse_client.delete(status_url).status_code == 202
    assert nurse_client.get(status_url).status_code == 404


def test_the_kick_off_needs_respond_async_and_known_types(team, record):
    client = bearer(token_for(member(team, Role.NURSE)))
    assert client.get(f"{BASE}/$export").status_code == 400
    refused = kick_off(client, _type="Patient,AuditEvent")  # the audit trail is the lead's
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["_type"]
    assert kick_off(client_for(record.patient.user)).status_code == 403


def test_a_job_reports_its_progress_until_done(team, record, monkeypatch):
    """Saved every CHUNK resources: queued, then running with counts rising, then done."""
    nurse = member(team, Role.NURSE)
    job = exports.export_start(
        user=nurse, types=["Questionnaire", "Observation"], base="b", request="r", ip=None
    )
    client = client_for(nurse)
    waiting = client.get(f"{BASE}/$export-status/{job.id}")
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "queued: 0% (0 of 0 resources)"
    monkeypatch.setattr(exports, "CHUNK", 5)
    seen: list[tuple[str, int, int]] = []
    exports.export_run(job.id, on_progress=lambda j: seen.append((j.state, j.done, j.total)))
    assert seen == [
        ("running", 0, 22),
        ("running", 5, 22),
        ("running", 10, 22),
        ("running", 15, 22),
        ("running", 20, 22),
        ("done", 22, 22),
    ]
    assert exports.export_run(job.id) is not None  # run again: nothing written twice
    assert AuditEvent.objects.filter(target="fhir:export").count() == 1


def test_the_demo_programs_export_validates_resource_by_resource():
    """Done when of issue 7: the demo program's export, every line valid R4."""
    demo = build_demo(today=date(2026, 11, 21))
    client = bearer(token_for(demo.staff["lead"]))
    manifest = client.get(kick_off(client)["Content-Location"]).json()
    counts = {}
    for output in manifest["output"]:
        found = lines(client, output["url"])
        assert all(valid(resource)["resourceType"] == output["type"] for resource in found)
        counts[output["type"]] = len(found)
    assert counts["Patient"] == 12
    assert counts["Observation"] > 100
    assert all(counts[t] for t in ("CarePlan", "Goal", "QuestionnaireResponse", "RelatedPerson"))


def test_a_job_whose_worker_died_says_so_and_old_jobs_are_removed(team, record, time_machine):
    """A running job that stopped saving its progress is failed, not running for ever; a
    week after it was last written, the daily job removes it and its files."""
    nurse = member(team, Role.NURSE)
    client = client_for(nurse)
    time_machine.move_to("2026-11-02 09:00Z", tick=False)
    job = exports.export_start(user=nurse, types=["Patient"], base="b", request="r", ip=None)
    job.state = exports.State.RUNNING
    job.save()  # as the worker does, just before it is killed
    time_machine.move_to("2026-11-02 09:09Z", tick=False)
    assert client.get(f"{BASE}/$export-status/{job.id}").status_code == 202
    time_machine.move_to("2026-11-02 09:11Z", tick=False)
    stopped = client.get(f"{BASE}/$export-status/{job.id}")
    assert stopped.status_code == 500
    assert stopped.json()["issue"][0]["diagnostics"] == (
        "the export failed: the job stopped before it finished; start the export again"
    )
    fresh = exports.export_start(user=nurse, types=["Patient"], base="b", request="r", ip=None)
    time_machine.move_to("2026-11-09 09:05Z", tick=False)
    assert exports.exports_prune() == 1
    assert not job.folder.exists()
    assert fresh.folder.exists()
    later = client_for(nurse)  # a week on, the first session has long expired
    assert later.get(f"{BASE}/$export-status/{job.id}").status_code == 404
    assert later.get(f"{BASE}/$export-status/{fresh.id}").status_code == 202
