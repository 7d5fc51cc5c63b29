"""Reading an incoming transaction Bundle of Patients and Observations into our terms, with
every problem found, each named by its entry and element.

Pure: no Django. Each entry is checked against the FHIR R4 structure (fhir.resources' R4B
models), then against our rules: the Observation's code names one of our instruments (by
our code or the LOINC code of its value, clinical-reference 6), each answer's unit is the
one the instrument reads (UCUM), and the answers are known. Whether the answers are in range
is the instrument's own judgement: the import scores them through it (`imports`).
"""

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pydantic
from fhir.resources.R4B import get_fhir_model_class

from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.instruments.base import Instrument

from .domain import Issues, fhir_path
from .mappers import IDENTIFIER_TYPE
from .scores import (
    INPUT_LOINC,
    INPUT_SYSTEM,
    INSTRUMENT_SYSTEM,
    LOINC,
    OCCASION_EXTENSION,
    UCUM,
    VALUE_LOINC,
    input_unit,
)

SEXES = ("female", "male", "other", "unknown")  # patients.models.Sex: FHIR's own codes
FINAL = ("final", "amended", "corrected")
# The input an Observation's value gives when no component gives it, nor the inputs it is
# otherwise computed from: what a hospital sends as a plain result (a DXA T-score, a TUG time)
# is this input of the instrument.
VALUE_INPUT = {
    "tug": ("seconds",),
    "five_times_sit_to_stand": ("seconds",),
    "grip_strength": ("kg",),
    "six_minute_walk": ("distance_m",),
    "two_minute_walk": ("distance_m",),
    "chair_stand_30s": ("stands",),
    "gait_speed": ("m_per_s", "distance_m", "seconds"),
    "bone_density": ("t_score", "bmd_g_cm2"),
}
NOT_IMPORTED = {"gas": "GAS is scored from the goals' ratings, not imported"}
TRADITIONAL = ("hant", "tw", "hk", "mo")  # Chinese we do not write: only Simplified


def language(tag: str) -> str | None:
    """A BCP 47 tag as one of our languages: any English; Chinese in Simplified characters."""
    parts = tag.lower().split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] == "zh" and not any(part in TRADITIONAL for part in parts[1:]):
        return "zh-hans"
    return None


@dataclass(frozen=True)
class PatientIn:
    index: int
    full_url: str
    data: Mapping[str, Any]  # patients.services.PATIENT_FIELDS, as far as given
    match_record_number: str | None  # ifNoneExist: use the patient with this record number


@dataclass(frozen=True)
class ObservationIn:
    index: int
    full_url: str
    subject: str  # the reference as written
    instrument: str
    answers: Mapping[str, Any]
    administered_on: date
    occasion: str
    note: str
    self_reported: bool
    # where each answer came from, to point at it when the instrument refuses it
    sources: Mapping[str, str] = field(default_factory=dict)


def _where(index: int, *path: str | int) -> str:
    return "Bundle." + fhir_path(("entry", index, "resource", *path))


def structure_issues(resource: Mapping[str, Any], index: int) -> Iterator[tuple[str, str]]:
    """The FHIR R4 structure's complaints about one resource: (FHIRPath, message)."""
    try:
        model = get_fhir_model_class(str(resource.get("resourceType")))
    except (KeyError, ValueError):
        yield _where(index, "resourceType"), "unknown resource type"
        return
    try:
        model.model_validate(dict(resource))
    except pydantic.ValidationError as error:
        for problem in error.errors():
            where = _where(index, *problem["loc"]) if problem["loc"] else _where(index)
            yield where, problem["msg"]


