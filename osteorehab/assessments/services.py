"""Recording administered assessments: score with the pure instrument, store the raw answers and
the result, audit it, and raise the alerts a result calls for, all in one transaction."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID, uuid4

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import User
from osteorehab.alerts.models import AlertKind
from osteorehab.alerts.services import alert_raise
from osteorehab.audit.services import audit_creations, audit_write
from osteorehab.core.idempotency import kept, save_once
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


class Scored(NamedTuple):
    assessment: Assessment  # not yet saved
    result: Result


def score(instrument: Instrument, answers: dict[str, Any]) -> Result:
    try:
        return instrument.score(answers)
    except InputError as error:
        raise input_error(error) from error


def assessment_scored(
    *,
    patient: Patient,
    by: User,
    code: str,
    answers: dict[str, Any],
    administered_on: date,
    occasion: Occasion = Occasion.OTHER,
    self_reported: bool = False,
    note: str = "",
    client_key: UUID | None = None,
) -> Scored:
    """The answers checked and scored: the assessment to keep (not yet saved) and its result;
    a ValidationError in the user's language when the date or an answer is refused."""
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
        client_key=client_key,
    )
    return Scored(assessment, result)


@transaction.atomic
def assessment_record(*, patient: Patient, by: User, **given: Any) -> Assessment:
    """Score and keep the answers (assessment_scored's arguments). A submission sent again with
    its key (`client_key`: the patient's own, from their phone) answers the assessment it made
    and writes nothing, alerts included."""
    earlier = kept(Assessment, patient=patient, client_key=given.get("client_key"))
    if earlier is not None:
        return earlier
    scored = assessment_scored(patient=patient, by=by, **given)
    key = {"patient": patient, "client_key": scored.assessment.client_key}
    assessment, created = save_once(scored.assessment, key=key)
    if created:
        _kept(by, [scored])
    return assessment


@transaction.atomic
def assessments_record(*, by: User, scored: Sequence[Scored]) -> None:
    """Keep many scored assessments at once (an import): one insert, then what follows each
    as assessment_record does it."""
    Assessment.objects.bulk_create([each.assessment for each in scored], batch_size=500)
    _kept(by, scored)


def _kept(by: User, scored: Sequence[Scored]) -> None:
    """What follows keeping assessments: each audited, the alerts its result calls for raised,
    the patient's drafts of that instrument deleted, the rules run on each patient after the
    commit."""
    audit_creations(
        by=by,
        created=[
            (
                each.assessment,
                each.assessment.patient_id,
                {
                    "instrument": each.assessment.instrument,
                    "total": each.result.total,
                    "band": each.result.band,
                    "answers": each.assessment.answers,
                },
            )
            for each in scored
        ],
    )
    patients: dict[int, tuple[Patient, set[str]]] = {}
    for each in scored:
        patient = each.assessment.patient
        for flag in each.result.flags:
            if flag in ALERTS:
                alert_raise(
                    patient=patient,
                    kind=ALERTS[flag],
                    roles=ALERTED_ROLES,
                    source=each.assessment,
                    by=by,
                )
        patients.setdefault(patient.pk, (patient, set()))[1].add(each.assessment.instrument)
    for patient, instruments in patients.values():
        Draft.objects.filter(patient=patient, instrument__in=instruments).delete()
        rules_soon(patient)


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


@transaction.atomic
def draft_answer(
    *, patient: Patient, code: str, item: str, answer: Any, client_key: UUID | None = None
) -> Draft:
    """Keep one answer of a questionnaire the patient is filling in, so they can resume. A new
    draft takes the key of the page its first answer came from (`client_key`)."""
    instrument = instrument_for(code)
    if item not in {i.key for i in instrument.items}:
        raise ValidationError(_("Unknown question."))
    draft = Draft.objects.select_for_update().filter(patient=patient, instrument=code).first()
    if draft is None:
        draft, _created = Draft.objects.get_or_create(
            patient=patient, instrument=code, defaults={"client_key": client_key or uuid4()}
        )
    draft.answers = {**draft.answers, item: answer}
    draft.save(update_fields=["answers", "updated_at"])
    return draft


def questionnaire_submit(*, patient: Patient, by: User, draft: Draft) -> Assessment:
    """The patient's questionnaire, every answer given, scored and kept under its draft's key:
    the first one of an instrument is its baseline, later ones are follow-ups."""
    had_baseline = (
        patient.assessments.valid()
        .filter(instrument=draft.instrument, occasion=Occasion.BASELINE)
        .exists()
    )
    items = INSTRUMENTS[draft.instrument].items
    return assessment_record(
        patient=patient,
        by=by,
        code=draft.instrument,
        answers={"items": [draft.answers.get(item.key) for item in items]},
        administered_on=timezone.localdate(),
        occasion=Occasion.FOLLOW_UP if had_baseline else Occasion.BASELINE,
        self_reported=True,
        client_key=draft.client_key,
    )


@transaction.atomic
def questionnaire_answer(
    *, patient: Patient, by: User, code: str, item: str, answer: Any, client_key: UUID | None
) -> Assessment | None:
    """One answer of the patient's own questionnaire, on its screen (`client_key`: the page's,
    which is the draft's); the last one submits the questionnaire. The assessment when it is
    complete, else None.

    The last answer sent again (a lost connection, a second tap) answers the assessment the
    first one made, and begins no new draft: the draft is locked first, so a second request at
    the same moment waits for the first to commit and then finds its assessment."""
    list(Draft.objects.select_for_update().filter(patient=patient, instrument=code))
    submitted = kept(Assessment, patient=patient, client_key=client_key)
    if submitted is not None:
        return submitted
    draft = draft_answer(
        patient=patient, code=code, item=item, answer=answer, client_key=client_key
    )
    if any(i.key not in draft.answers for i in INSTRUMENTS[code].items):
        return None
    return questionnaire_submit(patient=patient, by=by, draft=draft)
