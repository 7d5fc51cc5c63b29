"""Deployment settings, password hashing, lockout, two-factor login and security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from config import settings as project_settings
from osteorehab.accounts.domain import Role
from osteorehab.core.middleware import CONTENT_SECURITY_POLICY
from tests.factories import PASSWORD, client_for, make_org, make_user

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