def _date(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _identifier(value: str) -> str:
    """The value of an `identifier=[system|]value` search, as our record numbers hold it."""
    return value.partition("|")[2] if "|" in value else value


def read_patient(
    resource: Mapping[str, Any], index: int, full_url: str, issues: Issues, if_none_exist: str
) -> PatientIn | None:
    names = resource.get("name") or []
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    data: dict[str, Any] = {
        "family_name": name.get("family", ""),
        "given_name": " ".join(name.get("given") or []),
        "date_of_birth": _date(resource.get("birthDate")),
        "sex": resource.get("gender", ""),
    }
    before = len(issues.found)
    if not data["family_name"] or not data["given_name"]:
        issues.add("required", "a family and a given name are required", _where(index, "name"))
    if data["date_of_birth"] is None or len(str(resource.get("birthDate"))) != 10:
        issues.add("required", "a full date of birth is required", _where(index, "birthDate"))
    if data["sex"] not in SEXES:
        issues.add(
            "code-invalid", f"gender must be one of {', '.join(SEXES)}", _where(index, "gender")
        )
    phones = [
        t["value"]
        for t in resource.get("telecom") or []
        if t.get("system") == "phone" and t.get("value")
    ]
    data["phone"] = phones[0] if phones else ""
    for n, spoken in enumerate(resource.get("communication") or []):
        tags = [c.get("code", "") for c in spoken.get("language", {}).get("coding") or []]
        known = [found for found in map(language, tags) if found]
        if known and (spoken.get("preferred") or "preferred_language" not in data):
            data["preferred_language"] = known[0]
        elif not known:
            issues.add(
                "code-invalid",
                "we speak en or zh-Hans",
                _where(index, "communication", n, "language"),
            )
    record_numbers = [
        identifier.get("value", "")
        for identifier in resource.get("identifier") or []
        if any(
            c.get("code") == "MR" and c.get("system") == IDENTIFIER_TYPE
            for c in (identifier.get("type") or {}).get("coding") or []
        )
    ]
    data["record_number"] = record_numbers[0] if record_numbers else ""
    match = None
    if if_none_exist:
        parameter, _equals, value = if_none_exist.partition("=")
        if parameter != "identifier" or not value:
            issues.add(
                "not-supported",
                "ifNoneExist supports identifier=[system|]value only",
                f"Bundle.entry[{index}].request.ifNoneExist",
            )
        match = _identifier(value)
    if len(issues.found) > before:
        return None
    return PatientIn(index, full_url, data, match)


def instrument_of(concept: Mapping[str, Any]) -> Instrument | None:
    """The instrument an Observation's code names: our code, or its value's LOINC code."""
    codings = concept.get("coding") or []
    for c in codings:
        if c.get("system") == INSTRUMENT_SYSTEM and c.get("code") in INSTRUMENTS:
            return INSTRUMENTS[c["code"]]
    for c in codings:
        if c.get("system") == LOINC:
            for instrument in INSTRUMENTS.values():
                if any(instrument.loinc.get(key) == c.get("code") for key in VALUE_LOINC):
                    return instrument
    return None


@functools.cache  # by code: an import reads many Observations of the same few instruments
def _inputs(code: str) -> dict[tuple[str, str], str]:
    """(system, code) of each answer of the instrument -> its key ("items.N" for item N)."""
    instrument = INSTRUMENTS[code]
    found: dict[tuple[str, str], str] = {}
    for n, item in enumerate(instrument.items):
        found[(INPUT_SYSTEM, f"{instrument.code}.{item.key}")] = f"items.{n}"
        if item.loinc:
            found[(LOINC, item.loinc)] = f"items.{n}"
    for name in instrument.fields:
        found[(INPUT_SYSTEM, f"{instrument.code}.{name}")] = name
        loinc = instrument.loinc.get(INPUT_LOINC.get((instrument.code, name), ""))
        if loinc:
            found[(LOINC, loinc)] = name
    return found


def _value(holder: Mapping[str, Any], unit: str | None, where: str, issues: Issues) -> Any:
    """The value of a component (or of the Observation), in the unit the instrument reads."""
    if "dataAbsentReason" in holder:
        return None
    if "valueQuantity" in holder:
        quantity = holder["valueQuantity"]
        given = quantity.get("code", quantity.get("unit"))
        if unit is not None and (given != unit or quantity.get("system", UCUM) != UCUM):
            issues.add(
                "value", f"the unit must be UCUM {unit!r}, not {given!r}", f"{where}.valueQuantity"
            )
        return quantity.get("value")
    for kind in ("valueInteger", "valueBoolean", "valueString"):
        if kind in holder:
            return holder[kind]
    if "valueCodeableConcept" in holder:
        codings = holder["valueCodeableConcept"].get("coding") or [{}]
        return codings[0].get("code")
    issues.add("required", "a value is required", where)
    return None


def _answers(
    resource: Mapping[str, Any], instrument: Instrument, index: int, issues: Issues
) -> tuple[dict[str, Any], dict[str, str]]:
    known = _inputs(instrument.code)
    answers: dict[str, Any] = {}
    sources: dict[str, str] = {}
    items: list[Any] = [None] * len(instrument.items)
    for n, component in enumerate(resource.get("component") or []):
        where = _where(index, "component", n)
        codings = (component.get("code") or {}).get("coding") or []
        keys = [
            known[(c.get("system"), c.get("code"))]
            for c in codings
            if (c.get("system"), c.get("code")) in known
        ]
        if not keys:
            issues.add("code-invalid", f"not an answer of {instrument.code}", f"{where}.code")
            continue
        key = keys[0]
        value = _value(component, input_unit(key) if "." not in key else None, where, issues)
        if key.startswith("items."):
            item = int(key.split(".")[1])
            items[item] = value
            sources.setdefault("items", where)
            sources[instrument.items[item].key] = where
        else:
            answers[key] = value
            sources[key] = where
    if instrument.items:
        if "items" not in sources and len(instrument.items) == 1:
            items[0] = _value(resource, None, _where(index), issues)
            sources["items"] = _where(index, "value")
        elif "items" not in sources:
            issues.add(
                "required",
                f"the answers to the items of {instrument.code} are required, as components",
                _where(index, "component"),
            )
        answers["items"] = items
    value_inputs = VALUE_INPUT.get(instrument.code, ())
    given = any(name in answers for name in value_inputs)
    if value_inputs and not given and any(k.startswith("value") for k in resource):
        main = value_inputs[0]
        answers[main] = _value(resource, input_unit(main), _where(index), issues)
        sources[main] = _where(index, "value")
    return answers, sources


def read_observation(
    resource: Mapping[str, Any], index: int, full_url: str, issues: Issues
) -> ObservationIn | None:
    before = len(issues.found)
    instrument = instrument_of(resource.get("code") or {})
    if instrument is None:
        issues.add(
            "code-invalid",
            "the code names none of our instruments (our instrument "
            "code, or the LOINC code of its value)",
            _where(index, "code"),
        )
        return None
    if instrument.code in NOT_IMPORTED:
        issues.add("not-supported", NOT_IMPORTED[instrument.code], _where(index, "code"))
        return None
    if resource.get("status") not in FINAL:
        issues.add("value", "only final results are imported", _where(index, "status"))
    subject = (resource.get("subject") or {}).get("reference", "")
    if not subject:
        issues.add("required", "the subject (a Patient) is required", _where(index, "subject"))
    administered_on = _date(resource.get("effectiveDateTime"))
    if administered_on is None:
        issues.add("required", "effectiveDateTime is required", _where(index, "effective"))
    occasion = next(
        (
            e.get("valueCode", "")
            for e in resource.get("extension") or []
            if e.get("url") == OCCASION_EXTENSION
        ),
        "other",
    )
    note = "\n".join(n.get("text", "") for n in resource.get("note") or [])
    performers = [p.get("reference", "") for p in resource.get("performer") or []]
    answers, sources = _answers(resource, instrument, index, issues)
    if len(issues.found) > before or administered_on is None:
        return None
    return ObservationIn(
        index=index,
        full_url=full_url,
        subject=subject,
        instrument=instrument.code,
        answers=answers,
        administered_on=administered_on,
        occasion=occasion,
        note=note,
        self_reported=any(p.startswith("Patient/") or p == subject for p in performers),
        sources=sources,
    )


# A NUL as json.dumps writes it: \u0000 after an even number of backslashes (after an odd number
# it is a written backslash followed by the letters u0000)
_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def _has_nul(value: Any) -> bool:
    """Whether any string or key of a JSON value holds a NUL, looked for in its JSON text (the C
    encoder writes it faster than Python walks it: an import checks every entry)."""
    return _NUL.search(json.dumps(value, default=str)) is not None


def _present(value: Any) -> Any:
    """A resource without its nulls, read as absent: FHIR JSON has null only in an array of
    primitives (to line it up with its `_element` extensions), yet the R4 models let a null
    through anywhere."""
    if isinstance(value, dict):
        return {key: _present(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_present(item) for item in value if item is not None]
    return value


def read_bundle(bundle: Any) -> tuple[list[PatientIn | ObservationIn], Issues]:
    """The entries of a transaction Bundle that can be imported, and every problem found."""
    issues = Issues()
    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        issues.add("structure", "send a Bundle", "Bundle")
        return [], issues
    if bundle.get("type") != "transaction":
        issues.add("value", "the Bundle must be a transaction", "Bundle.type")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list) or not entries:
        issues.add("required", "the Bundle has no entries", "Bundle.entry")
        return [], issues
    read: list[PatientIn | ObservationIn] = []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping):
            issues.add("required", "the entry has no resource", f"Bundle.entry[{index}]")
            continue
        if _has_nul(entry):  # no database of ours stores it (nor should a FHIR string hold it)
            issues.add("structure", "the entry holds a NUL character", f"Bundle.entry[{index}]")
            continue
        full_url = str(entry.get("fullUrl", ""))
        request = entry.get("request") or {}
        kind = resource.get("resourceType")
        posted = isinstance(request, Mapping) and request.get("method") == "POST"
        if not posted or kind not in ("Patient", "Observation"):
            issues.add(
                "not-supported",
                "only Patients and Observations are imported, by POST",
                f"Bundle.entry[{index}].request",
            )
            continue
        problems = list(structure_issues(resource, index))
        for where, message in problems:
            issues.add("structure", message, where)
        if problems:
            continue
        resource = _present(resource)
        if kind == "Patient":
            found: PatientIn | ObservationIn | None = read_patient(
                resource, index, full_url, issues, str(request.get("ifNoneExist", ""))
            )
        else:
            found = read_observation(resource, index, full_url, issues)
        if found is not None:
            read.append(found)
    return read, issues
