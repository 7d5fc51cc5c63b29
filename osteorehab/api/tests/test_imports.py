"""The patient import: a good file registers every patient through the registration service;
a file with any bad row registers none and lists each problem by row and column, in the
uploader's language; the job is seen only by its uploader; and any input whatever ends in one
of the two, never in a half import or a server error."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import CareTeam
from osteorehab.api.domain import COLUMNS
from osteorehab.api.forms import ImportRowForm
from osteorehab.api.models import ImportJob, ImportState
from osteorehab.api.services import imports_stalled, patients_import_run, patients_import_start
from osteorehab.audit.models import AuditEvent
from osteorehab.patients.models import Patient
from tests.factories import client_for, make_org, make_patient, make_team, make_user, member

from .conftest import token_client

pytestmark = pytest.mark.django_db

GOOD = [
    {
        "family_name": "Li",
        "given_name": "Wei",
        "date_of_birth": "1950-03-14",
        "sex": "female",
        "record_number": "A-1",
        "referred_on": "2026-11-02",
        "program_consent": "yes",
        "consent_on": "2026-11-02",
    },
    {
        "family_name": "王",
        "given_name": "芳",
        "date_of_birth": "1948-01-02",
        "sex": "Female",
        "preferred_language": "zh-hans",
        "phone": "138 0000 0000",
        "referred_on": "2026-11-03",
    },
    {
        "family_name": "Brown",
        "given_name": "Ann",
        "date_of_birth": "1945-07-30",
        "sex": "male",
        "record_number": "A-3",
        "referred_on": "2026-11-04",
        "program_consent": "no",
        "diagnosis_on": "2020-05-01",
    },
]


def spreadsheet(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or list(COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def imported(by, data: bytes, language: str = "en") -> ImportJob:
    """The job of this file, run to its end (as the queue would once the upload commits)."""
    job = patients_import_start(by=by, file_name="patients.csv", data=data, language=language)
    patients_import_run(str(job.pk))
    job.refresh_from_db()
    return job


def test_a_good_file_registers_every_patient_as_the_registration_form_does(team):
    nurse = member(team, Role.NURSE)
    job = imported(nurse, spreadsheet(GOOD))
    assert (job.state, job.total, job.checked, job.percent, job.problems) == (
        "done",
        3,
        3,
        100,
        [],
    )
    patients = Patient.objects.order_by("pk")
    assert list(patients.values_list("family_name", "given_name", "record_number", "sex")) == [
        ("Li", "Wei", "A-1", "female"),
        ("王", "芳", "", "female"),
        ("Brown", "Ann", "A-3", "male"),
    ]
    assert job.patient_ids == [p.pk for p in patients]
    assert {p.care_team for p in patients} == {team}
    assert patients[1].preferred_language == "zh-hans"
    assert patients[2].diagnosis_on == date(2020, 5, 1)
    consents = [list(p.consents.values_list("granted", "decided_on")) for p in patients]
    assert consents == [
        [(True, date(2026, 11, 2))],
        [(False, date(2026, 11, 21))],  # no consent given: recorded so on the day of the import
        [(False, date(2026, 11, 21))],
    ]
    assert [p.episodes.get().referred_on for p in patients] == [
        date(2026, 11, 2),
        date(2026, 11, 3),
        date(2026, 11, 4),
    ]
    created = AuditEvent.objects.filter(target="patients.Patient", action="create")
    assert sorted(created.values_list("patient_id", flat=True)) == job.patient_ids
    assert {e.user for e in created} == {nurse}
    assert job.content == ""  # the file is not kept once the job is done
    states = AuditEvent.objects.filter(target="api.ImportJob").order_by("id")
    assert [(e.action, e.changes.get("state")) for e in states] == [
        ("create", "queued"),
        ("update", ["importing", "done"]),
    ]


def test_one_bad_row_imports_nothing_and_names_each_of_its_problems(team):
    bad = {**GOOD[1], "sex": "F", "date_of_birth": "14/03/1950", "care_team": "Nowhere"}
    job = imported(member(team, Role.NURSE), spreadsheet([GOOD[0], bad, GOOD[2]]))
    assert job.state == "refused"
    assert job.problems == [
        {"row": 3, "column": "date_of_birth", "message": "Enter a valid date."},
        {
            "row": 3,
            "column": "sex",
            "message": "Select a valid choice. f is not one of the available choices.",
        },
        {"row": 3, "column": "care_team", "message": "No care team of yours has this name."},
    ]
    assert Patient.objects.count() == 0
    assert not AuditEvent.objects.filter(target="patients.Patient").exists()


def test_problems_are_written_in_the_uploaders_language(team):
    job = imported(member(team, Role.NURSE), spreadsheet([{**GOOD[0], "sex": ""}]), "zh-hans")
    assert job.problems == [{"row": 2, "column": "sex", "message": "这个字段是必填项。"}]


def test_people_already_registered_or_repeated_in_the_file_are_duplicates(team):
    make_patient(team, family_name="Li", given_name="Wei", date_of_birth=date(1950, 3, 14))
    make_patient(make_team(team.site.organisation), record_number="A-3")
    twin = {**GOOD[2], "record_number": ""}
    job = imported(member(team, Role.NURSE), spreadsheet([*GOOD, twin]))
    assert job.problems == [
        {
            "row": 2,
            "column": "",
            "message": "A patient with this name and date of birth is already registered.",
        },
        {
            "row": 4,
            "column": "record_number",
            "message": "Another patient already has this hospital record number.",
        },
        {"row": 5, "column": "", "message": "Row 4 has the same names and date of birth."},
    ]
    assert Patient.objects.count() == 2


def test_the_file_itself_is_checked_before_any_row(team):
    nurse = member(team, Role.NURSE)
    header = imported(nurse, b"family_name,given_name,birth\nLi,Wei,1950-03-14\n")
    assert [(p["row"], p["column"]) for p in header.problems] == [
        (1, "birth"),
        (1, "date_of_birth"),
        (1, "sex"),
        (1, "referred_on"),
    ]
    assert header.problems[0]["message"] == (
        "Unknown column: check its name against the list of columns."
    )
    binary = patients_import_start(
        by=nurse, file_name="x.xlsx", data=b"PK\x03\x04\xff\xfe", language="en"
    )
    assert (binary.state, binary.problems[0]["row"]) == ("refused", None)
    assert "UTF-8 or GB18030" in binary.problems[0]["message"]


def test_a_file_saved_by_chinese_excel_is_read(team):
    data = spreadsheet([{**GOOD[1], "care_team": team.name}]).decode().encode("gb18030")
    job = imported(member(team, Role.NURSE), data)
    assert job.state == "done"
    assert Patient.objects.get().name == "王芳"


def test_the_care_team_is_named_by_a_member_of_several(team):
    nurse = member(team, Role.NURSE)
    second = make_team(team.site.organisation, "Second team")
    second.memberships.create(user=nurse)
    unnamed = imported(nurse, spreadsheet([GOOD[0]]))
    assert unnamed.problems == [
        {"row": 2, "column": "care_team", "message": "Name the care team: you belong to several."}
    ]
    named = imported(nurse, spreadsheet([{**GOOD[0], "care_team": "second TEAM"}]))
    assert named.state == "done"
    assert Patient.objects.get().care_team == second


def test_consent_given_needs_its_date(team):
    job = imported(member(team, Role.NURSE), spreadsheet([{**GOOD[0], "consent_on": ""}]))
    assert job.problems == [
        {"row": 2, "column": "consent_on", "message": "Give the date the patient consented."}
    ]


def test_a_job_runs_once(team):
    nurse = member(team, Role.NURSE)
    job = imported(nurse, spreadsheet(GOOD))
    patients_import_run(str(job.pk))
    assert Patient.objects.count() == 3


def test_a_job_whose_worker_died_is_marked_failed_after_half_an_hour(team, time_machine):
    nurse = member(team, Role.NURSE)
    time_machine.move_to("2026-11-02 09:00Z", tick=False)
    job = patients_import_start(
        by=nurse, file_name="patients.csv", data=spreadsheet(GOOD), language="zh-hans"
    )
    # a worker took it up and was killed while checking the rows
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.CHECKING)
    time_machine.move_to("2026-11-02 09:29Z", tick=False)
    assert imports_stalled() == 0
    time_machine.move_to("2026-11-02 09:31Z", tick=False)
    assert imports_stalled() == 1
    job.refresh_from_db()
    assert (job.state, job.content, job.patient_ids) == (ImportState.FAILED, "", [])
    assert job.problems == [
        {"row": None, "column": "", "message": "导入因意外错误而中止，没有导入任何内容。"}
    ]
    assert AuditEvent.objects.filter(object_id=job.pk, changes__state=["checking", "failed"])
    assert imports_stalled() == 0  # a finished job is left alone


def test_the_columns_are_the_registration_forms_fields():
    assert set(ImportRowForm(care_teams=CareTeam.objects.none()).fields) == set(COLUMNS)


# ---- The staff pages ----


def test_a_clinician_uploads_a_file_and_sees_the_patients_registered(
    team, django_capture_on_commit_callbacks
):
    client = client_for(member(team, Role.NURSE))
    page = client.get("/patients/import/")
    assert page.status_code == 200
    assert "<code>referred_on</code>" in page.content.decode()
    upload = SimpleUploadedFile("ward 3.csv", spreadsheet(GOOD), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/patients/import/", {"file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/patients/import/{job.pk}/"
    shown = client.get(response["Location"]).content.decode()
    assert "3 patients registered." in shown
    assert f'href="/patients/{job.patient_ids[0]}/"' in shown
    assert "hx-trigger" not in shown  # finished: no more polling
    listed = AuditEvent.objects.filter(action="list", target="imports:job")
    assert sorted(listed.values_list("patient_id", flat=True)) == job.patient_ids


def test_a_refused_file_shows_its_problems_by_row_and_column(team):
    nurse = member(team, Role.NURSE)
    job = imported(nurse, spreadsheet([{**GOOD[0], "referred_on": ""}]))
    shown = client_for(nurse).get(f"/patients/import/{job.pk}/").content.decode()
    assert "Nothing was imported" in shown
    assert "<td>2</td>" in shown
    assert "<code>referred_on</code>" in shown
    assert "This field is required." in shown


def test_the_progress_is_polled_with_htmx_or_refreshed_by_a_link(team):
    nurse = member(team, Role.NURSE)
    job = patients_import_start(
        by=nurse, file_name="big.csv", data=spreadsheet(GOOD), language="en"
    )
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.CHECKING, total=300, checked=200)
    client = client_for(nurse)
    page = client.get(f"/patients/import/{job.pk}/").content.decode()
    assert '<progress id="import-progress" max="300" value="200">66%</progress>' in page
    assert f'<a href="/patients/import/{job.pk}/">Refresh</a>' in page
    fragment = client.get(f"/patients/import/{job.pk}/", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert body.lstrip().startswith('<section id="progress"')
    assert 'hx-trigger="every 2s"' in body
    assert "<html" not in body


def test_only_the_uploader_sees_a_job_and_only_clinicians_import(team):
    nurse = member(team, Role.NURSE)
    job = imported(nurse, spreadsheet([{**GOOD[0], "sex": "Zzmarker"}]))
    url = f"/patients/import/{job.pk}/"
    colleague = client_for(member(team, Role.THERAPIST))
    other_org = client_for(member(make_team(make_org()), Role.NURSE))
    for client in (colleague, other_org):
        response = client.get(url)
        assert response.status_code == 404
        assert "Zzmarker" not in response.content.decode()
    lead = client_for(make_user(Role.LEAD, team.site.organisation))
    patient = client_for(make_patient(team, login=True).user)
    for client in (lead, patient):
        assert client.get("/patients/import/").status_code == 403
        assert client.get(url).status_code == 403


def test_the_empty_spreadsheet_has_the_documented_columns(team):
    response = client_for(member(team, Role.NURSE)).get("/patients/import/patients.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode() == "\ufeff" + ",".join(COLUMNS) + "\r\n"


# ---- The API ----


def test_the_api_imports_a_file_and_reports_the_job(team, django_capture_on_commit_callbacks):
    client = token_client(member(team, Role.NURSE))
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/api/imports", {"file": SimpleUploadedFile("p.csv", spreadsheet(GOOD))}
        )
    assert started.status_code == 202
    assert started.json()["state"] == "queued"
    job = client.get(f"/api/imports/{started.json()['id']}").json()
    assert (job["state"], job["total"], job["percent"], len(job["patient_ids"])) == (
        "done",
        3,
        100,
        3,
    )
    stranger = token_client(member(make_team(make_org()), Role.NURSE))
    response = stranger.get(f"/api/imports/{job['id']}")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    lead = token_client(make_user(Role.LEAD, team.site.organisation))
    assert lead.post("/api/imports", {"file": SimpleUploadedFile("p.csv", b"x")}).status_code == 403


def test_the_api_lists_the_problems_of_a_refused_file(team, django_capture_on_commit_callbacks):
    client = token_client(member(team, Role.NURSE))
    data = spreadsheet([GOOD[0], {**GOOD[1], "date_of_birth": "2030-01-01"}])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/imports", {"file": SimpleUploadedFile("p.csv", data)})
    job = client.get(f"/api/imports/{started.json()['id']}").json()
    assert (job["state"], job["patient_ids"]) == ("refused", [])
    assert job["problems"] == [
        {"row": 3, "column": "date_of_birth", "message": "This date is in the future."}
    ]
    assert Patient.objects.count() == 0


# ---- Any input whatever ----

CELLS = st.one_of(
    st.sampled_from(
        ["Li", "王", "1950-03-14", "2026-11-02", "female", "MALE", "F", "yes", "no", "A-1", ""]
    ),
    st.text(max_size=12),
)
HEADERS = st.one_of(
    st.just(list(COLUMNS)),
    st.permutations(list(COLUMNS)).map(lambda c: c[:9]),
    st.lists(st.sampled_from([*COLUMNS, "dob", "Sex "]), max_size=8),
)
# Rows of the good file, some with one cell changed to anything.
CHANGED = st.builds(
    lambda row, column, value: {**row, column: value},
    st.sampled_from(GOOD),
    st.sampled_from(list(COLUMNS)),
    CELLS,
)
NEAR_GOOD = st.lists(st.one_of(st.sampled_from(GOOD), CHANGED), min_size=1, max_size=4)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue()


FILES = st.one_of(
    st.builds(_csv, HEADERS, st.lists(st.lists(CELLS, max_size=10), max_size=5)),
    NEAR_GOOD.map(lambda rows: spreadsheet(rows).decode()),
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=FILES, tail=st.sampled_from(["", "\n", '"', "\x00", "\r\n,,,"]))
def test_any_spreadsheet_is_imported_whole_or_not_at_all(
    team, django_capture_on_commit_callbacks, text, tail
):
    with transaction.atomic():  # each example on its own
        client = token_client(member(team, Role.NURSE))
        before = Patient.objects.count()
        upload = SimpleUploadedFile("x.csv", (text + tail).encode())
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post("/api/imports", {"file": upload})
        assert started.status_code == 202
        job = client.get(f"/api/imports/{started.json()['id']}").json()
        registered = Patient.objects.count() - before
        event(job["state"])
        if job["state"] == "done":
            assert job["problems"] == []
            assert registered == len(job["patient_ids"]) == job["total"] > 0
        else:
            assert job["state"] == "refused"
            assert job["problems"]
            assert registered == 0
        transaction.set_rollback(True)
