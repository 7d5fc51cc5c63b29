"""The write path for the registry: every change to a patient goes through one of these, in one
transaction, with one audit event that says what changed."""

import secrets
from datetime import date, timedelta
from typing import Any, TypeVar

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import CaregiverAction, Part, Role, missing_roles
from osteorehab.accounts.models import ROLE_LABELS, CareTeam, User
from osteorehab.audit.services import audit_write, changes_of, values_of
from osteorehab.followup.services import schedule_create

from .domain import (
    CLOSED,
    JOIN_CODE_VALID_DAYS,
    Adherence,
    EpisodeStatus,
    Fill,
    Refusal,
    birth_date_refusal,
    duplicate_key,
    event_date_refusal,
    join_code_typed,
    monitoring_window,
    new_join_code,
    normalise_name,
    pdc,
    transition_refusal,
)
from .models import (
    Caregiver,
    Consent,
    ConsentKind,
    Correctable,
    Episode,
    EpisodeStatusChange,
    Fracture,
    Medication,
    MedicationFill,
    Patient,
)
from .tasks import caregiver_invitation_send

Entry = TypeVar("Entry", bound=Correctable)

REFUSAL_MESSAGES = {
    "date_in_future": _("This date is in the future."),
    "before_birth": _("This date is before the patient's date of birth."),
    "implausibly_old": _("This date of birth is more than 120 years ago; please check the year."),
    "transition_not_allowed": _(
        "The program episode cannot move to this status from its current one."
    ),
    "withdrawal_needs_reason": _("Give the reason for the withdrawal."),
    "before_last_change": _("This date is before the episode's last status change."),
    "needs_program_consent": _(
        "The patient has not consented to the program; record their consent first."
    ),
}

PATIENT_FIELDS = (
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "phone",
    "preferred_language",
    "record_number",
    "diagnosis_on",
    "relevant_conditions",
)


def refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise ValidationError({refusal.field: REFUSAL_MESSAGES[refusal.code]})


def possible_duplicates(
    *, organisation_id: int, family_name: str, given_name: str, date_of_birth: date
) -> QuerySet[Patient]:
    key = duplicate_key(family_name, given_name, date_of_birth)
    return Patient.objects.filter(
        organisation_id=organisation_id,
        date_of_birth=date_of_birth,
        family_name__iexact=key[0],
        given_name__iexact=key[1],
    )


def _refuse_dates(date_of_birth: date, **dates: date | None) -> None:
    """History dates can't precede birth or lie in the future."""
    today = timezone.localdate()
    for field, day in dates.items():
        refuse(event_date_refusal(day, date_of_birth=date_of_birth, today=today, field=field))


def _audit_created(by: User, obj: Any, fields: tuple[str, ...], **extra: Any) -> None:
    audit_write(
        by=by,
        obj=obj,
        patient_id=obj.patient_id,
        created=True,
        changes={**values_of(obj, fields), **extra},
    )


def _audit_changed(by: User, obj: Any, **changes: Any) -> None:
    audit_write(by=by, obj=obj, patient_id=obj.patient_id, created=False, changes=changes)


def _check_patient(data: dict[str, Any], *, organisation_id: int, exclude_pk: int | None) -> None:
    refuse(birth_date_refusal(data["date_of_birth"], today=timezone.localdate()))
    _refuse_dates(data["date_of_birth"], diagnosis_on=data.get("diagnosis_on"))
    number = data.get("record_number", "")
    same_number = Patient.objects.filter(organisation_id=organisation_id, record_number=number)
    if exclude_pk is not None:
        same_number = same_number.exclude(pk=exclude_pk)
    if number and same_number.exists():
        raise ValidationError(
            {"record_number": _("Another patient already has this hospital record number.")}
        )


