"""Our instruments and administered assessments as FHIR R4: Questionnaire (each questionnaire),
QuestionnaireResponse (each administered questionnaire) and Observation (every assessment:
its score or measurement, how it was classified, and the answers it was scored from).

Pure: no Django. LOINC codes only as the instruments carry them, each verified in
clinical-reference 6 (and the instrument's own section); none is made up here. Units are
UCUM; a score, a count or an SD score has no UCUM unit and is written with a UCUM annotation
({score}, {#}, {SD}), which means "1" (LOCAL PROGRAM CHOICE).

Every Observation carries the answers it was scored from as components, so that importing it
(`inbound`) scores it again through the same instrument and gives back the same resource.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import YES_NO, Instrument, Item, Kind

from .mappers import CANONICAL, Ref, coding, patient_ref

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
INSTRUMENT_SYSTEM = f"{CANONICAL}/CodeSystem/instrument"
INPUT_SYSTEM = f"{CANONICAL}/CodeSystem/instrument-input"
OCCASION_EXTENSION = f"{CANONICAL}/StructureDefinition/occasion"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

# The instrument's LOINC entry that codes the observed value itself (clinical-reference 6).
VALUE_LOINC = ("total", "time")
# Inputs coded in LOINC besides the items' own codes: SPPB's balance sub-score is PhenX's
# "Total Balance Tests score" 66253-6 (clinical-reference 2.5).
INPUT_LOINC = {("sppb", "balance_score"): "balance"}

# The unit of each instrument's total, where it has one (the instruments' fields).
TOTAL_UNITS = {
    "tug": "s",
    "five_times_sit_to_stand": "s",
    "gait_speed": "m/s",
    "grip_strength": "kg",
    "six_minute_walk": "m",
    "two_minute_walk": "m",
    "chair_stand_30s": "{#}",
    "bone_density": "{SD}",
    "garvan": "%",
    "frax": "%",
    "abc": "%",
}
SCORE_UNIT = "{score}"
# An input's unit from its name (house style: field names carry their unit), longest first.
INPUT_UNITS = (
    ("m_per_s", "m/s"),
    ("_m_s", "m/s"),
    ("_g_cm2", "g/cm2"),
    ("seconds", "s"),
    ("_percent", "%"),
    ("_cm", "cm"),
    ("_kg", "kg"),
    ("_m", "m"),
)
NAMED_UNITS = {"kg": "kg", "age": "a", "t_score": "{SD}", "z_score": "{SD}"}
CATEGORIES = {Kind.QUESTIONNAIRE: "survey", Kind.MEASUREMENT: "exam"}
CATEGORY_OF = {"bone_density": "imaging"}  # a DXA result


@cache
def input_unit(name: str) -> str | None:
    if name in NAMED_UNITS:
        return NAMED_UNITS[name]
    return next((unit for suffix, unit in INPUT_UNITS if name.endswith(suffix)), None)


def slug(code: str) -> str:
    """An instrument's code as a FHIR id (which allows no underscore)."""
    return code.replace("_", "-")


def questionnaire_url(instrument: Instrument) -> str:
    return f"{CANONICAL}/Questionnaire/{slug(instrument.code)}"


def link_id(item: Item) -> str:
    """An item's linkId: its LOINC code where it has one, as LOINC's own forms do."""
    return item.loinc or item.key


def measure(instrument: Instrument) -> dict[str, Any]:
    """The instrument as a CodeableConcept: its value's LOINC code, where verified, and ours.
    Made once per instrument and shared by every resource that names it: not to be changed."""
    return _measure(instrument.code)


@cache
def _measure(code: str) -> dict[str, Any]:
    instrument = INSTRUMENTS[code]
    codings = [
        coding(LOINC, instrument.loinc[key]) for key in VALUE_LOINC if key in instrument.loinc
    ]
    codings.append(coding(INSTRUMENT_SYSTEM, instrument.code, instrument.name))
    return {"coding": codings, "text": instrument.name}


@cache
def _input_concept(code: str, key: str, loinc: str = "") -> dict[str, Any]:
    """An input's CodeableConcept, made once and shared (an export writes it for every
    assessment): not to be changed."""
    codings = [coding(LOINC, loinc)] if loinc else []
    codings.append(coding(INPUT_SYSTEM, f"{code}.{key}"))
    return {"coding": codings}


def _is_yes_no(description: str) -> bool:
    return description.startswith(YES_NO)


# ---- Questionnaire ----


def _question(item: Item) -> dict[str, Any]:
    options = [
        {"valueString": option} if isinstance(option, str) else {"valueInteger": option}
        for option in item.options
    ]
    return {
        "linkId": link_id(item),
        **({"code": [coding(LOINC, item.loinc)]} if item.loinc else {}),
        "text": item.label,
        "type": "choice",
        "answerOption": options,
    }


def _field_question(name: str, description: str) -> dict[str, Any]:
    return {
        "linkId": name,
        "text": f"{name} ({description})",
        "type": "boolean" if _is_yes_no(description) else "decimal",
    }


def _total_question(instrument: Instrument) -> dict[str, Any]:
    loinc = instrument.loinc.get("total", "")
    return {
        "linkId": loinc or "total",
        **({"code": [coding(LOINC, loinc)]} if loinc else {}),
        "text": "Total score",
        "type": "decimal",
        "readOnly": True,
    }


def questionnaires() -> list[Instrument]:
    """The instruments published as Questionnaires: the questionnaires (a licensed one by its
    scores only, never its items: clinical-reference 8)."""
    return [i for i in INSTRUMENTS.values() if i.kind is Kind.QUESTIONNAIRE]


