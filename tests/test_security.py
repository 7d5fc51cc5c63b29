"""Deployment settings, password hashing, lockout, two-factor login (required of staff who see
patient records in production), sessions (idle expiry, logout, password change) and security
headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from config import settings as project_settings
from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.core.middleware import CONTENT_SECURITY_POLICY
from tests.factories import (
    PASSWORD,
    client_for,
    expire_cached_session,
    login_of,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_the_deployment_check_without_warnings(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "k" * 30 + "-production-like-secret-" + "z" * 30,
        "ALLOWED_HOSTS": "rehab.example.org",
        "OSTEOREHAB_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"PATH": os.environ["PATH"], "OSTEOREHAB_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_passwords_are_hashed_with_argon2(settings):
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # undo the tests' fast hasher
    assert make_password("x").startswith("argon2$argon2id$")


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one():
    nurse = make_user(Role.NURSE, make_org())
    client = Client()
    for _ in range(5):
        response = client.post(
            reverse("accounts:login"), {"username": nurse.username, "password": "nope"}
        )
    assert response.status_code == 429
    other_browser = Client(HTTP_USER_AGENT="another browser")
    locked = other_browser.post(
        reverse("accounts:login"), {"username": nurse.username, "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in other_browser.session


@pytest.mark.django_db
def test_staff_with_an_authenticator_must_give_a_code_after_the_password(time_machine):
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)
    physician = make_user(Role.PHYSICIAN, make_org())
    device = TOTPDevice.objects.create(user=physician, name="phone", confirmed=True)
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": physician.username, "password": PASSWORD}
    )
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert "_auth_user_id" not in client.session
    code = totp(device.bin_key)
    wrong = client.post(reverse("accounts:verify"), {"token": f"{(code + 1) % 10**6:06d}"})
    assert "That code is not right" in wrong.content.decode()
    time_machine.shift(5)  # django-otp makes the next try after a failure wait a second
    right = client.post(reverse("accounts:verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert right["Location"] == "/"
    assert client.session["_auth_user_id"] == str(physician.pk)


@pytest.mark.django_db
def test_an_administrator_must_set_up_two_factor_login_before_anything_else():
    admin = make_user(Role.ADMIN, make_org(), is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("audit:search"))["Location"] == reverse("accounts:two-factor")
    assert client.get("/admin/")["Location"] == reverse("accounts:two-factor")
    page = client.get(reverse("accounts:two-factor"))
    assert page.context["qr"].startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    client.post(reverse("accounts:two-factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert client.get(reverse("audit:search")).status_code == 200


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_code():
    response = client_for(None).get(reverse("accounts:login"))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    body = response.content.decode()
    assert "<script>" not in body
    assert " style=" not in body
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_password_reset_answers_the_same_whether_or_not_the_address_has_an_account():
    make_user(Role.NURSE, make_org(), username="known")
    client = Client()
    known = client.post(reverse("accounts:password-reset"), {"email": "known@example.org"})
    unknown = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["known@example.org"]]
    assert "/password-reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_forms_are_protected_against_cross_site_requests():
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post(reverse("accounts:login"), {"username": "a", "password": "b"}).status_code
        == 403
    )


# ---- Two-factor login required of staff who see patient records (production's default) ----


def test_two_factor_login_is_required_in_production_unless_turned_off(monkeypatch, tmp_path):
    import runpy

    monkeypatch.setenv("OSTEOREHAB_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "k" * 50)

    def required(**env: str) -> bool:
        for name in ("DEBUG", "TWO_FACTOR_REQUIRED"):
            monkeypatch.setenv(name, env.get(name, ""))
        return runpy.run_path(str(ROOT / "config" / "settings.py"))["TWO_FACTOR_REQUIRED"]

    assert required() is True  # production
    assert required(DEBUG="1") is False  # the demo of `make run`
    assert required(TWO_FACTOR_REQUIRED="0") is False
    assert required(DEBUG="1", TWO_FACTOR_REQUIRED="1") is True


def test_the_deployment_check_warns_when_two_factor_login_is_turned_off(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "k" * 30 + "-production-like-secret-" + "z" * 30,
        "ALLOWED_HOSTS": "rehab.example.org",
        "OSTEOREHAB_VAR_DIR": str(tmp_path),
        "TWO_FACTOR_REQUIRED": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "(osteorehab.W001) Clinicians and program leads log in without two-factor login" in (
        result.stderr
    )


def log_in(client: Client, user) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()


@pytest.mark.django_db
def test_a_clinician_without_an_authenticator_sets_one_up_before_anything_else(settings):
    settings.TWO_FACTOR_REQUIRED = True
    team = make_team(make_org())
    nurse, patient = member(team, Role.NURSE), make_patient(team)
    client = Client()
    log_in(client, nurse)
    setup = reverse("accounts:two-factor")
    for url in (
        reverse("core:home"),
        reverse("patients:caseload"),
        reverse("patients:record", args=[patient.pk]),
        reverse("api:patient-list"),
        reverse("fhir:read", args=["Patient", patient.pk]),
    ):
        assert client.get(url)["Location"] == setup, url
    assert client.post(reverse("patients:fracture-new", args=[patient.pk]))["Location"] == setup
    page = client.get(setup)
    assert "Staff who see patient records must use two-factor login." in page.content.decode()
    assert not AuditEvent.objects.filter(patient=patient).exists()  # nothing was read
    device = TOTPDevice.objects.get(user=nurse, confirmed=False)
    client.post(setup, {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(reverse("patients:caseload")).status_code == 200


@pytest.mark.django_db
def test_program_leads_are_asked_too_but_patients_and_caregivers_are_not(settings):
    settings.TWO_FACTOR_REQUIRED = True
    team = make_team(make_org())
    patient = make_patient(team, login=True)
    lead = make_user(Role.LEAD, team.site.organisation)
    caregiver = make_caregiver(patient, parts=list(Part))
    for user, url, answer in (
        (lead, reverse("patients:caseload"), reverse("accounts:two-factor")),
        (login_of(patient), reverse("patients:me"), None),
        (caregiver, reverse("patients:family"), None),
    ):
        client = Client()
        log_in(client, user)
        response = client.get(url)
        assert response.get("Location") == answer, user.role
        assert response.status_code == (302 if answer else 200)


@pytest.mark.django_db
def test_a_session_from_before_the_requirement_logs_in_again_with_the_code(settings):
    """A clinician with an authenticator whose session never proved a code (opened while the
    requirement was off) is logged out and asked to log in, code included."""
    team = make_team(make_org())
    nurse = member(team, Role.NURSE)
    TOTPDevice.objects.create(user=nurse, name="phone", confirmed=True)
    client = Client()
    client.force_login(nurse)
    settings.TWO_FACTOR_REQUIRED = True
    response = client.get(reverse("patients:caseload"))
    assert response["Location"] == f"{reverse('accounts:login')}?next=/caseload/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_with_the_requirement_off_clinicians_log_in_with_a_password_and_admins_still_not(settings):
    settings.TWO_FACTOR_REQUIRED = False  # the DEBUG demo's default
    org = make_org()
    team = make_team(org)
    client = Client()
    log_in(client, member(team, Role.PHYSICIAN))
    assert client.get(reverse("patients:caseload")).status_code == 200
    admin = Client()
    log_in(admin, make_user(Role.ADMIN, org, is_staff=True, is_superuser=True))
    assert admin.get(reverse("audit:search"))["Location"] == reverse("accounts:two-factor")


# ---- Sessions: idle expiry, logout, password change ----


@pytest.mark.django_db
def test_an_idle_session_ends_after_an_hour_and_a_session_in_use_does_not(time_machine):
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)
    nurse = member(make_team(make_org()), Role.NURSE)
    caseload = reverse("patients:caseload")
    client = Client()
    log_in(client, nurse)
    for _ in range(4):  # every 50 minutes for over three hours: still logged in
        time_machine.shift(50 * 60)
        assert client.get(caseload).status_code == 200
    time_machine.shift(61 * 60)  # an hour and a minute without a request
    expire_cached_session(client)
    response = client.get(caseload)
    assert response["Location"] == f"{reverse('accounts:login')}?next={caseload}"


def session_cookie(client: Client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def with_cookie(value: str) -> Client:
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = value
    return client


@pytest.mark.django_db
def test_logging_out_ends_the_session_on_the_server_not_only_in_the_browser():
    nurse = member(make_team(make_org()), Role.NURSE)
    client = Client()
    log_in(client, nurse)
    old = session_cookie(client)
    assert with_cookie(old).get(reverse("patients:caseload")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert with_cookie(old).get(reverse("patients:caseload")).status_code == 302


@pytest.mark.django_db
def test_a_password_change_ends_every_other_session_and_the_old_cookie():
    nurse = member(make_team(make_org()), Role.NURSE)
    changing, elsewhere = Client(), Client(HTTP_USER_AGENT="the ward's computer")
    log_in(changing, nurse)
    log_in(elsewhere, nurse)
    old = session_cookie(changing)
    response = changing.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-77",
            "new_password2": "a-new-long-passphrase-77",
        },
    )
    assert response["Location"] == reverse("accounts:password-changed")
    caseload = reverse("patients:caseload")
    assert changing.get(caseload).status_code == 200  # the session that changed it goes on
    assert session_cookie(changing) != old
    assert with_cookie(old).get(caseload).status_code == 302
    assert elsewhere.get(caseload).status_code == 302


@pytest.mark.django_db
def test_a_password_reset_ends_every_session_of_the_account():
    nurse = member(make_team(make_org()), Role.NURSE)
    logged_in = Client()
    log_in(logged_in, nurse)
    Client().post(reverse("accounts:password-reset"), {"email": nurse.email})
    link = next(w for w in mail.outbox[0].body.split() if "/password-reset/" in w)
    resetting = Client()
    form = resetting.get(link, follow=True)
    resetting.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase-77", "new_password2": "a-new-long-passphrase-77"},
    )
    assert logged_in.get(reverse("patients:caseload")).status_code == 302
