"""Our objects as FHIR R4 resources, without a database: real values in, every resource valid
R4, LOINC codes only as clinical-reference 6 verifies them, UCUM units."""

from datetime import UTC, date, datetime

import pytest

from osteorehab.assessments.instruments import EXAMPLES, INSTRUMENTS
from osteorehab.fhir import mappers, scores
from osteorehab.fhir.mappers import Ref
from osteorehab.fhir.scores import LOINC, UCUM, AssessmentData

from .validation import UCUM_UNITS, VERIFIED_LOINC, codings, valid

NURSE = Ref("Practitioner", 4, "Mary Evans")


def assessment(code: str, answers: dict, **fields) -> AssessmentData:
    instrument = INSTRUMENTS[code]
    values = {
        "id": 31,
        "patient_id": 7,
        "instrument": code,
        "answers": answers,
        "result": instrument.score(answers).stored(),
        "administered_on": date(2026, 2, 1),
        "occasion": "baseline",
        "note": "",
        "recorder": NURSE,
        "self_reported": False,
    }
    return AssessmentData(**{**values, **fields})


def test_a_phq9_response_carries_its_loinc_codes_and_total():
    phq9 = assessment("phq9", {"items": [1, 2, 0, 1, 1, 0, 2, 1, 0]}, self_reported=True)
    response = valid(scores.questionnaire_response(phq9))
    answers = {item["linkId"]: item["answer"][0] for item in response["item"]}
    # the items' LOINC codes (clinical-reference 1.1), item 9 last, then the total 44261-6 (6)
    assert list(answers) == [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
        "44258-2", "44252-5", "44253-3", "44260-8", "44261-6",
    ]  # fmt: skip
    assert answers["44255-8"] == {"valueInteger": 2}
    assert answers["44260-8"] == {"valueInteger": 0}
    assert answers["44261-6"] == {"valueDecimal": 8}
    assert response["questionnaire"] == "https://osteorehab.org/fhir/Questionnaire/phq9"
    assert response["source"] == response["subject"] == {"reference": "Patient/7"}


def test_the_phq9_total_is_44261_6_and_item_9_is_44260_8():
    """The pitfall clinical-reference 6 warns of: 44260-8 is item 9, not the total."""
    observation = valid(scores.observation(assessment("phq9", {"items": [0] * 9})))
    assert observation["code"]["coding"][0] == {"system": LOINC, "code": "44261-6"}
    item9 = observation["component"][8]["code"]["coding"]
    assert item9[0] == {"system": LOINC, "code": "44260-8"}
    assert observation["valueQuantity"]["value"] == 0


def test_a_tug_observation_is_seconds_in_ucum_with_its_loinc_code():
    observation = valid(scores.observation(assessment("tug", {"seconds": 13.5})))
    assert observation["code"]["coding"] == [
        {"system": LOINC, "code": "89423-8"},
        {"system": scores.INSTRUMENT_SYSTEM, "code": "tug", "display": "Timed Up and Go"},
    ]
    assert observation["valueQuantity"] == {
        "value": 13.5,
        "unit": "s",
        "system": UCUM,
        "code": "s",
    }
    # STEADI: >= 12 s at risk of falling (clinical-reference 2.1)
    steadi = f"{scores.CANONICAL}/CodeSystem/band/tug/steadi"
    assert {"system": steadi, "code": "at_risk", "display": "at risk of falling"} in [
        concept["coding"][0] for concept in observation["interpretation"]
    ]
    assert observation["category"][0]["coding"][0]["code"] == "exam"
    assert observation["performer"] == [{"reference": "Practitioner/4", "display": "Mary Evans"}]