def questionnaire(instrument: Instrument) -> dict[str, Any]:
    items = [_question(item) for item in instrument.items]
    items += [_field_question(name, text) for name, text in instrument.fields.items()]
    if instrument.items:
        items.append(_total_question(instrument))
    source = instrument.source
    return {
        "resourceType": "Questionnaire",
        "id": slug(instrument.code),
        "url": questionnaire_url(instrument),
        "version": instrument.version,
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{source.citation} [clinical-reference {source.section}]",
        **(
            {"code": [coding(LOINC, instrument.loinc["panel"])]}
            if "panel" in instrument.loinc
            else {}
        ),
        "item": items,
    }


# ---- QuestionnaireResponse and Observation ----


@dataclass(frozen=True)
class AssessmentData:
    id: int
    patient_id: int
    instrument: str
    answers: Mapping[str, Any]
    result: Mapping[str, Any]  # as stored (Result.stored())
    administered_on: date
    occasion: str
    note: str
    recorder: Ref
    self_reported: bool


def _answer(value: Any, number: str = "valueDecimal") -> dict[str, Any]:
    """An answer as its question's type asks: an item's option is an integer, a field's or
    the total's number a decimal."""
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, str):
        return {"valueString": value}
    return {number: value}


def questionnaire_response(a: AssessmentData) -> dict[str, Any]:
    """The answers as given, item by item, and the total (an unanswered item is left out)."""
    instrument = INSTRUMENTS[a.instrument]
    items: list[dict[str, Any]] = []
    answers = list(a.answers.get("items") or [])
    for item, value in zip(instrument.items, answers, strict=False):
        if value is not None:
            answer = _answer(value, "valueInteger")
            items.append({"linkId": link_id(item), "text": item.label, "answer": [answer]})
    items += [
        {"linkId": name, "answer": [_answer(a.answers[name])]}
        for name in instrument.fields
        if a.answers.get(name) is not None
    ]
    total = a.result.get("total")
    if instrument.items and total is not None:
        items.append({"linkId": _total_question(instrument)["linkId"], "answer": [_answer(total)]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(a.id),
        "questionnaire": questionnaire_url(instrument),
        "status": "completed",
        "subject": patient_ref(a.patient_id),
        "authored": a.administered_on.isoformat(),
        **({"author": a.recorder.as_dict()} if a.recorder.as_dict() else {}),
        **({"source": patient_ref(a.patient_id)} if a.self_reported else {}),
        "item": items,
    }


def quantity(value: float, unit: str | None) -> dict[str, Any]:
    if unit is None:
        return {"value": value}
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _component_value(name: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {"dataAbsentReason": {"coding": [coding(ABSENT_SYSTEM, "unknown")]}}
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, str):
        return {"valueString": value}
    unit = input_unit(name)
    if isinstance(value, int) and unit is None:
        return {"valueInteger": value}
    return {"valueQuantity": quantity(value, unit)}


def components(instrument: Instrument, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The answers an assessment was scored from: each item, then each input given."""
    found = [
        {
            "code": _input_concept(instrument.code, item.key, item.loinc),
            **_component_value("", value),
        }
        for item, value in zip(instrument.items, answers.get("items") or [], strict=False)
    ]
    for name in instrument.fields:
        value = answers.get(name)
        if name in answers and not isinstance(value, list | dict):
            loinc = instrument.loinc.get(INPUT_LOINC.get((instrument.code, name), ""), "")
            found.append(
                {
                    "code": _input_concept(instrument.code, name, loinc),
                    **_component_value(name, value),
                }
            )
    return found


def interpretation(instrument: Instrument, result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every banding's band, each in its own code system."""
    found = []
    for banding in instrument.bandings:
        band = (result.get("bands") or {}).get(banding.name)
        if band:
            system = f"{CANONICAL}/CodeSystem/band/{instrument.code}/{banding.name}"
            found.append({"coding": [coding(system, band, instrument.words(band) or "")]})
    return found


def _value(instrument: Instrument, result: Mapping[str, Any]) -> dict[str, Any]:
    total, band = result.get("total"), result.get("band")
    if total is not None:
        return {"valueQuantity": quantity(total, TOTAL_UNITS.get(instrument.code, SCORE_UNIT))}
    if band:  # a classification without a number (e.g. the World Falls Guidelines risk)
        return {"valueCodeableConcept": interpretation(instrument, result)[0]}
    if not result.get("valid", True):  # e.g. too many items unanswered
        return {"dataAbsentReason": {"coding": [coding(ABSENT_SYSTEM, "unknown")]}}
    return {}  # the values are the components (HADS's two subscales)


def observation(a: AssessmentData) -> dict[str, Any]:
    instrument = INSTRUMENTS[a.instrument]
    category = CATEGORY_OF.get(instrument.code) or CATEGORIES.get(instrument.kind)
    performer = a.recorder.as_dict()
    if a.self_reported:
        performer = patient_ref(a.patient_id)
    bands = interpretation(instrument, a.result)
    return {
        "resourceType": "Observation",
        "id": str(a.id),
        "extension": [{"url": OCCASION_EXTENSION, "valueCode": a.occasion}],
        "status": "final",
        **({"category": [{"coding": [coding(CATEGORY_SYSTEM, category)]}]} if category else {}),
        "code": measure(instrument),
        "subject": patient_ref(a.patient_id),
        "effectiveDateTime": a.administered_on.isoformat(),
        **({"performer": [performer]} if performer else {}),
        **_value(instrument, a.result),
        **({"interpretation": bands} if bands else {}),
        **({"note": [{"text": a.note}]} if a.note else {}),
        **(
            {"derivedFrom": [{"reference": f"QuestionnaireResponse/{a.id}"}]}
            if instrument.kind is Kind.QUESTIONNAIRE
            else {}
        ),
        "component": components(instrument, a.answers),
    }