def _check_care_team(care_team: CareTeam, organisation_id: int) -> None:
    if care_team.site.organisation_id != organisation_id:
        raise ValidationError({"care_team": _("This care team belongs to another organisation.")})
    lacking = missing_roles(care_team.members.values_list("role", flat=True))
    if lacking:
        names = ", ".join(str(ROLE_LABELS[role]) for role in lacking)
        raise ValidationError(
            {
                "care_team": _("This care team has no member with the role: %(roles)s.")
                % {"roles": names}
            }
        )


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    for name in ("family_name", "given_name"):
        cleaned[name] = normalise_name(cleaned[name])
    return cleaned


@transaction.atomic
def patient_register(
    *,
    by: User,
    care_team: CareTeam,
    data: dict[str, Any],
    program_consent: bool,
    consent_on: date,
    referred_on: date,
    allow_duplicate: bool = False,
) -> Patient:
    """Register a patient, record their consent to the program and open a referred episode."""
    data = _clean(data)
    organisation_id = by.organisation_id
    _check_patient(data, organisation_id=organisation_id, exclude_pk=None)
    _check_care_team(care_team, organisation_id)
    _refuse_dates(data["date_of_birth"], referred_on=referred_on, consent_on=consent_on)
    if (
        not allow_duplicate
        and possible_duplicates(
            organisation_id=organisation_id,
            **{k: data[k] for k in ("family_name", "given_name", "date_of_birth")},
        ).exists()
    ):
        raise ValidationError(
            _("A patient with this name and date of birth is already registered."), code="duplicate"
        )
    patient = Patient.objects.create(organisation_id=organisation_id, care_team=care_team, **data)
    audit_write(
        by=by,
        obj=patient,
        patient_id=patient.pk,
        created=True,
        changes={**values_of(patient, PATIENT_FIELDS), "care_team": care_team.name},
    )
    consent_record(
        patient=patient,
        by=by,
        kind=ConsentKind.PROGRAM,
        granted=program_consent,
        decided_on=consent_on,
    )
    episode_open(patient=patient, by=by, referred_on=referred_on)
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, by: User, data: dict[str, Any], version: int) -> Patient:
    """Change identity, contact and osteoporosis details; refuses a stale form (another user
    saved in between) rather than overwrite their change."""
    data = _clean(data)
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.version != version:
        raise ValidationError(
            _("Someone else changed this record while you were editing. Reload it and try again."),
            code="stale",
        )
    _check_patient(data, organisation_id=locked.organisation_id, exclude_pk=locked.pk)
    for fracture_on in locked.fractures.values_list("occurred_on", flat=True):
        if fracture_on < data["date_of_birth"]:
            raise ValidationError(
                {"date_of_birth": _("A recorded fracture is dated before this date of birth.")}
            )
    before = values_of(locked, PATIENT_FIELDS)
    for name, value in data.items():
        setattr(locked, name, value)
    changes = changes_of(locked, PATIENT_FIELDS, before)
    if changes:
        locked.version += 1
        locked.save()
        audit_write(by=by, obj=locked, patient_id=locked.pk, created=False, changes=changes)
    return locked


@transaction.atomic
def fracture_add(*, patient: Patient, by: User, data: dict[str, Any]) -> Fracture:
    _refuse_dates(patient.date_of_birth, occurred_on=data["occurred_on"])
    if data["site"] == "other" and not data.get("site_other", "").strip():
        raise ValidationError({"site_other": _("Name the site of the fracture.")})
    fracture = Fracture.objects.create(patient=patient, **data)
    _audit_created(by, fracture, ("site", "site_other", "occurred_on", "note"))
    return fracture


@transaction.atomic
def medication_add(*, patient: Patient, by: User, data: dict[str, Any]) -> Medication:
    _refuse_dates(
        patient.date_of_birth, started_on=data["started_on"], stopped_on=data.get("stopped_on")
    )
    if data.get("stopped_on") and data["stopped_on"] < data["started_on"]:
        raise ValidationError({"stopped_on": _("The medicine cannot stop before it started.")})
    if data["drug"] == "other" and not data.get("drug_other", "").strip():
        raise ValidationError({"drug_other": _("Name the medicine.")})
    medication = Medication.objects.create(patient=patient, **data)
    _audit_created(by, medication, ("drug", "drug_other", "started_on", "stopped_on"))
    return medication


