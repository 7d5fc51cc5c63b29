"""Every parser of outside data, fuzzed (hypothesis): the patient spreadsheet (CSV) import, the
FHIR transaction Bundle import, and the instruments' answers (`parse_cell`, each instrument's
checks). Whatever arrives (any bytes, any JSON, any text in a cell), the parser answers with its
own refusal and a message, never another exception, and a refused input leaves no row behind;
and valid generated inputs come out as they went in.

Bounded (max_examples) and deterministic (derandomized, no example database) for CI.
"""

import copy
import csv
import io
import json
import math
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osteorehab.accounts.domain import Role
from osteorehab.api.domain import COLUMNS, decode, read_sheet, repeated
from osteorehab.api.models import ImportJob, ImportState
from osteorehab.api.services import PROBLEM_MESSAGES, patients_import_run, patients_import_start
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import InputError, Result, parse_cell
from osteorehab.assessments.models import Assessment
from osteorehab.assessments.services import input_error
from osteorehab.fhir import mappers
from osteorehab.fhir.imports import bundle_import
from osteorehab.fhir.inbound import read_bundle
from osteorehab.fhir.resources import patient_data
from osteorehab.fhir.scores import INPUT_SYSTEM, INSTRUMENT_SYSTEM
from osteorehab.fhir.tests.conftest import bearer, token_for
from osteorehab.fhir.tests.test_inbound import PATIENT, dxa
from osteorehab.fhir.tests.test_inbound import transaction as bundle_of
from osteorehab.patients.domain import duplicate_key, normalise_name
from osteorehab.patients.models import Consent, Episode, Patient
from tests.factories import member

FAST = settings(max_examples=150, derandomize=True, database=None, deadline=None)
# Examples that write to the database, each in a transaction rolled back after it.
WRITING = settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any JSON value, with the numbers Python's parser also reads (NaN, infinity, huge integers).
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
# Text a person types: letters of any script, digits, punctuation, spaces.
WORDS = st.text(
    st.characters(categories=["L", "N", "P", "Zs"], exclude_characters="\x85\xa0"),
    min_size=1,
    max_size=20,
).filter(lambda text: text.strip())


def _counts() -> tuple[int, ...]:
    """The rows an import writes: patients, their consents and episodes, assessments."""
    return tuple(model.objects.count() for model in (Patient, Consent, Episode, Assessment))


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)


# ---- The patient spreadsheet (CSV) ----


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_are_text_in_a_spreadsheet_encoding_or_none(data):
    text = decode(data)
    assert text is None or isinstance(text, str)
    assert decode(data.decode("latin-1").encode("utf-8-sig")) == data.decode("latin-1")


CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", '"', '""', ",", "\n", "\r\n", "\x00", "yes", "1950-03-14", "张三"]),
)


@FAST
@given(
    header=st.lists(st.one_of(st.sampled_from(list(COLUMNS)), st.text(max_size=6)), max_size=8),
    rows=st.lists(st.lists(CELLS, max_size=9), max_size=5),
    tail=st.sampled_from(["", "\n", '"', "\x00", "\r\n,,,", "\ufeff"]),
)
def test_any_text_reads_as_rows_or_as_problems_each_with_its_message(header, rows, tail):
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    sheet = read_sheet(out.getvalue() + tail, max_rows=3)
    problems = [*sheet.problems, *repeated(sheet.rows)]
    for problem in problems:
        message = str(PROBLEM_MESSAGES[problem.code])
        assert message % dict(problem.params) if "%(" in message else message
    assert sheet.rows or sheet.problems
    assert len(sheet.rows) <= 3
    assert all(row.number >= 2 for row in sheet.rows)


