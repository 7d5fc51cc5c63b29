"""Importing a transaction Bundle of Patients and Observations (e.g. bone density results from
the hospital record): all or nothing, in one database transaction, through the same services
as the web forms (`patient_register`, `assessment_scored`, then all of a bundle's results kept at
once by `assessments_record`: each audited), with every problem
named by its entry and element.

A Patient is registered to the importing clinician's care team with the program consent not
yet recorded as given (as the registration form does when its box is not ticked), or, with
`ifNoneExist: identifier=...`, matched to a patient of theirs with that hospital record
number. An Observation refers to a Patient of the Bundle (by fullUrl, "urn:uuid:…" or
"Patient/<id>" beside an entry's fullUrl) or to one the clinician reaches ("Patient/<id>",
"Patient?identifier=…"); it is scored by its instrument, with the patient's sex and age on the
day filled in where the instrument asks for them and the Observation does not say.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Field, Model, QuerySet
from django.utils import timezone

from osteorehab.accounts.access import visible_patients
from osteorehab.accounts.domain import Action, Role, may
from osteorehab.accounts.models import CareTeam, User
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.assessments.services import Scored, assessment_scored, assessments_record
from osteorehab.core.numbers import id_from
from osteorehab.patients.domain import age_on
from osteorehab.patients.models import Patient
from osteorehab.patients.services import patient_register

from .domain import Issue, Issues
from .inbound import ObservationIn, PatientIn, read_bundle

# Where a refused patient field is in the Patient resource.
PATIENT_ELEMENTS = {
    "family_name": "name",
    "given_name": "name",
    "date_of_birth": "birthDate",
    "sex": "gender",
    "phone": "telecom",
    "record_number": "identifier",
}


@dataclass(frozen=True)
class Imported:
    """The transaction-response Bundle, or the problems (and nothing imported)."""

    response: dict[str, Any] | None
    issues: Sequence[Issue]


def may_import(user: Any) -> bool:
    """Clinicians of the care team: they register patients and record assessments."""
    return bool(user.is_authenticated) and may(Role(user.role), Action.EDIT)


def _refusals(error: ValidationError, where: Mapping[str, str], default: str) -> list[Issue]:
    found = []
    fields = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
    for name, errors in fields.items():
        for refused in errors:
            for message in refused.messages:
                found.append(Issue("invariant", f"{name}: {message}", (where.get(name, default),)))
    return found


class _Bundle:
    """The patients of the Bundle as they are registered, by every name an entry may use."""

    def __init__(self, by: User, entries: Sequence[PatientIn | ObservationIn]) -> None:
        self.by = by
        self.patients: dict[str, Patient] = {}
        self.full_urls = {e.full_url for e in entries if isinstance(e, PatientIn) and e.full_url}
        self.reachable: QuerySet[Patient] = visible_patients(by)

    def add(self, full_url: str, patient: Patient) -> None:
        if full_url:
            self.patients[full_url] = patient

    def subject(self, entry: ObservationIn) -> Patient | None:
        """The patient an Observation refers to: an entry of the Bundle (its fullUrl, or a
        relative reference beside the Observation's own fullUrl), else one the importer
        reaches."""
        reference = entry.subject
        base = entry.full_url.rsplit("/", 2)[0] if entry.full_url.count("/") >= 2 else ""
        for name in (reference, f"{base}/{reference}" if base else ""):
            if name in self.patients:
                return self.patients[name]
            if name in self.full_urls:
                return None  # that entry was refused: its problem is reported already
        if reference.startswith("Patient?identifier="):
            number = reference.partition("=")[2].rpartition("|")[2]
            return self.reachable.filter(record_number=number).first() if number else None
        kind, _slash, pk = reference.partition("/")
        patient_id = id_from(pk) if kind == "Patient" else None
        if patient_id is not None:
            return self.reachable.filter(pk=patient_id).first()
        return None


def _fitting(model: type[Model], values: Mapping[str, Any]) -> None:
    """Each value checked by its field (length, choices) before the service writes it: the
    services count on the checks of the forms, which an import does not pass through."""
    errors = {}
    for name, value in values.items():
        try:
            cast(Field, model._meta.get_field(name)).clean(value, None)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


def _register(
    entry: PatientIn, by: User, team: CareTeam | None, bundle: _Bundle
) -> tuple[Patient, bool]:
    """The patient registered, or matched by `ifNoneExist` (False: not created)."""
    if entry.match_record_number:
        match = bundle.reachable.filter(record_number=entry.match_record_number).first()
        if match is not None:
            return match, False
    if team is None:
        raise ValidationError(
            "the importer must belong to exactly one care team, which the patient joins"
        )
    _fitting(Patient, entry.data)
    today = timezone.localdate()
    patient = patient_register(
        by=by,
        care_team=team,
        data={"phone": "", "preferred_language": "en", "record_number": "", **entry.data},
        program_consent=False,
        consent_on=today,
        referred_on=today,
    )
    return patient, True


def _answers(entry: ObservationIn, patient: Patient) -> dict[str, Any]:
    """The Observation's answers, with the patient's sex and age on the day where the
    instrument asks for them and the Observation does not give them."""
    fields = INSTRUMENTS[entry.instrument].fields
    answers = dict(entry.answers)
    if "sex" in fields and answers.get("sex") is None and patient.sex in ("female", "male"):
        answers["sex"] = patient.sex
    if "age" in fields and answers.get("age") is None and "optional" not in fields["age"]:
        answers["age"] = age_on(patient.date_of_birth, entry.administered_on)
    return answers


def _scored(entry: ObservationIn, by: User, patient: Patient) -> Scored:
    if entry.occasion not in Occasion.values:
        raise ValidationError({"occasion": f"occasion must be one of {', '.join(Occasion.values)}"})
    _fitting(Assessment, {"note": entry.note})
    return assessment_scored(
        patient=patient,
        by=by,
        code=entry.instrument,
        answers=_answers(entry, patient),
        administered_on=entry.administered_on,
        occasion=Occasion(entry.occasion),
        self_reported=entry.self_reported,
        note=entry.note,
    )


def _where(entry: PatientIn | ObservationIn) -> tuple[dict[str, str], str]:
    resource = f"Bundle.entry[{entry.index}].resource"
    if isinstance(entry, PatientIn):
        return {k: f"{resource}.{v}" for k, v in PATIENT_ELEMENTS.items()}, resource
    where = dict(entry.sources)
    where.update(
        administered_on=f"{resource}.effectiveDateTime",
        occasion=f"{resource}.extension",
        note=f"{resource}.note",
    )
    return where, f"{resource}.component"


def bundle_import(*, by: User, bundle: Any) -> Imported:
    entries, issues = read_bundle(bundle)
    teams = list(CareTeam.objects.filter(memberships__user=by)[:2])
    team = teams[0] if len(teams) == 1 else None
    response: list[dict[str, Any]] = []
    observed: list[tuple[int, Scored]] = []  # entry index, its result (kept once all are read)
    with transaction.atomic():
        known = _Bundle(by, entries)
        for entry in sorted(entries, key=lambda e: isinstance(e, ObservationIn)):
            where, default = _where(entry)
            try:
                if isinstance(entry, PatientIn):
                    patient, created = _register(entry, by, team, known)
                    known.add(entry.full_url, patient)
                    response.append(_answer(entry.index, f"Patient/{patient.pk}", created))
                    continue
                subject = known.subject(entry)
                if subject is None:
                    if entry.subject not in known.full_urls:
                        issues.add(
                            "not-found",
                            f"no patient {entry.subject!r} that you reach",
                            f"Bundle.entry[{entry.index}].resource.subject",
                        )
                    continue
                observed.append((entry.index, _scored(entry, by, subject)))
            except ValidationError as error:
                issues.found.extend(_refusals(error, where, default))
        if issues:
            transaction.set_rollback(True)
            return Imported(None, _in_order(issues, bundle))
        assessments_record(by=by, scored=[scored for _index, scored in observed])
    for index, scored in observed:
        response.append(_answer(index, f"Observation/{scored.assessment.pk}", True))
    response.sort(key=lambda e: e.pop("index"))
    return Imported(
        {"resourceType": "Bundle", "type": "transaction-response", "entry": response}, ()
    )


def _answer(index: int, location: str, created: bool) -> dict[str, Any]:
    status = "201 Created" if created else "200 OK"
    return {"index": index, "response": {"status": status, "location": location}}


def _entry_of(issue: Issue) -> int:
    text = issue.expression[0] if issue.expression else ""
    number = text.partition("entry[")[2].partition("]")[0]
    return int(number) if number.isdigit() else -1


def _in_order(issues: Issues, bundle: Any) -> list[Issue]:
    """Problems in the order of the entries they are about, each saying which entry (its
    index and fullUrl) in words too."""
    entries = bundle.get("entry") if isinstance(bundle, Mapping) else None
    entries = entries if isinstance(entries, list) else []
    found = []
    for issue in sorted(issues.found, key=_entry_of):
        index = _entry_of(issue)
        if 0 <= index < len(entries):
            full_url = (
                entries[index].get("fullUrl") if isinstance(entries[index], Mapping) else None
            )
            named = f"entry {index}" + (f" ({full_url})" if full_url else "")
            issue = replace(issue, diagnostics=f"{named}: {issue.diagnostics}")
        found.append(issue)
    return found