@transaction.atomic
def medication_stop(*, medication: Medication, by: User, stopped_on: date) -> Medication:
    if medication.stopped_on:
        raise ValidationError(_("This medicine is already recorded as stopped."))
    _refuse_dates(medication.patient.date_of_birth, stopped_on=stopped_on)
    if stopped_on < medication.started_on:
        raise ValidationError({"stopped_on": _("The medicine cannot stop before it started.")})
    if medication.fills.valid().filter(dispensed_on__gt=stopped_on).exists():
        raise ValidationError(
            {"stopped_on": _("A refill of this medicine was dispensed after this date.")}
        )
    medication.stopped_on = stopped_on
    medication.save(update_fields=["stopped_on"])
    _audit_changed(by, medication, stopped_on=[None, stopped_on])
    return medication


@transaction.atomic
def medication_fill_record(
    *, medication: Medication, by: User, dispensed_on: date, days_supply: int
) -> MedicationFill:
    """Record a refill: the day the medicine was dispensed and the days the supply covers
    (clinical-reference 5: for long-interval medicines, in covered days)."""
    # Locked, so a stop or a correction of the medicine saved meanwhile is seen here.
    medication = (
        Medication.objects.select_for_update().select_related("patient").get(pk=medication.pk)
    )
    if medication.error_reason:
        raise ValidationError(_("This medicine is marked as entered in error."))
    _refuse_dates(medication.patient.date_of_birth, dispensed_on=dispensed_on)
    if dispensed_on < medication.started_on:
        raise ValidationError({"dispensed_on": _("This date is before the medicine was started.")})
    if medication.stopped_on and dispensed_on > medication.stopped_on:
        raise ValidationError({"dispensed_on": _("This date is after the medicine was stopped.")})
    if days_supply < 1:
        raise ValidationError({"days_supply": _("The supply must cover at least one day.")})
    fill = MedicationFill.objects.create(
        medication=medication, dispensed_on=dispensed_on, days_supply=days_supply, recorded_by=by
    )
    _audit_created(by, fill, ("dispensed_on", "days_supply"), medication=medication.pk)
    return fill


def medication_adherence(medication: Medication, *, today: date) -> Adherence | None:
    """The medicine's proportion of days covered over the programme's window (the last 365
    days, or since the first refill if that is later), up to today or to the day it stopped;
    None before its first refill (clinical-reference 5). Reads `medication.fills`, so a
    prefetch of the valid fills is used."""
    fills = [
        Fill(fill.dispensed_on, fill.days_supply)
        for fill in medication.fills.all()
        if not fill.error_reason
    ]
    until = min(today, medication.stopped_on) if medication.stopped_on else today
    window = monitoring_window([fill.dispensed_on for fill in fills], until=until)
    if window is None:
        return None
    return pdc(fills, start=window[0], end=window[1])