def test_a_dxa_result_is_an_imaging_observation_of_the_t_score_with_its_who_class():
    answers = {
        "site": "femoral_neck",
        "sex": "female",
        "age": 67,
        "bmd_g_cm2": 0.558,
        "fragility_fracture": False,
        "postmenopausal": True,
    }
    observation = valid(scores.observation(assessment("bone_density", answers, note="Hologic")))
    # (0.558 - 0.858) / 0.120 = -2.5 once rounded: osteoporosis (clinical-reference 0.1, 3.1)
    assert observation["valueQuantity"]["value"] == -2.5
    assert observation["valueQuantity"]["code"] == "{SD}"
    assert observation["interpretation"][0]["coding"][0]["code"] == "osteoporosis"
    assert observation["category"][0]["coding"][0]["code"] == "imaging"
    bmd = next(c for c in observation["component"] if "bmd_g_cm2" in str(c["code"]))
    assert bmd["valueQuantity"] == {
        "value": 0.558,
        "unit": "g/cm2",
        "system": UCUM,
        "code": "g/cm2",
    }
    assert observation["note"] == [{"text": "Hologic"}]
    assert not list(codings(observation, LOINC))  # no DXA LOINC code is verified


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_every_instruments_observation_is_valid_r4_with_verified_codes_and_ucum(code):
    observation = valid(scores.observation(assessment(code, EXAMPLES[code])))
    assert set(codings(observation, LOINC)) <= VERIFIED_LOINC
    assert set(codings(observation, UCUM)) <= UCUM_UNITS


@pytest.mark.parametrize("instrument", scores.questionnaires(), ids=lambda i: i.code)
def test_every_questionnaire_and_its_response_are_valid_r4(instrument):
    questionnaire = valid(scores.questionnaire(instrument))
    assert set(codings(questionnaire, LOINC)) <= VERIFIED_LOINC
    response = valid(
        scores.questionnaire_response(assessment(instrument.code, EXAMPLES[instrument.code]))
    )
    asked = {item["linkId"] for item in questionnaire["item"]}
    assert {item["linkId"] for item in response["item"]} <= asked


def test_a_licensed_questionnaire_is_published_by_its_scores_only():
    """HADS items need a licence (clinical-reference 8): only the two scores are asked."""
    hads = scores.questionnaire(INSTRUMENTS["hads"])
    assert [item["linkId"] for item in hads["item"]] == ["anxiety", "depression"]


def test_a_chinese_patient_reads_family_name_first_in_simplified_chinese():
    patient = valid(
        mappers.patient(
            mappers.PatientData(
                id=3,
                family_name="王",
                given_name="芳",
                name="王芳",
                date_of_birth=date(1948, 5, 1),
                sex="female",
                phone="+86 138 1234 5678",
                preferred_language="zh-hans",
                record_number="RH100002",
                organisation="Riverside",
            )
        )
    )
    assert patient["name"][0] == {
        "use": "official",
        "text": "王芳",
        "family": "王",
        "given": ["芳"],
    }
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "zh-Hans"
    assert patient["identifier"][0]["value"] == "RH100002"
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MR"


def test_a_goal_carries_its_five_gas_levels_and_the_level_last_attained():
    goal = valid(
        mappers.goal(
            mappers.GoalData(
                id=5,
                patient_id=7,
                statement="Walk to the market",
                phase="medium",
                target_on=date(2027, 1, 2),
                measure=scores.measure(INSTRUMENTS["tug"]),
                levels=[(-2, "Stays home"), (-1, "Door"), (0, "Market"), (1, "Back"), (2, "Bags")],
                importance=2,
                difficulty=3,
                baseline_level=-1,
                created_on=date(2026, 11, 21),
                created_by=Ref("Practitioner", 2, "Tom Baker"),
                latest=(1, date(2026, 12, 1)),
            )
        )
    )
    levels = [e for e in goal["extension"] if e["url"] == mappers.GAS_LEVEL_EXTENSION]
    assert [e["extension"][0]["valueInteger"] for e in levels] == [-2, -1, 0, 1, 2]
    assert goal["target"][0]["detailString"] == "Market"
    assert goal["outcomeCode"][0]["coding"][0]["code"] == "+1"
    assert goal["statusDate"] == "2026-12-01"


def test_a_denied_access_is_a_failed_audit_event_from_its_address():
    event = valid(
        mappers.audit_event(
            mappers.AuditData(
                id=9,
                at=datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
                action="denied",
                action_label="Denied",
                who=Ref("Practitioner", 4, "nurse"),
                role="nurse",
                target="fhir:read",
                object_id="12",
                patient_id=12,
                changes={},
                ip="10.1.2.3",
            )
        )
    )
    assert (event["action"], event["outcome"]) == ("E", "4")
    assert event["agent"][0]["network"] == {"address": "10.1.2.3", "type": "2"}
    assert event["entity"][1]["what"] == {"reference": "Patient/12"}
