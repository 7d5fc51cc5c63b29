"""What the JSON API takes and gives (pydantic, through django-ninja's Schema): our own objects
as our tables shape them, with words (bands, reasons, titles) in the reader's language."""

import math
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from django.utils.translation import gettext, gettext_lazy
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, model_validator
from pydantic_core import PydanticCustomError

from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.assessments.templatetags.assessments import band_words, instrument_name, reasons
from osteorehab.core.numbers import MAX_ID
from osteorehab.logbook import domain as log_domain
from osteorehab.logbook.domain import MAX_MINUTES, MAX_REPS, MAX_SETS
from osteorehab.logbook.models import CheckIn, CompletionChoice, SkipReasonChoice, SleepChoice
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Language, Patient, Sex
from osteorehab.rules.models import Proposal

# ---- Text and answers taken in ----

# What the database cannot store (the write would fail): PostgreSQL has no NUL character in text
# or JSON; JSON (in either database) has no NaN or infinity, which Python's parser reads.
UNSTORABLE = {
    "null_character": gettext_lazy("Null characters are not allowed."),
    "not_finite": gettext_lazy("Enter a finite number."),
}


def _unstorable(value: Any) -> str | None:
    if isinstance(value, str):
        return "null_character" if "\x00" in value else None
    if isinstance(value, float):
        return None if math.isfinite(value) else "not_finite"
    if isinstance(value, dict):
        return _unstorable([*value.keys(), *value.values()])
    if isinstance(value, list):
        return next((found for found in map(_unstorable, value) if found), None)
    return None


def _storable(value: Any) -> Any:
    """Refused wherever in the value it is (in a key, deep in a list), with a message in the
    reader's language (Django's own, for a NUL character)."""
    code = _unstorable(value)
    if code is not None:
        raise PydanticCustomError(code, str(UNSTORABLE[code]))
    return value


Text = Annotated[str, AfterValidator(_storable)]
Answers = Annotated[dict[str, Any], AfterValidator(_storable)]


