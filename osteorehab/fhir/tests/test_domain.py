"""The FHIR envelope: date search values, references, paging links, OperationOutcomes."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.fhir.domain import (
    DateBound,
    Issue,
    Page,
    SearchError,
    date_bound,
    fhir_path,
    outcome,
    page_size,
    reference_id,
    searchset,
)

from .validation import valid


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-02", DateBound(date(2026, 3, 2), date(2026, 3, 2))),
        ("eq2026-03", DateBound(date(2026, 3, 1), date(2026, 3, 31))),
        ("ge2026-02", DateBound(date(2026, 2, 1), None)),
        ("le2024-02", DateBound(None, date(2024, 2, 29))),
        ("gt2026", DateBound(date(2027, 1, 1), None)),
        ("lt2026-12-01", DateBound(None, date(2026, 11, 30))),
        ("le2026-12", DateBound(None, date(2026, 12, 31))),
    ],
)
def test_a_date_value_is_the_days_its_prefix_and_precision_allow(value, expected):
    assert date_bound(value) == expected


@pytest.mark.parametrize("value", ["2026-13-01", "26-03-02", "sa2026-01-01", "2026-3", ""])
def test_a_date_we_cannot_read_is_refused_naming_the_parameter(value):
    with pytest.raises(SearchError) as refused:
        date_bound(value, "authored")
    assert refused.value.parameter == "authored"


@given(st.dates(min_value=date(1901, 1, 2), max_value=date(2998, 12, 30)))
def test_prefixes_agree_with_each_other_on_any_day(day):
    text = day.isoformat()
    assert date_bound(f"ge{text}").first == date_bound(f"eq{text}").first == day
    assert date_bound(f"gt{text}").first == day + timedelta(days=1)
    assert date_bound(f"lt{text}").last == day - timedelta(days=1)
    assert date_bound(f"le{text}").last == day


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", "12"), ("Patient/12", "12"), ("https://h.example/fhir/R4/Patient/12", "12")],
)
def test_a_patient_reference_gives_its_id(value, expected):
    assert reference_id(value, "Patient", "patient") == expected


def test_a_reference_to_another_type_is_refused():
    with pytest.raises(SearchError):
        reference_id("Practitioner/3", "Patient", "subject")


def test_the_page_size_is_capped():
    assert (page_size(None), page_size("10"), page_size("100000")) == (50, 10, 500)


def test_a_middle_page_links_to_its_neighbours_and_keeps_the_search():
    resources = [{"resourceType": "Observation", "id": "7", "status": "final", "code": {}}]
    bundle = searchset(
        Page(resources, offset=2, count=2, total=5),
        base="https://h.example/fhir/R4",
        path="Observation",
        query=[("patient", "3")],
    )
    links = {link["relation"]: link["url"] for link in bundle["link"]}
    prefix = "https://h.example/fhir/R4/Observation?patient=3&_count=2&_offset="
    assert links == {
        "self": prefix + "2",
        "first": prefix + "0",
        "previous": prefix + "0",
        "next": prefix + "4",
        "last": prefix + "4",
    }
    assert bundle["total"] == 5
    assert bundle["entry"][0]["fullUrl"] == "https://h.example/fhir/R4/Observation/7"


def test_an_empty_search_is_a_valid_bundle_without_entries():
    bundle = searchset(Page([], 0, 50, 0), base="https://h.example", path="Goal", query=[])
    assert "entry" not in valid(bundle)
    assert [link["relation"] for link in bundle["link"]] == ["self", "first", "last"]


def test_an_operation_outcome_names_each_problem_and_where():
    found = outcome([Issue("value", "the unit must be UCUM 's'", ("Bundle.entry[1].resource",))])
    assert valid(found)["issue"] == [
        {
            "severity": "error",
            "code": "value",
            "diagnostics": "the unit must be UCUM 's'",
            "expression": ["Bundle.entry[1].resource"],
        }
    ]


def test_a_location_reads_as_fhirpath():
    assert fhir_path(("entry", 2, "resource", "component", 0)) == "entry[2].resource.component[0]"
