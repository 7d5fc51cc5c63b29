"""Reading an incoming transaction Bundle, without a database: what it says in our terms, and
every problem named by its entry and element."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments import EXAMPLES, INSTRUMENTS
from osteorehab.fhir import scores
from osteorehab.fhir.inbound import ObservationIn, PatientIn, _has_nul, read_bundle
from osteorehab.fhir.mappers import Ref
from osteorehab.fhir.scores import INPUT_SYSTEM, INSTRUMENT_SYSTEM, UCUM, AssessmentData

PATIENT = {
    "resourceType": "Patient",
    "identifier": [
        {
            "type": {
                "coding": [
                    {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                ]
            },
            "value": "H-0042",
        }
    ],
    "name": [{"family": "Li", "given": ["Mei"]}],
    "gender": "female",
    "birthDate": "1951-04-09",
    "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "zh-CN"}]}}],
}


def dxa(t_score: float, unit: str = "{SD}") -> dict:
    """A hospital's DXA result: the T-score as the value, the facts the WHO class needs."""

    def fact(name: str, **value) -> dict:
        return {
            "code": {"coding": [{"system": INPUT_SYSTEM, "code": f"bone_density.{name}"}]},
            **value,
        }

    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": INSTRUMENT_SYSTEM, "code": "bone_density"}]},
        "subject": {"reference": "urn:uuid:p1"},
        "effectiveDateTime": "2026-10-02T10:30:00+08:00",
        "valueQuantity": {"value": t_score, "unit": unit, "system": UCUM, "code": unit},
        "component": [
            fact("site", valueString="femoral_neck"),
            fact("fragility_fracture", valueBoolean=True),
            fact("postmenopausal", valueBoolean=True),
        ],
    }


def transaction(*resources: dict) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:{resource['resourceType'][0].lower()}{n}",
                "resource": resource,
                "request": {"method": "POST", "url": resource["resourceType"]},
            }
            for n, resource in enumerate(resources, start=1)
        ],
    }


def test_a_patient_and_a_dxa_result_read_in_our_terms():
    (patient, observation), issues = read_bundle(transaction(PATIENT, dxa(-2.7)))
    assert not issues
    assert isinstance(patient, PatientIn)
    assert patient.data == {
        "family_name": "Li",
        "given_name": "Mei",
        "date_of_birth": date(1951, 4, 9),
        "sex": "female",
        "phone": "",
        "preferred_language": "zh-hans",
        "record_number": "H-0042",
    }
    assert isinstance(observation, ObservationIn)
    assert observation.instrument == "bone_density"
    assert observation.answers == {
        "site": "femoral_neck",
        "fragility_fracture": True,
        "postmenopausal": True,
        "t_score": -2.7,
    }
    assert observation.administered_on == date(2026, 10, 2)
    assert observation.subject == "urn:uuid:p1"


def test_every_problem_is_named_by_entry_and_element():
    unknown = {**dxa(-2.7), "code": {"coding": [{"system": "http://loinc.org", "code": "38267-4"}]}}
    broken_patient = {**PATIENT, "birthDate": "1951-13-40"}
    _read, issues = read_bundle(transaction(broken_patient, dxa(-2.7, unit="mg/cm2"), unknown))
    found = {(issue.code, issue.expression[0]) for issue in issues.found}
    assert found == {
        ("structure", "Bundle.entry[0].resource.birthDate"),
        ("value", "Bundle.entry[1].resource.valueQuantity"),
        ("code-invalid", "Bundle.entry[2].resource.code"),
    }
    unit = next(issue for issue in issues.found if issue.code == "value")
    assert unit.diagnostics == "the unit must be UCUM '{SD}', not 'mg/cm2'"


def test_only_a_transaction_of_patients_and_observations_posted_is_read():
    bundle = transaction(PATIENT, {"resourceType": "Goal"})
    bundle["type"] = "batch"
    _read, issues = read_bundle(bundle)
    assert [(i.code, i.expression) for i in issues.found] == [
        ("value", ("Bundle.type",)),
        ("not-supported", ("Bundle.entry[1].request",)),
    ]


def test_a_questionnaire_score_without_its_items_is_refused():
    total_only = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
        "subject": {"reference": "Patient/1"},
        "effectiveDateTime": "2026-10-02",
        "valueQuantity": {"value": 12},
    }
    read, issues = read_bundle(transaction(total_only))
    assert read == []
    assert issues.found[0].expression == ("Bundle.entry[0].resource.component",)


def test_a_pain_rating_from_its_loinc_code_and_value():
    """Pain NRS 72514-3 (clinical-reference 1.13): the value is the one item's answer."""
    pain = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "72514-3"}]},
        "subject": {"reference": "Patient/1"},
        "effectiveDateTime": "2026-10-02",
        "valueInteger": 6,
    }
    (observation,), issues = read_bundle(transaction(pain))
    assert isinstance(observation, ObservationIn)
    assert not issues
    assert (observation.instrument, observation.answers) == ("pain_nrs", {"items": [6]})


@pytest.mark.parametrize("code", sorted(set(INSTRUMENTS) - {"gas"}))
def test_every_observation_we_write_reads_back_to_the_answers_it_was_scored_from(code):
    answers = EXAMPLES[code]
    written = scores.observation(
        AssessmentData(
            id=1,
            patient_id=7,
            instrument=code,
            answers=answers,
            result=INSTRUMENTS[code].score(answers).stored(),
            administered_on=date(2026, 2, 1),
            occasion="follow_up",
            note="",
            recorder=Ref("Practitioner", 4),
            self_reported=False,
        )
    )
    (observation,), issues = read_bundle(transaction(written))
    assert isinstance(observation, ObservationIn)
    assert not issues
    items = {"items": answers["items"]} if "items" in answers else {}
    assert {**observation.answers, **items} == answers
    assert observation.occasion == "follow_up"


# texts made of what could confuse a search of the JSON text: backslashes, "u0000", NULs
TRICKY = st.lists(st.sampled_from(["\\", "u0000", "\x00", '"', "a", "\x01"]), max_size=6).map(
    "".join
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TRICKY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TRICKY, inner, max_size=4),
    max_leaves=12,
)


def _walked(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_walked(key) or _walked(item) for key, item in value.items())
    if isinstance(value, list):
        return any(map(_walked, value))
    return False


@given(JSON_VALUES)
def test_a_nul_is_found_in_any_string_or_key_and_nowhere_else(value):
    """The NUL check reads the entry's JSON text: it must say what walking the entry says, a
    written backslash before "u0000" included."""
    assert _has_nul(value) == _walked(value)