class Nested(Schema):
    """An object inside a body. django-ninja's Schema reads any value's attributes, so without
    this a part whose fields all have defaults would take a number or a string as "nothing
    given" instead of refusing it."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # django-ninja's own validator has wrapped the value by now
        given = value._obj if isinstance(value, DjangoGetter) else value
        if not isinstance(given, dict):
            raise PydanticCustomError("dict_type", gettext("Send an object here."))
        return value


# ---- Patients ----


class CareTeamOut(Schema):
    id: int
    name: str


class PatientOut(Schema):
    id: int
    family_name: str
    given_name: str
    date_of_birth: date
    sex: str
    phone: str
    preferred_language: str
    record_number: str
    # The program part: null for a family member the patient does not share it with.
    care_team: CareTeamOut | None
    status: str | None = Field(description="the status of the current program episode")
    # The medical part: null for a family member the patient does not share it with.
    diagnosis_on: date | None
    relevant_conditions: str | None
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_status(obj: Patient) -> str | None:
        if hasattr(obj, "current_status"):  # annotated on lists
            return obj.current_status
        return obj.episodes.values_list("status", flat=True).first()


class PatientFilters(Schema):
    name: Text | None = Field(None, description="part of the family or given name")
    record_number: Text | None = Field(None, description="the hospital record number, exactly")
    # bounded: SQLite cannot compare a larger number with an id
    care_team: int | None = Field(None, ge=1, le=MAX_ID, description="a care team's id")
    status: EpisodeStatus | None = Field(None, description="the current program episode's status")
    updated_since: datetime | None = Field(None, description="changed at or after this time")


class PatientIn(Schema):
    """As the registration form takes it: the patient, their care team, their decision on the
    program (recorded as a consent) and the referral (a program episode opened as referred)."""

    family_name: str
    given_name: str
    date_of_birth: date
    sex: Sex
    phone: str = ""
    preferred_language: Language = Language.ENGLISH
    record_number: str = ""
    diagnosis_on: date | None = None
    relevant_conditions: str = ""
    care_team: int = Field(description="the id of one of your care teams")
    program_consent: bool
    consent_on: date
    referred_on: date
    allow_duplicate: bool = Field(
        False, description="register although a patient of that name and birth date exists"
    )


# ---- Assessments ----


class AssessmentIn(Schema):
    instrument: Text = Field(description="the instrument's code, e.g. phq9 (docs/instruments.md)")
    answers: Answers = Field(
        description='as the command line reads them, e.g. {"items": [2, 2, 2, 2, 2, 2, 1, 1, 0]}'
    )
    administered_on: date
    occasion: Occasion = Occasion.OTHER
    note: Text = Field("", max_length=300)


class AssessmentOut(Schema):
    id: int
    patient_id: int
    instrument: str
    instrument_name: str
    instrument_version: str
    administered_on: date
    occasion: str
    self_reported: bool
    note: str
    valid: bool
    total: float | None
    band: str
    band_label: str = Field(description="the band in the reader's language")
    flags: list[str]
    reasons: list[str] = Field(description="each judgement and its source, in the reader's words")
    result: dict[str, Any] = Field(description="the result as scored: bands, subscales, figures")
    recorded_at: datetime

    @staticmethod
    def resolve_instrument_name(obj: Assessment) -> str:
        return instrument_name(obj.instrument)

    @staticmethod
    def resolve_band_label(obj: Assessment) -> str:
        return band_words(obj.result)

    @staticmethod
    def resolve_flags(obj: Assessment) -> list[str]:
        return list(obj.result.get("flags", ()))

    @staticmethod
    def resolve_reasons(obj: Assessment) -> list[str]:
        return reasons(obj.result)

    @staticmethod
    def resolve_result(obj: Assessment) -> dict[str, Any]:
        return {k: v for k, v in obj.result.items() if k not in ("reasons", "why")}


# ---- Plans ----


class PlanItemOut(Schema):
    exercise: str
    name: str
    days: list[int] = Field(description="0 is Monday")
    dose: dict[str, Any]
    reason: str


class PlanVersionOut(Schema):
    number: int
    created_at: datetime
    author: str
    author_role: str
    reason: str
    needs_approval: bool
    approved: bool
    approved_at: datetime | None
    in_force_from: date | None
    items: list[PlanItemOut]
    sections: dict[str, list[str]] = Field(
        description="the plan's other parts (goals, psychology, education…), in words"
    )


class PlanOut(Schema):
    in_force: PlanVersionOut | None
    waiting_for_approval: PlanVersionOut | None


def item_out(item: Any, name: str) -> dict[str, Any]:
    """A plan item (`plans.domain.Item`) as the API gives it."""
    return {
        "exercise": item.exercise,
        "name": name,
        "days": list(item.days),
        "dose": {k: v for k, v in asdict(item.dose).items() if v not in (None, "")},
        "reason": item.reason.translated(gettext),
    }


# ---- The log ----


class ExerciseLogIn(Schema):
    client_key: UUID = Field(description="made once per entry: sent again, nothing is written")
    day: date
    exercise: Text
    plan_version: int
    completion: CompletionChoice
    # bounded as on the entry form (the database's integers are 32-bit)
    sets: int | None = Field(None, ge=0, le=MAX_SETS)
    reps: int | None = Field(None, ge=0, le=MAX_REPS)
    load: Text = Field("", max_length=200)
    minutes: int | None = Field(None, ge=0, le=MAX_MINUTES)
    effort: int | None = None
    pain: int | None = None
    skip_reason: SkipReasonChoice | Literal[""] = ""
    skip_other: Text = Field("", max_length=200)
    via: Literal["phone", "paper", ""] = Field(
        "", description="how the care team heard it (needed when a clinician enters it)"
    )


class ExerciseLogOut(Schema):
    id: int
    client_key: UUID
    day: date
    exercise: str
    plan_version: int
    completion: str
    sets: int | None
    reps: int | None
    load: str
    minutes: int | None
    effort: int | None
    pain: int | None
    skip_reason: str
    skip_other: str
    entered_as: str
    created_at: datetime


class CheckInIn(Schema):
    client_key: UUID = Field(description="made once per entry: sent again, nothing is written")
    day: date
    mood: int
    confidence: int
    fatigue: int
    sleep: SleepChoice
    pain: int
    back_pain_new: bool
    falls: int
    near_falls: int
    via: Literal["phone", "paper", ""] = Field(
        "", description="how the care team heard it (needed when a clinician enters it)"
    )


class CheckInOut(Schema):
    id: int
    client_key: UUID
    day: date
    mood: int
    confidence: int
    fatigue: int
    sleep: str
    pain: int
    back_pain_new: bool
    falls: int
    near_falls: int
    entered_as: str
    created_at: datetime
    signals: list[str] = Field(description="the urgent alerts it raised")

    @staticmethod
    def resolve_signals(obj: CheckIn) -> list[str]:
        found = log_domain.check_in_signals(back_pain_new=obj.back_pain_new, pain=obj.pain)
        return [signal.kind.value for signal in found]


class Period(Schema):
    since: date | None = None
    until: date | None = None


# ---- Proposals ----


class ProposalOut(Schema):
    id: int
    patient_id: int
    rule: str
    rule_version: int
    title: str
    role: str = Field(description="the role that decides it")
    urgency: str
    status: str
    created_at: datetime
    reason: str = Field(description="the data that fired it, in words")
    change: dict[str, Any]
    evidence: list[dict[str, Any]]
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str
    plan_version: int | None = Field(description="the plan version the decision made")

    @staticmethod
    def resolve_title(obj: Proposal) -> str:
        rule = obj.rule_definition
        return gettext(rule.title) if rule else obj.rule

    @staticmethod
    def resolve_reason(obj: Proposal) -> str:
        return obj.why.translated(gettext)

    @staticmethod
    def resolve_decided_by(obj: Proposal) -> str | None:
        return obj.decided_by.full_name if obj.decided_by else None

    @staticmethod
    def resolve_plan_version(obj: Proposal) -> int | None:
        return obj.plan_version.number if obj.plan_version else None


class ItemEditIn(Nested):
    exercise: str = Field(description="the proposal's exercise this changes (its `exercise`)")
    to_exercise: str = Field(
        description="the exercise proposed, the plan's own, or one of the alternatives offered"
    )
    sets: int | None = Field(None, description="empty: the chosen exercise's usual dose")
    reps: int | None = None
    minutes: int | None = None


class ChangeIn(Nested):
    """The clinician's version of the proposal's change; what is not given stays as proposed."""

    items: list[ItemEditIn] = []
    module: str = ""
    frequency: str = Field(default="", description="needed where the proposal offers a module")
    tasks: list[str] | None = Field(default=None, description="empty: the proposed tasks")


class DecisionIn(Schema):
    proposal: int
    decision: Literal["accept", "modify", "reject"]
    reason: Text = Field("", max_length=300, description="why: needed to modify or reject")
    change: ChangeIn | None = Field(None, description="to modify: the change as you decide it")


# ---- Imports ----


class ProblemOut(Schema):
    row: int | None = Field(description="as a spreadsheet shows it (the header is row 1)")
    column: str
    message: str


class ImportJobOut(Schema):
    id: UUID
    file_name: str
    state: str
    created_at: datetime
    finished_at: datetime | None
    total: int
    checked: int
    percent: int
    problems: list[ProblemOut]
    patient_ids: list[int]


# ---- Refusals ----


class Refusal(Schema):
    detail: str = Field(description="why, in the reader's language")


class InputProblem(Schema):
    type: str
    loc: list[str | int] = Field(
        description='where: e.g. ["body", "family_name"], ["query", "page"]'
    )
    msg: str


class Invalid(Schema):
    detail: list[InputProblem]


def refusals(*codes: int) -> dict[int, type[Schema]]:
    """The refusals an endpoint documents beside its answer: 422 lists each problem with where it
    is (django-ninja's own checks of the request and the services' refusals alike); the others
    say why in a sentence (400: a body that is not JSON, 401: no or a wrong token, 403: not for
    this user, 404: not found or not reached)."""
    return {code: Invalid if code == 422 else Refusal for code in codes}
