"""Writing the rehabilitation log: exercise logs, check-ins and fall reports, each checked, saved
and audited in one transaction, with the alerts its safety signals raise.

Who may write: the patient, into their own log; a clinician of the patient's care team (a role
that may edit the record), on the patient's behalf from a phone call or the paper diary; a
caregiver the patient shared the log with and allowed to log on their behalf. Each entry keeps
who entered it and how.

Idempotent: every form carries a key made when the form was shown (`client_key`). A submission
whose key the patient's log already holds (sent again after a lost connection, or tapped twice)
returns the entry kept the first time and writes nothing, alerts included.
"""

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.access import caregiver_may, parts_for, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, CaregiverAction, Part, Role, may
from osteorehab.accounts.models import User
from osteorehab.alerts.models import AlertKind
from osteorehab.alerts.services import alert_raise
from osteorehab.audit.services import audit_write, values_of
from osteorehab.core.idempotency import kept, save_once
from osteorehab.patients.domain import event_date_refusal
from osteorehab.patients.models import Patient
from osteorehab.patients.services import REFUSAL_MESSAGES
from osteorehab.plans.domain import items_of
from osteorehab.rules.tasks import rules_soon

from . import domain
from .models import (
    VIA_ENTERED_AS,
    CheckIn,
    CompletionChoice,
    EnteredAs,
    ExerciseLog,
    FallReport,
    PlaceChoice,
    SkipReasonChoice,
    SleepChoice,
)
from .selectors import approved_versions

# Who is told at once of a safety signal: the nurse runs the daily management, the physician
# the medical safety (accounts.domain.Role).
ALERT_ROLES = (Role.NURSE, Role.PHYSICIAN)
ENTRY_FIELDS = ("entered_as", "client_key")
EXERCISE_FIELDS = (
    "day",
    "exercise",
    "plan_version",
    "completion",
    "sets",
    "reps",
    "load",
    "minutes",
    "effort",
    "pain",
    "skip_reason",
    "skip_other",
)
CHECK_IN_FIELDS = (
    "day",
    "mood",
    "confidence",
    "fatigue",
    "sleep",
    "pain",
    "back_pain_new",
    "falls",
    "near_falls",
)
FALL_FIELDS = (
    "happened_on",
    "place",
    "place_other",
    "injury",
    "injury_what",
    "could_get_up",
    "saw_doctor",
)


# ---- Who enters, and how ----


def _clinician(user: Any) -> bool:
    role = Role(user.role)
    return role in CLINICAL_ROLES and may(role, Action.EDIT)


def may_enter_for(user: Any, patient: Patient) -> bool:
    """Whether this user may enter the patient's log on their behalf: a clinician of the care
    team, or a caregiver with the log shared and the patient's leave to log for them."""
    if not user.is_authenticated or not visible_patients(user).filter(pk=patient.pk).exists():
        return False
    if _clinician(user):
        return True
    return (
        user.role == Role.CAREGIVER
        and Part.LOG in parts_for(user, patient)
        and caregiver_may(user, patient, CaregiverAction.LOG_ON_BEHALF)
    )


def _entered_as(by: User, patient: Patient, via: str) -> EnteredAs:
    """How this entry is recorded as entered, or a refusal for a user who may not enter it."""
    # the patient's own log: what `visible_patients` finds for a patient, without a query
    if by.role == Role.PATIENT and by.is_active and patient.user_id == by.pk:
        return EnteredAs.PATIENT
    if not may_enter_for(by, patient):
        raise ValidationError(_("You may not enter this patient's log."))
    if by.role == Role.CAREGIVER:
        return EnteredAs.CAREGIVER
    if via not in VIA_ENTERED_AS:
        raise ValidationError({"via": _("Say how you heard it: a phone call or the paper diary.")})
    return VIA_ENTERED_AS[via]  # type: ignore[index]


# ---- Checks that name the field ----