def _valid_rows(count: int) -> st.SearchStrategy[list[dict[str, str]]]:
    row = st.fixed_dictionaries(
        {
            "family_name": WORDS,
            "given_name": WORDS,
            "date_of_birth": st.dates(date(1920, 1, 1), date(1990, 12, 31)).map(str),
            "sex": st.sampled_from(["female", "male", "other", "unknown", " Female "]),
            "phone": st.from_regex(r"\A[0-9 +-]{0,20}\Z"),
            "preferred_language": st.sampled_from(["", "en", "zh-hans", "ZH-HANS"]),
            "referred_on": st.dates(date(2026, 1, 1), date(2026, 11, 21)).map(str),
            "program_consent": st.sampled_from(["", "no", "yes"]),
            "diagnosis_on": st.sampled_from(["", "2020-05-01"]),
            "relevant_conditions": st.text(
                st.characters(exclude_categories=["Cc", "Cs"]), max_size=30
            ),
        }
    )
    # one person a row: the same names and birth date twice is a problem of the file
    return st.lists(
        row,
        min_size=1,
        max_size=count,
        unique_by=lambda r: duplicate_key(
            r["family_name"], r["given_name"], date.fromisoformat(r["date_of_birth"])
        )[:2],
    )


def _spreadsheet(rows: list[dict[str, str]]) -> str:
    """As a spreadsheet saves them: the header, then each row with its own record number (and
    the consent date where the patient consented)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*rows[0], "record_number", "consent_on"])
    writer.writeheader()
    for n, row in enumerate(rows, start=1):
        consented = row["program_consent"] == "yes"
        writer.writerow(
            {**row, "record_number": f"R-{n}", "consent_on": "2026-11-02" if consented else ""}
        )
    return out.getvalue()


@FAST
@given(_valid_rows(6))
def test_a_written_spreadsheet_reads_back_as_it_was_written(rows):
    sheet = read_sheet(_spreadsheet(rows), max_rows=10)
    assert sheet.problems == ()
    assert [row.number for row in sheet.rows] == list(range(2, len(rows) + 2))
    for row, read in zip(rows, sheet.rows, strict=True):
        assert read.values["family_name"] == row["family_name"].strip()
        assert read.values["sex"] == row["sex"].strip().lower()
        assert read.values["relevant_conditions"] == row["relevant_conditions"].strip()


def _imported(by: Any, data: bytes) -> ImportJob:
    """An upload, and its job run as the worker runs it (the test's transaction never
    commits, so the job that would start on commit is run here)."""
    job = patients_import_start(by=by, file_name="x.csv", data=data, language="en")
    patients_import_run(str(job.pk))
    job.refresh_from_db()
    return job


def _rows_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue()


ENCODED = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda header, rows, encoding: _rows_csv(header, rows).encode(encoding, "replace"),
        st.lists(st.sampled_from(list(COLUMNS)), min_size=1, max_size=13, unique=True),
        st.lists(st.lists(CELLS, max_size=13), max_size=3),
        st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]),
    ),
    _valid_rows(3).map(lambda rows: _spreadsheet(rows).encode("utf-8-sig")),
)


@pytest.mark.django_db
@WRITING
@given(data=ENCODED)
def test_any_upload_is_imported_whole_or_refused_with_nothing_written(team, data):
    nurse = member(team, Role.NURSE)
    with transaction.atomic():
        before = _counts()
        job = _imported(nurse, data)
        assert job.state in (ImportState.DONE, ImportState.REFUSED), job.problems
        if job.state == ImportState.REFUSED:
            assert job.problems
            assert all(problem["message"] for problem in job.problems)
            assert _counts() == before
        else:
            assert _counts()[0] == before[0] + len(job.patient_ids) == before[0] + job.total
        transaction.set_rollback(True)


@pytest.mark.django_db
@WRITING
@given(rows=_valid_rows(4))
def test_valid_rows_are_registered_as_they_were_written(team, rows):
    nurse = member(team, Role.NURSE)
    with transaction.atomic():
        job = _imported(nurse, _spreadsheet(rows).encode("utf-8-sig"))
        assert (job.state, job.problems) == (ImportState.DONE, [])
        patients = Patient.objects.filter(pk__in=job.patient_ids).order_by("record_number")
        assert [
            (p.family_name, p.given_name, str(p.date_of_birth), p.sex, p.care_team_id)
            for p in patients
        ] == [
            (
                normalise_name(row["family_name"]),
                normalise_name(row["given_name"]),
                row["date_of_birth"],
                row["sex"].strip().lower(),
                team.pk,
            )
            for row in rows  # …: in the order of the file
        ]
        transaction.set_rollback(True)


# ---- The FHIR transaction Bundle ----


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in children:
        yield from _nodes(child, (*path, key))


GOOD_BUNDLE = bundle_of(
    PATIENT, dxa(-2.7), {**PATIENT, "telecom": [{"system": "phone", "value": "1"}]}
)
DELETED = object()


def _changed(bundle: Any, path: tuple[Any, ...], value: Any) -> Any:
    """The bundle with the node at `path` replaced by `value` (or removed)."""
    if not path:
        return value
    changed = copy.deepcopy(bundle)
    node = changed
    for key in path[:-1]:
        node = node[key]
    if value is DELETED:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return changed


# A good Bundle with any of its elements (from the whole Bundle to one letter) replaced by any
# JSON value, a null or nothing: near enough to the real thing to get past the first checks.
BUNDLES = st.one_of(
    JSON,
    st.builds(
        _changed,
        st.just(GOOD_BUNDLE),
        st.sampled_from(list(_nodes(GOOD_BUNDLE))),
        st.one_of(st.just(DELETED), st.none(), JSON, st.sampled_from(["\x00", "x" * 400])),
    ),
)


@settings(FAST, max_examples=400)
@given(BUNDLES)
def test_any_json_reads_as_entries_or_as_issues_each_saying_where(bundle):
    entries, issues = read_bundle(bundle)
    assert entries or issues
    for issue in issues.found:
        assert issue.code
        assert issue.diagnostics
        assert issue.expression


@pytest.mark.django_db
@WRITING
@given(bundle=BUNDLES)
def test_any_bundle_is_imported_whole_or_refused_with_nothing_written(team, bundle):
    nurse = member(team, Role.NURSE)
    with transaction.atomic():
        before = _counts()
        imported = bundle_import(by=nurse, bundle=bundle)
        if imported.response is None:
            assert imported.issues
            assert all(issue.diagnostics for issue in imported.issues)
            assert _counts() == before
        else:
            created = [
                e for e in imported.response["entry"] if e["response"]["status"] == "201 Created"
            ]
            assert sum(_counts()) > sum(before) or not created
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(WRITING, max_examples=10)
@given(
    body=st.one_of(
        st.binary(max_size=100),
        st.just(b"[" * 100_000),  # nested deeper than the JSON parser goes
        BUNDLES.map(lambda bundle: json.dumps(bundle).encode()),
    )
)
def test_any_body_posted_to_the_fhir_base_is_answered_200_or_400(team, body):
    client = bearer(token_for(member(team, Role.NURSE)))
    with transaction.atomic():
        response = client.post("/fhir/R4/", body, content_type="application/fhir+json")
        assert response.status_code in (200, 400)
        outcome = response.json()
        assert outcome["resourceType"] == (
            "Bundle" if response.status_code == 200 else "OperationOutcome"
        )
        transaction.set_rollback(True)


def _phq9(subject: str, items: list[int]) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": INSTRUMENT_SYSTEM, "code": "phq9"}]},
        "subject": {"reference": subject},
        "effectiveDateTime": "2026-11-20",
        "component": [
            {
                "code": {"coding": [{"system": INPUT_SYSTEM, "code": f"phq9.{item.key}"}]},
                "valueInteger": answer,
            }
            for item, answer in zip(INSTRUMENTS["phq9"].items, items, strict=True)
        ],
    }


PEOPLE = st.fixed_dictionaries(
    {
        "family": WORDS,
        "given": WORDS,
        "birthDate": st.dates(date(1920, 1, 1), date(1990, 12, 31)).map(str),
        "gender": st.sampled_from(["female", "male", "other", "unknown"]),
        "phone": st.from_regex(r"\A[0-9]{5,15}\Z"),
        "items": st.lists(st.sampled_from([0, 1, 2, 3]), min_size=9, max_size=9),
    }
)


@pytest.mark.django_db
@WRITING
@given(person=PEOPLE)
def test_a_valid_patient_and_result_are_imported_and_exported_as_they_came(team, person):
    resource = {
        "resourceType": "Patient",
        "name": [{"family": person["family"], "given": [person["given"]]}],
        "gender": person["gender"],
        "birthDate": person["birthDate"],
        "telecom": [{"system": "phone", "value": person["phone"]}],
    }
    with transaction.atomic():
        imported = bundle_import(
            by=member(team, Role.NURSE),
            bundle=bundle_of(resource, _phq9("urn:uuid:p1", person["items"])),
        )
        assert imported.issues == ()
        patient = Patient.objects.get()
        assessment = Assessment.objects.get()
        assert (assessment.instrument, assessment.total) == ("phq9", sum(person["items"]))
        exported = mappers.patient(patient_data(patient))
        assert exported["name"][0]["family"] == normalise_name(person["family"])
        assert exported["name"][0]["given"] == [normalise_name(person["given"])]
        assert (exported["gender"], exported["birthDate"], exported["telecom"]) == (
            person["gender"],
            person["birthDate"],
            resource["telecom"],
        )
        transaction.set_rollback(True)


# ---- The instruments' answers ----


@FAST
@given(st.text(max_size=30))
def test_any_typed_in_text_reads_as_a_value(text):
    value = parse_cell(text)
    assert isinstance(value, bool | int | float | str)
    if isinstance(value, str):
        assert value == text.strip()


@FAST
@given(st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False)))
def test_a_value_written_out_reads_back_as_itself(value):
    assert parse_cell(f"  {value} ") == value
    if isinstance(value, bool):
        assert parse_cell(str(value).upper()) is value


def _scored(instrument: Any, answers: dict[str, Any]) -> Result | InputError:
    """The result, or the instrument's refusal; any other exception fails the test."""
    try:
        return instrument.score(answers)
    except InputError as error:
        return error


