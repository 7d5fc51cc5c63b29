"""A family member joins with a code, sees only what the patient shares, and loses access the
moment the patient withdraws consent: both on phones, in headless Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from osteorehab.patients.demo import DemoProgram
from osteorehab.patients.models import Patient

from .conftest import PHONE, Browsing
from .test_flows import log_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-passphrase-9"


def assert_phone_sized(page: Page) -> None:
    """Large type and large targets on the family's pages."""
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    for button in page.locator("main .button, main button").all():
        box = button.bounding_box()
        assert box is not None
        assert box["height"] >= 48, button.inner_text()


def test_patient_invites_caregiver_joins_with_code_then_loses_access_on_withdrawal(
    demo: DemoProgram, browsing: Browsing
):
    patient = Patient.objects.get(user__username=demo.patient_login)
    me = browsing.page(PHONE)
    log_in(browsing, me, demo.patient_login)
    me.get_by_role("link", name="Family and sharing").click()
    me.get_by_role("link", name="Invite a family member").click()
    me.get_by_label("Full name").fill("Li Ming")
    me.get_by_label("Relationship").fill("Son")
    me.get_by_label("Exercise and support plan").check()  # the plan only: not progress
    me.get_by_label("Be told at once of an urgent alert about me").check()
    me.get_by_role("button", name="Invite").click()
    expect(me.get_by_role("heading", level=1)).to_have_text("Invitation ready")
    code = me.locator("#join-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    browsing.shot(me, "invitation-ready")

    family = browsing.page(PHONE)
    family.goto("/family/join/")
    assert_phone_sized(family)
    family.get_by_label("Joining code").fill(code.lower().replace("-", " "))
    family.get_by_label("User name").fill("liming")
    family.get_by_label(re.compile(r"^Password:?$")).fill(NEW_PASSWORD)
    family.get_by_label("Password again").fill(NEW_PASSWORD)
    family.get_by_role("button", name="Create my login").click()
    expect(family).to_have_url(re.compile(r"/login/"))
    family.get_by_label("Username").fill("liming")
    family.get_by_label("Password").fill(NEW_PASSWORD)
    family.get_by_role("button", name="Log in").click()
    expect(family).to_have_url(f"{browsing.base_url}/family/")

    family.get_by_role("link", name=f"What {patient.name} is doing this week").click()
    expect(family).to_have_url(f"{browsing.base_url}/family/{patient.pk}/")
    expect(family.get_by_role("heading", name="This week's exercises")).to_be_visible()
    expect(family.locator("#shared-h + ul li")).to_have_text(["Exercise and support plan"])
    expect(family.get_by_role("link", name="Their goals")).to_have_count(0)
    assert_phone_sized(family)
    browsing.shot(family, "person")
    goals = family.goto(f"/family/{patient.pk}/goals/")
    assert goals is not None
    assert goals.status == 403

    me.goto(f"/patients/{patient.pk}/#family")
    me.get_by_role("link", name="Stop all family sharing").click()
    expect(me.get_by_role("heading", level=1)).to_have_text("Stop all family sharing?")
    assert_phone_sized(me)
    me.get_by_role("button", name="Stop all family sharing").click()
    expect(me.locator(".messages")).to_contain_text("Family sharing has stopped.")

    person = family.goto(f"/family/{patient.pk}/")
    assert person is not None
    assert person.status == 404
    assert patient.name not in family.locator("main").inner_text()
    family.goto("/family/")
    expect(family.locator("main")).to_contain_text(
        "Nobody is sharing their rehabilitation with you at the moment."
    )
    # The browser reports the refused pages' statuses itself; nothing else may go wrong.
    refused = [f"/family/{patient.pk}/goals/", f"/family/{patient.pk}/"]
    assert [
        e
        for e in browsing.errors
        if not any(url in e for url in refused) or "status of 40" not in e
    ] == []