class Errors:
    """Refusals gathered field by field, raised together."""

    def __init__(self) -> None:
        self.found: dict[str, list[Any]] = {}

    def add(self, field: str, message: Any) -> None:
        self.found.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def _number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scale(errors: Errors, field: str, value: Any, low: int, high: int, *, required: bool) -> None:
    if value is None:
        if required:
            errors.add(
                field, _("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            )
        return
    if not _number(value) or not low <= value <= high:
        errors.add(
            field, _("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        )


def _rating(errors: Errors, field: str, value: Any, *, required: bool = True) -> None:
    _scale(errors, field, value, domain.RATING_MIN, domain.RATING_MAX, required=required)


def _count(errors: Errors, field: str, value: Any, most: int) -> None:
    if value is not None and (not _number(value) or not 0 <= value <= most):
        errors.add(field, _("Enter a whole number from 0 to %(most)s.") % {"most": most})


def _yes_no(errors: Errors, field: str, value: Any) -> None:
    if not isinstance(value, bool):
        errors.add(field, _("Answer yes or no."))


def _choice(errors: Errors, field: str, value: Any, choices: list[str]) -> None:
    if value not in choices:
        errors.add(field, _("Choose one of the options."))


def _day(errors: Errors, field: str, day: Any, patient: Patient) -> None:
    if not isinstance(day, date):
        errors.add(field, _("Enter a date."))
        return
    refusal = event_date_refusal(
        day, date_of_birth=patient.date_of_birth, today=timezone.localdate(), field=field
    )
    if refusal is not None:
        errors.add(field, REFUSAL_MESSAGES[refusal.code])


# ---- Writing once ----


def _kept(model: Any, patient: Patient, client_key: UUID) -> Any:
    return kept(model, patient=patient, client_key=client_key)


def _create(model: Any, **fields: Any) -> tuple[Any, bool]:
    """The new entry, or (two submissions of one key at the same moment) the one kept first."""
    return save_once(
        model(**fields), key={"patient": fields["patient"], "client_key": fields["client_key"]}
    )


def _audit_and_alert(
    entry: CheckIn | FallReport,
    fields: tuple[str, ...],
    signals: tuple[domain.Signal, ...],
    by: User,
) -> None:
    """The new entry's audit row, with the safety signals it carries, and an urgent alert for
    each signal, in the entry's transaction."""
    audit_write(
        by=by,
        obj=entry,
        patient_id=entry.patient_id,
        created=True,
        changes={
            **values_of(entry, (*fields, *ENTRY_FIELDS)),
            "signals": [{"kind": sig.kind.value, "reason": str(sig.reason)} for sig in signals],
        },
    )
    for signal in signals:
        alert_raise(
            patient=entry.patient,
            kind=AlertKind(signal.kind.value),
            roles=ALERT_ROLES,
            source=entry,
            by=by,
        )


@transaction.atomic
def exercise_log_record(
    *,
    patient: Patient,
    by: User,
    client_key: UUID,
    day: date,
    exercise: str,
    plan_version: int,
    completion: str,
    sets: int | None = None,
    reps: int | None = None,
    load: str = "",
    minutes: int | None = None,
    effort: int | None = None,
    pain: int | None = None,
    skip_reason: str = "",
    skip_other: str = "",
    via: str = "",
) -> ExerciseLog:
    """Log one exercise of a session: done, partly done (with what was done, the effort and the
    pain), or skipped (with why). The exercise must be in the approved plan version named."""
    entered_as = _entered_as(by, patient, via)
    kept = _kept(ExerciseLog, patient, client_key)
    if kept is not None:
        return kept
    errors = Errors()
    _day(errors, "day", day, patient)
    version = approved_versions(patient).filter(number=plan_version).first()
    if version is None:
        errors.add("plan_version", _("This is not an approved version of the patient's plan."))
    elif exercise not in {item.exercise for item in items_of(version.content)}:
        errors.add("exercise", _("This exercise is not in that version of the plan."))
    _choice(errors, "completion", completion, CompletionChoice.values)
    skipped = completion == domain.Completion.SKIPPED
    if skipped:
        _choice(errors, "skip_reason", skip_reason, SkipReasonChoice.values)
        given = {"sets": sets, "reps": reps, "minutes": minutes, "effort": effort, "pain": pain}
        for field, value in {**given, "load": load or None}.items():
            if value is not None:
                errors.add(field, _("Leave this empty: the exercise was skipped."))
    else:
        for field, text in (("skip_reason", skip_reason), ("skip_other", skip_other)):
            if text:
                errors.add(field, _("A reason is given only when the exercise was skipped."))
        for field, value, most in (
            ("sets", sets, domain.MAX_SETS),
            ("reps", reps, domain.MAX_REPS),
            ("minutes", minutes, domain.MAX_MINUTES),
        ):
            _count(errors, field, value, most)
        _rating(errors, "effort", effort, required=False)
        _rating(errors, "pain", pain, required=False)
    if skip_other and skip_reason != domain.SkipReason.OTHER:
        errors.add("skip_other", _("Words are given only for another reason."))
    errors.raise_any()
    entry, created = _create(
        ExerciseLog,
        patient=patient,
        entered_by=by,
        entered_as=entered_as,
        client_key=client_key,
        day=day,
        exercise=exercise,
        plan_version=plan_version,
        completion=completion,
        sets=sets,
        reps=reps,
        load=load.strip(),
        minutes=minutes,
        effort=effort,
        pain=pain,
        skip_reason=skip_reason,
        skip_other=skip_other.strip(),
    )
    if created:
        audit_write(
            by=by,
            obj=entry,
            patient_id=patient.pk,
            created=True,
            changes=values_of(entry, (*EXERCISE_FIELDS, *ENTRY_FIELDS)),
        )
        rules_soon(patient)
    return entry


@transaction.atomic
def check_in_record(
    *,
    patient: Patient,
    by: User,
    client_key: UUID,
    day: date,
    mood: int,
    confidence: int,
    fatigue: int,
    sleep: str,
    pain: int,
    back_pain_new: bool,
    falls: int,
    near_falls: int,
    via: str = "",
) -> CheckIn:
    """The daily check-in. New back pain with pain in the severe band raises an urgent alert for
    the nurse and the physician (`domain.check_in_signals`)."""
    entered_as = _entered_as(by, patient, via)
    kept = _kept(CheckIn, patient, client_key)
    if kept is not None:
        return kept
    errors = Errors()
    _day(errors, "day", day, patient)
    _scale(errors, "mood", mood, domain.MOOD_MIN, domain.MOOD_MAX, required=True)
    for field, value in (("confidence", confidence), ("fatigue", fatigue), ("pain", pain)):
        _rating(errors, field, value)
    _choice(errors, "sleep", sleep, SleepChoice.values)
    _yes_no(errors, "back_pain_new", back_pain_new)
    for field, value in (("falls", falls), ("near_falls", near_falls)):
        _scale(errors, field, value, 0, domain.FALLS_TWO_OR_MORE, required=True)
    errors.raise_any()
    entry, created = _create(
        CheckIn,
        patient=patient,
        entered_by=by,
        entered_as=entered_as,
        client_key=client_key,
        day=day,
        mood=mood,
        confidence=confidence,
        fatigue=fatigue,
        sleep=sleep,
        pain=pain,
        back_pain_new=back_pain_new,
        falls=falls,
        near_falls=near_falls,
    )
    if created:
        signals = domain.check_in_signals(back_pain_new=back_pain_new, pain=pain)
        _audit_and_alert(entry, CHECK_IN_FIELDS, signals, by)
        rules_soon(patient)
    return entry


@transaction.atomic
def fall_report_record(
    *,
    patient: Patient,
    by: User,
    client_key: UUID,
    happened_on: date,
    place: str,
    injury: bool,
    could_get_up: bool,
    saw_doctor: bool,
    place_other: str = "",
    injury_what: str = "",
    via: str = "",
) -> FallReport:
    """A fall. A fall with injury, and a fall after which the patient could not get up, each
    raise an urgent alert for the nurse and the physician (`domain.fall_signals`)."""
    entered_as = _entered_as(by, patient, via)
    kept = _kept(FallReport, patient, client_key)
    if kept is not None:
        return kept
    errors = Errors()
    _day(errors, "happened_on", happened_on, patient)
    _choice(errors, "place", place, PlaceChoice.values)
    for field, value in (
        ("injury", injury),
        ("could_get_up", could_get_up),
        ("saw_doctor", saw_doctor),
    ):
        _yes_no(errors, field, value)
    if place_other.strip() and place != domain.Place.OTHER:
        errors.add("place_other", _("Words are given only for somewhere else."))
    if injury_what.strip() and injury is not True:
        errors.add("injury_what", _("Say what was hurt only when the fall caused an injury."))
    errors.raise_any()
    entry, created = _create(
        FallReport,
        patient=patient,
        entered_by=by,
        entered_as=entered_as,
        client_key=client_key,
        happened_on=happened_on,
        place=place,
        place_other=place_other.strip(),
        injury=injury,
        injury_what=injury_what.strip(),
        could_get_up=could_get_up,
        saw_doctor=saw_doctor,
    )
    if created:
        signals = domain.fall_signals(injury=injury, could_get_up=could_get_up)
        _audit_and_alert(entry, FALL_FIELDS, signals, by)
        rules_soon(patient)
    return entry
