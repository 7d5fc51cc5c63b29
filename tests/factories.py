"""Plain factory functions with deterministic defaults."""

from datetime import date
from importlib import import_module
from itertools import count
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from osteorehab.accounts.domain import CLINICAL_ROLES, CaregiverAction, Part, Role
from osteorehab.accounts.models import CareTeam, CareTeamMember, Organisation, Site, User
from osteorehab.patients.models import Caregiver, Consent, ConsentKind, Episode, Patient

PASSWORD = "correct-horse-battery-staple"
_serial = count(1)


def make_org(name: str | None = None) -> Organisation:
    return Organisation.objects.create(name=name or f"Organisation {next(_serial)}")


def make_user(
    role: Role, organisation: Organisation, username: str | None = None, **extra: Any
) -> User:
    username = username or f"{role.value}{next(_serial)}"
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        full_name=extra.pop("full_name", username.title()),
        role=role,
        organisation=organisation,
        email=f"{username}@example.org",
        **extra,
    )


def make_team(organisation: Organisation, name: str | None = None) -> CareTeam:
    """A care team with one clinician of each role."""
    site, _ = Site.objects.get_or_create(organisation=organisation, name="Main site")
    team = CareTeam.objects.create(site=site, name=name or f"Team {next(_serial)}")
    for role in CLINICAL_ROLES:
        CareTeamMember.objects.create(care_team=team, user=make_user(role, organisation))
    return team


def member(team: CareTeam, role: Role) -> User:
    return team.members.get(role=role)


def make_patient(team: CareTeam, *, login: bool = False, **fields: Any) -> Patient:
    """A patient with consent to the program and a referred episode."""
    defaults: dict[str, Any] = {
        "family_name": f"Family{next(_serial)}",
        "given_name": "Ann",
        "date_of_birth": date(1950, 3, 14),
        "sex": "female",
    }
    patient = Patient.objects.create(
        organisation=team.site.organisation, care_team=team, **{**defaults, **fields}
    )
    nurse = member(team, Role.NURSE)
    Consent.objects.create(
        patient=patient,
        kind=ConsentKind.PROGRAM,
        granted=True,
        decided_on=date(2026, 1, 5),
        taken_by=nurse,
    )
    Episode.objects.create(
        patient=patient, referred_on=date(2026, 1, 5), status_since=date(2026, 1, 5)
    )
    if login:
        patient.user = make_user(Role.PATIENT, team.site.organisation, full_name=patient.name)
        patient.save()
    return patient


def login_of(patient: Patient) -> User:
    assert patient.user is not None, "make the patient with login=True"
    return patient.user


def make_caregiver(
    patient: Patient,
    *,
    parts: list[Part],
    consent: bool = True,
    actions: list[CaregiverAction] | None = None,
) -> User:
    """An accepted caregiver; `consent` is the patient's consent to family sharing; `actions`
    what the patient allowed them to do."""
    user = make_user(Role.CAREGIVER, patient.organisation)
    Caregiver.objects.create(
        patient=patient,
        user=user,
        name=user.full_name,
        relationship="Daughter",
        shared_parts=[part.value for part in parts],
        allowed_actions=[action.value for action in actions or []],
        invited_by=patient.user or member(patient.care_team, Role.NURSE),
        accepted_at=patient.created_at,
    )
    Consent.objects.create(
        patient=patient,
        kind=ConsentKind.FAMILY_SHARING,
        granted=consent,
        decided_on=date(2026, 1, 6),
        taken_by=member(patient.care_team, Role.NURSE),
    )
    return user


def client_for(user: User | None) -> Client:
    """A logged-in client; a system administrator's session has passed two-factor login."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    if user.role == Role.ADMIN:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def expire_cached_session(client: Client) -> None:
    """What Redis does when a session's time to live runs out: with Redis, sessions are read
    from a cached copy that Redis ends on its own clock, which a test's faked clock does not
    move. Without Redis there is no copy."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(client.session.session_key)
    if hasattr(store, "cache_key"):
        cache.delete(store.cache_key)
