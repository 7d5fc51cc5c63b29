"""Recording administered assessments: score with the pure instrument, store the raw answers and
the result, audit it, and raise the alerts a result calls for, all in one transaction."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import User
from osteorehab.alerts.models import AlertKind
from osteorehab.alerts.services import alert_raise
from osteorehab.audit.services import audit_write
from osteorehab.patients.domain import event_date_refusal
from osteorehab.patients.models import Patient
from osteorehab.patients.services import refuse
from osteorehab.rules.tasks import rules_soon

from .instruments import INSTRUMENTS
from .instruments.base import InputError, Instrument, Result
from .models import Assessment, Draft, ImpactDecision, Occasion

# PHQ-9 item 9 above 0 needs an immediate clinical risk assessment whatever the total, and an
# unanswered item 9 leaves safety unknown (clinical-reference 1.1): the counsellor and the
# physician are alerted at once.
ALERTS = {
    "item9_positive": AlertKind.SELF_HARM_THOUGHTS,
    "item9_unanswered": AlertKind.SELF_HARM_UNKNOWN,
}
ALERTED_ROLES = (Role.COUNSELLOR, Role.PHYSICIAN)

# The engine's refusals in the user's language; its English message is the fallback.
INPUT_MESSAGES = {
    "required": _("This value is required."),
    "not_a_number": _("Enter a number."),
    "not_whole": _("Enter a whole number."),
    "out_of_range": _("Enter a value from %(low)s to %(high)s."),
    "answer_out_of_range": _("Choose one of the answers."),
    "not_an_option": _("Choose one of the options."),
    "not_yes_no": _("Answer yes or no."),
    "one_of": _("Give one of these, not both and not neither."),
}


def input_error(
    error: InputError,
    *,
    field: str | None = None,
    messages: Mapping[str, Any] = INPUT_MESSAGES,
) -> ValidationError:
    """A refusal of a pure module, in the user's language, on the form field it names (or on
    `field`, where the form calls it otherwise); its English message where none is known."""
    message = messages.get(error.code)
    params = {k: f"{v:g}" if isinstance(v, float) else v for k, v in error.params.items()}
    text = message % params if message and "%(" in str(message) else message or error.message
    return ValidationError({field or error.field: text})


def instrument_for(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise ValidationError(_("Unknown instrument.")) from None


def score(instrument: Instrument, answers: dict[str, Any]) -> Result:
    try:
        return instrument.score(answers)
    except InputError as error:
        raise input_error(error) from error


@transaction.atomic
def assessment_record(
    *,
    patient: Patient,
    by: User,
    code: str,
    answers: dict[str, Any],
    administered_on: date,
    occasion: Occasion = Occasion.OTHER,
    self_reported: bool = False,
    note: str = "",
) -> Assessment:
    instrument = instrument_for(code)
    refuse(
        event_date_refusal(
            administered_on,
            date_of_birth=patient.date_of_birth,
            today=timezone.localdate(),
            field="administered_on",
        )
    )
    result = score(instrument, answers)
    assessment = Assessment.scored(
        instrument=instrument,
        answers=answers,
        result=result,
        patient=patient,
        occasion=occasion,
        administered_on=administered_on,
        self_reported=self_reported,
        note=note,
        recorded_by=by,
    )
    assessment.save()
    audit_write(
        by=by,
        obj=assessment,
        patient_id=patient.pk,
        created=True,
        changes={
            "instrument": code,
            "total": result.total,
            "band": result.band,
            "answers": answers,
        },
    )
    for flag in result.flags:
        if flag in ALERTS:
            alert_raise(
                patient=patient, kind=ALERTS[flag], roles=ALERTED_ROLES, source=assessment, by=by
            )
    Draft.objects.filter(patient=patient, instrument=code).delete()
    rules_soon(patient)
    return assessment


@transaction.atomic
def impact_decide(
    *, patient: Patient, by: User, level: str, reason: str, decided_on: date
) -> ImpactDecision:
    """The physician's decision on impact exercise; it supersedes the last one (kept)."""
    if by.role != Role.PHYSICIAN:
        raise ValidationError(_("Only the physician decides on impact exercise."))
    refuse(
        event_date_refusal(
            decided_on,
            date_of_birth=patient.date_of_birth,
            today=timezone.localdate(),
            field="decided_on",
        )
    )
    decision = ImpactDecision.objects.create(
        patient=patient, level=level, reason=reason, decided_on=decided_on, decided_by=by
    )
    audit_write(
        by=by,
        obj=decision,
        patient_id=patient.pk,
        created=True,
        changes={"level": level, "reason": reason, "decided_on": decided_on.isoformat()},
    )
    return decision


def draft_answer(*, patient: Patient, code: str, item: str, answer: Any) -> Draft:
    """Keep one answer of a questionnaire the patient is filling in, so they can resume."""
    instrument = instrument_for(code)
    if item not in {i.key for i in instrument.items}:
        raise ValidationError(_("Unknown question."))
    draft, _created = Draft.objects.get_or_create(patient=patient, instrument=code)
    draft.answers = {**draft.answers, item: answer}
    draft.save(update_fields=["answers", "updated_at"])
    return draft
