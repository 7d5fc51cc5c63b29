"""API tokens: created and revoked by an administrator (audited), the key shown once and only
its hash kept, and a request with the key acting as the token's service user."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import ApiToken
from osteorehab.accounts.services import api_token_create, api_token_revoke
from osteorehab.accounts.tokens import authenticate, key_hash
from osteorehab.audit.models import AuditEvent
from tests.factories import client_for, make_org, make_user, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)


@pytest.fixture
def admin(team):
    return make_user(
        Role.ADMIN, team.site.organisation, username="sysadmin", is_staff=True, is_superuser=True
    )


def request_with(key: str | None, user=None):
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    request = RequestFactory(headers=headers).get("/fhir/R4/Patient")
    request.user = user or AnonymousUser()
    return request


def test_a_token_keeps_only_the_hash_of_the_key_shown_once_and_is_audited(team, admin):
    nurse = member(team, Role.NURSE)
    token, key = api_token_create(by=admin, user=nurse, name="Hospital DXA results")
    stored = ApiToken.objects.get()
    assert key.startswith("osr_")
    assert len(key) == 4 + 43  # 32 random bytes, URL-safe base64
    assert stored.key_hash == key_hash(key) != key
    assert stored.prefix == key[:12]
    event = AuditEvent.objects.get(target="accounts.ApiToken")
    assert (event.user, event.action, event.object_id) == (admin, "create", str(token.pk))
    assert event.changes["user"] == nurse.username
    assert key not in str(event.changes)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PATIENT, Role.CAREGIVER])
def test_a_token_acts_only_as_a_clinician_or_lead(team, admin, role):
    with pytest.raises(ValidationError):
        api_token_create(by=admin, user=make_user(role, team.site.organisation), name="x")


def test_only_an_administrator_of_the_same_organisation_creates_tokens(team, admin):
    nurse = member(team, Role.NURSE)
    with pytest.raises(ValidationError):
        api_token_create(by=member(team, Role.PHYSICIAN), user=nurse, name="x")
    with pytest.raises(ValidationError):
        api_token_create(by=make_user(Role.ADMIN, make_org()), user=nurse, name="x")
    assert not ApiToken.objects.exists()


def test_the_key_acts_as_its_user_and_records_when_it_was_used(team, admin):
    nurse = member(team, Role.NURSE)
    _token, key = api_token_create(by=admin, user=nurse, name="feed")
    request = request_with(key)
    assert authenticate(request) == nurse
    assert request.user == nurse  # so the audit trail records the reads under their name
    assert ApiToken.objects.get().last_used_at == timezone.now()


def test_a_revoked_expired_or_wrong_key_acts_as_no_one(team, admin):
    nurse = member(team, Role.NURSE)
    revoked, revoked_key = api_token_create(by=admin, user=nurse, name="old")
    api_token_revoke(by=admin, token=revoked)
    expiring, expiring_key = api_token_create(
        by=admin, user=nurse, name="soon", expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now())
    for key in (revoked_key, expiring_key, "osr_not-a-key", ""):
        assert authenticate(request_with(key)) is None
    assert AuditEvent.objects.filter(action="update", target="accounts.ApiToken").count() == 1


def test_a_bad_key_never_falls_back_to_the_session(team):
    nurse = member(team, Role.NURSE)
    assert authenticate(request_with("osr_wrong", user=nurse)) is None
    assert authenticate(request_with(None, user=nurse)) == nurse


def test_a_deactivated_user_s_token_stops_working(team, admin):
    nurse = member(team, Role.NURSE)
    _token, key = api_token_create(by=admin, user=nurse, name="feed")
    nurse.is_active = False
    nurse.save()
    assert authenticate(request_with(key)) is None


def test_a_session_write_without_the_csrf_token_is_refused(team):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member(team, Role.NURSE))
    response = client.post("/fhir/R4/", "{}", content_type="application/fhir+json")
    assert response.status_code == 403
    assert response.json()["issue"][0]["code"] == "forbidden"


def test_the_command_creates_lists_and_revokes(team, admin):
    nurse = member(team, Role.NURSE)
    out = StringIO()
    create = ["create", "--user", nurse.username, "--name", "DXA", "--by", "sysadmin"]
    call_command("api_token", *create, "--expires", "2027-01-31", stdout=out)
    token = ApiToken.objects.get()
    key = out.getvalue().splitlines()[-1]
    assert token.key_hash == key_hash(key)
    assert timezone.localtime(token.expires_at).date().isoformat() == "2027-01-31"
    listed = StringIO()
    call_command("api_token", "list", stdout=listed)
    assert f"{token.pk}\t{token.prefix}…\tDXA\t{nurse.username}\tactive" in listed.getvalue()
    assert key not in listed.getvalue()
    call_command("api_token", "revoke", str(token.pk), "--by", "sysadmin", stdout=StringIO())
    assert ApiToken.objects.get().revoked_by == admin
    with pytest.raises(CommandError, match="already revoked"):
        call_command("api_token", "revoke", str(token.pk), "--by", "sysadmin")


def test_an_administrator_revokes_tokens_on_the_admin_page(team, admin):
    nurse = member(team, Role.NURSE)
    token, _key = api_token_create(by=admin, user=nurse, name="feed")
    url = "/admin/accounts/apitoken/"
    client = client_for(admin)
    listed = client.get(url)
    assert token.prefix in listed.content.decode()
    client.post(url, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert client.get(f"{url}add/").status_code == 403  # created with the command only