@transaction.atomic
def entry_retract(*, entry: Entry, by: User, reason: str) -> Entry:
    """Mark a history entry (a fracture, a medicine, an assessment) as entered in error; nothing
    clinical is ever deleted."""
    if entry.error_reason:
        raise ValidationError(_("This entry is already marked as entered in error."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this entry is wrong.")})
    entry.error_reason = reason.strip()
    entry.save(update_fields=["error_reason"])
    _audit_changed(by, entry, error_reason=["", entry.error_reason])
    return entry


@transaction.atomic
def consent_record(
    *,
    patient: Patient,
    by: User,
    kind: ConsentKind,
    granted: bool,
    decided_on: date,
    note: str = "",
) -> Consent:
    _refuse_dates(patient.date_of_birth, decided_on=decided_on)
    consent = Consent.objects.create(
        patient=patient, kind=kind, granted=granted, decided_on=decided_on, taken_by=by, note=note
    )
    _audit_created(by, consent, ("kind", "granted", "decided_on", "note"))
    return consent


def has_program_consent(patient: Patient) -> bool:
    latest = (
        patient.consents.filter(kind=ConsentKind.PROGRAM).order_by("-decided_on", "-id").first()
    )
    return bool(latest and latest.granted)


def family_sharing_in_force(patient: Patient) -> bool | None:
    """The patient's latest decision on sharing with family; None if they never decided."""
    latest = (
        patient.consents.filter(kind=ConsentKind.FAMILY_SHARING)
        .order_by("-decided_on", "-id")
        .first()
    )
    return latest.granted if latest else None


@transaction.atomic
def episode_open(*, patient: Patient, by: User, referred_on: date) -> Episode:
    already = ValidationError(_("The patient already has an open program episode."))
    if patient.episodes.exclude(status__in=CLOSED).exists():
        raise already
    _refuse_dates(patient.date_of_birth, referred_on=referred_on)
    try:
        with transaction.atomic():
            episode = Episode.objects.create(
                patient=patient, referred_on=referred_on, status_since=referred_on
            )
    except IntegrityError:  # another user opened one since the check: the constraint says so
        raise already from None
    EpisodeStatusChange.objects.create(
        episode=episode, to_status=EpisodeStatus.REFERRED, on=referred_on, by=by
    )
    _audit_created(by, episode, ("status", "referred_on"))
    return episode


@transaction.atomic
def episode_move(
    *, episode: Episode, by: User, to_status: EpisodeStatus, on: date, reason: str, version: int
) -> Episode:
    locked = Episode.objects.select_for_update().get(pk=episode.pk)
    if locked.version != version:
        raise ValidationError(
            _("Someone else changed this episode while you were editing. Reload it and try again."),
            code="stale",
        )
    refuse(
        transition_refusal(
            EpisodeStatus(locked.status),
            to_status,
            reason=reason,
            on=on,
            last_change_on=locked.status_since,
            today=timezone.localdate(),
            has_program_consent=has_program_consent(locked.patient),
        )
    )
    from_status = locked.status
    locked.status = to_status
    locked.status_since = on
    locked.end_reason = (
        reason.strip() if to_status == EpisodeStatus.WITHDRAWN else locked.end_reason
    )
    locked.version += 1
    locked.save()
    EpisodeStatusChange.objects.create(
        episode=locked, from_status=from_status, to_status=to_status, on=on, reason=reason, by=by
    )
    _audit_changed(by, locked, status=[from_status, to_status], on=on, reason=reason)
    if to_status == EpisodeStatus.ACTIVE:  # the follow-up schedule starts (idempotent)
        schedule_create(episode=locked, by=by)
    return locked


@transaction.atomic
def care_team_assign(*, patient: Patient, by: User, care_team: CareTeam) -> Patient:
    # Locked and counted from the stored version: a version counted from the caller's copy
    # could go back to a number an open edit form holds, and that form would then overwrite
    # the changes saved since it was shown.
    locked = Patient.objects.select_for_update().select_related("care_team").get(pk=patient.pk)
    _check_care_team(care_team, locked.organisation_id)
    before = locked.care_team.name
    locked.care_team = care_team
    locked.version += 1
    locked.save(update_fields=["care_team", "version", "updated_at"])
    audit_write(
        by=by,
        obj=locked,
        patient_id=locked.pk,
        created=False,
        changes={"care_team": [before, care_team.name]},
    )
    return locked


def _check_actions(actions: list[str]) -> list[str]:
    known = [action.value for action in CaregiverAction]
    if any(name not in known for name in actions):
        raise ValidationError({"allowed_actions": _("Unknown permission.")})
    return [name for name in known if name in actions]


def _check_parts(parts: list[str]) -> list[str]:
    known = [part.value for part in Part]
    unknown = [name for name in parts if name not in known]
    if unknown:
        raise ValidationError(
            {"shared_parts": _("Unknown part of the record: %(part)s") % {"part": unknown[0]}}
        )
    return [name for name in known if name in parts]


@transaction.atomic
def caregiver_invite(*, patient: Patient, by: User, data: dict[str, Any]) -> Caregiver:
    """Create the invitation; the caregiver sets up their login with its one-time link (sent to
    the e-mail address given, if any) or with a joining code (`caregiver_code_issue`).

    Inviting is the patient's decision to share with family: it records their consent to
    family sharing when none is in force (the invitation form says so)."""
    parts = _check_parts(data.pop("shared_parts", []))
    actions = _check_actions(data.pop("allowed_actions", []))
    caregiver = Caregiver.objects.create(
        patient=patient,
        invited_by=by,
        invite_token=secrets.token_urlsafe(32),
        shared_parts=parts,
        allowed_actions=actions,
        **data,
    )
    _audit_created(
        by,
        caregiver,
        ("name", "relationship", "phone", "email", "shared_parts", "allowed_actions"),
    )
    if not family_sharing_in_force(patient):
        consent_record(
            patient=patient,
            by=by,
            kind=ConsentKind.FAMILY_SHARING,
            granted=True,
            decided_on=timezone.localdate(),
        )
    if caregiver.email:
        transaction.on_commit(lambda: caregiver_invitation_send(caregiver.pk))
    return caregiver


def _join_code_hash(code: str) -> str:
    # Keyed (an HMAC with SECRET_KEY), not a plain hash: 40 bits are found by brute force in
    # minutes from a plain hash, so a copy of the database alone must not give away live codes.
    return salted_hmac("osteorehab.patients.join-code", code, algorithm="sha256").hexdigest()


@transaction.atomic
def caregiver_code_issue(*, caregiver: Caregiver, by: User) -> str:
    """A new joining code for an invitation not yet taken up; any earlier code stops working.
    The code is returned once, to show the inviter; only its keyed hash is kept, and the audit
    trail records that a code was issued, never the code."""
    locked = Caregiver.objects.select_for_update().get(pk=caregiver.pk)
    if locked.user_id is not None or locked.revoked_at is not None:
        raise ValidationError(_("This invitation has been used or withdrawn."))
    code = new_join_code(secrets.choice)
    while Caregiver.objects.filter(join_code_hash=_join_code_hash(code)).exists():
        code = new_join_code(secrets.choice)  # as good as never: 1 in 8.5e11 per live code
    before = locked.join_code_expires_at
    locked.join_code_hash = _join_code_hash(code)
    locked.join_code_expires_at = timezone.now() + timedelta(days=JOIN_CODE_VALID_DAYS)
    locked.save(update_fields=["join_code_hash", "join_code_expires_at"])
    caregiver.join_code_hash, caregiver.join_code_expires_at = (
        locked.join_code_hash,
        locked.join_code_expires_at,
    )
    _audit_changed(by, locked, join_code_expires_at=[before, locked.join_code_expires_at])
    return code


@transaction.atomic
def caregiver_share(
    *, caregiver: Caregiver, by: User, parts: list[str], actions: list[str] | None = None
) -> Caregiver:
    """What the caregiver may see and do, changed by the patient (at once, audited)."""
    before = list(caregiver.shared_parts), list(caregiver.allowed_actions)
    caregiver.shared_parts = _check_parts(parts)
    if actions is not None:
        caregiver.allowed_actions = _check_actions(actions)
    caregiver.save(update_fields=["shared_parts", "allowed_actions"])
    _audit_changed(
        by,
        caregiver,
        shared_parts=[before[0], caregiver.shared_parts],
        allowed_actions=[before[1], caregiver.allowed_actions],
    )
    return caregiver


@transaction.atomic
def caregiver_revoke(*, caregiver: Caregiver, by: User) -> Caregiver:
    caregiver.revoked_at = timezone.now()
    caregiver.invite_token = None
    caregiver.join_code_hash = None
    caregiver.join_code_expires_at = None
    caregiver.save(
        update_fields=["revoked_at", "invite_token", "join_code_hash", "join_code_expires_at"]
    )
    _audit_changed(by, caregiver, revoked_at=[None, caregiver.revoked_at])
    return caregiver


def _set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()


@transaction.atomic
def caregiver_accept(*, token: str, username: str, password: str) -> User:
    """The invited caregiver chooses a login; the invitation link then stops working."""
    caregiver = (
        Caregiver.objects.select_for_update()
        .select_related("patient")
        .filter(invite_token=token, revoked_at__isnull=True, user__isnull=True)
        .first()
    )
    if caregiver is None:
        raise ValidationError(_("This invitation has been used or withdrawn."))
    user = _caregiver_login(caregiver, username, password)
    _caregiver_link(caregiver, user, how="link")
    return user


def _caregiver_login(caregiver: Caregiver, username: str, password: str) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken; choose another.")})
    user = User(
        username=username,
        full_name=caregiver.name,
        email=caregiver.email,
        role=Role.CAREGIVER,
        organisation_id=caregiver.patient.organisation_id,
        preferred_language=caregiver.patient.preferred_language,
    )
    _set_password(user, password)
    return user


def _caregiver_link(caregiver: Caregiver, user: User, *, how: str) -> None:
    """The invitation taken up: its link and its code stop working."""
    caregiver.user = user
    caregiver.accepted_at = timezone.now()
    caregiver.invite_token = None
    caregiver.join_code_hash = None
    caregiver.join_code_expires_at = None
    caregiver.save(
        update_fields=[
            "user",
            "accepted_at",
            "invite_token",
            "join_code_hash",
            "join_code_expires_at",
        ]
    )
    _audit_changed(
        user,
        caregiver,
        accepted_at=[None, caregiver.accepted_at],
        username=user.username,
        how=how,
    )


JOIN_CODE_REFUSED = _(
    "This code does not work. Check it and try again: it works once only, for 7 days. "
    "If it still does not work, ask for a new one."
)


@transaction.atomic
def caregiver_join(
    *, code: str, username: str = "", password: str = "", user: User | None = None
) -> Caregiver:
    """A family member takes up the invitation with its joining code: with a new login, or, as
    someone who already supports another patient, with the login they have (`user`).

    A wrong, used, withdrawn or expired code is refused with the same words (code "bad_code",
    which the join page counts towards its limit on wrong tries), so the answer does not tell
    which codes exist."""
    typed = join_code_typed(code)
    caregiver = (
        Caregiver.objects.select_for_update()
        .select_related("patient")
        .filter(
            join_code_hash=_join_code_hash(typed),
            join_code_expires_at__gt=timezone.now(),
            revoked_at__isnull=True,
            user__isnull=True,
        )
        .first()
        if typed
        else None
    )
    if caregiver is None:
        raise ValidationError({"code": ValidationError(JOIN_CODE_REFUSED, code="bad_code")})
    if user is None:
        user = _caregiver_login(caregiver, username, password)
    elif user.role != Role.CAREGIVER:
        raise ValidationError(_("Log out first: this invitation is for a family login."))
    else:
        earlier = Caregiver.objects.filter(patient=caregiver.patient, user=user).first()
        if earlier is not None and earlier.revoked_at is None:
            raise ValidationError(_("You already support this person."))
        if earlier is not None:  # one link per login and patient, sharing history kept
            raise ValidationError(
                _(
                    "Your login was linked to this person before. Log out, then use the code "
                    "again to make a new login."
                )
            )
    _caregiver_link(caregiver, user, how="code")
    return caregiver


@transaction.atomic
def patient_login_set(*, patient: Patient, by: User, username: str, password: str) -> User:
    """Give the patient a login, or a new password for the one they have."""
    user = patient.user
    taken = User.objects.filter(username__iexact=username)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise ValidationError({"username": _("This user name is taken; choose another.")})
    if user is None:
        user = User(role=Role.PATIENT, organisation_id=patient.organisation_id)
    user.username = username
    user.full_name = patient.name
    user.preferred_language = patient.preferred_language
    _set_password(user, password)
    created = patient.user_id is None
    if created:
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
    audit_write(
        by=by,
        obj=user,
        patient_id=patient.pk,
        created=created,
        changes={"username": username, "password": "set"},  # nosec B105  # no password: "set"
    )
    return user