def _refusal_said(error: InputError) -> str:
    """The refusal as the web pages and the API say it (assessments.services.input_error)."""
    (messages,) = input_error(error).message_dict.values()
    return messages[0]


def _answers_for(instrument: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Any JSON under the instrument's own names, or its item options in any arrangement."""
    options = [option for item in instrument.items for option in item.options] or [0]
    value = st.one_of(JSON, st.sampled_from(options))
    items = st.lists(
        st.one_of(st.none(), value), min_size=len(instrument.items), max_size=len(instrument.items)
    )
    names = st.sampled_from(["items", *instrument.fields]) | st.text(max_size=4)
    return st.dictionaries(names, st.one_of(value, items), max_size=len(instrument.fields) + 2)


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_any_answers_are_scored_or_refused_with_a_message(code):
    instrument = INSTRUMENTS[code]

    @settings(FAST, max_examples=60)
    @given(_answers_for(instrument))
    def scored_or_refused(answers):
        outcome = _scored(instrument, answers)
        if isinstance(outcome, InputError):
            assert outcome.field
            assert outcome.message
            assert _refusal_said(outcome)
        else:
            assert outcome.instrument == code
            if outcome.total is not None and instrument.range:
                low, high = instrument.range
                assert low <= outcome.total <= high

    scored_or_refused()


QUESTIONNAIRES = sorted(
    code for code, instrument in INSTRUMENTS.items() if instrument.items and not instrument.fields
)


@pytest.mark.parametrize("code", QUESTIONNAIRES)
def test_answers_typed_into_boxes_score_as_the_same_answers_sent_as_json(code):
    """The web form and the command line read each box through parse_cell: the same answers
    typed in score as they do sent as JSON, and every answer given is valid."""
    instrument = INSTRUMENTS[code]
    answered = st.tuples(*(st.sampled_from(item.options) for item in instrument.items))

    @settings(FAST, max_examples=40)
    @given(answered)
    def same_score(answers):
        sent = instrument.score({"items": list(answers)})
        typed = instrument.score({"items": [parse_cell(f" {answer} ") for answer in answers]})
        assert sent.valid
        assert typed == sent
        low, high = instrument.range or (-math.inf, math.inf)
        assert sent.total is not None
        assert low <= sent.total <= high

    same_score()
