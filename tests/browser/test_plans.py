"""The plan in headless Chromium: the therapist drafts a plan for the demo patient with a
vertebral fracture, a contraindicated exercise is refused with the rule, the physician approves,
and the patient opens the PDF handout."""

import re

import pytest
from playwright.sync_api import expect

from osteorehab.assessments.services import impact_decide
from osteorehab.patients.demo import DemoProgram
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Patient
from osteorehab.plans.models import Exercise, PlanVersion

from .conftest import DESKTOP, PHONE, Browsing
from .test_flows import log_in

pytestmark = pytest.mark.browser


def waiting_for_a_plan(demo: DemoProgram) -> Patient:
    """The demo's patient just assessed, with a vertebral fracture, and no plan yet."""
    patient = Patient.objects.get(
        organisation=demo.organisation,
        episodes__status=EpisodeStatus.ASSESSMENT,
        fractures__site="vertebra",
    )
    assert not PlanVersion.objects.filter(plan__patient=patient).exists()
    return patient


def test_therapist_builds_a_safe_plan_the_physician_approves_and_the_patient_prints(
    demo: DemoProgram, browsing: Browsing
):
    patient = waiting_for_a_plan(demo)
    # the physician has decided: no more than brisk walking
    impact_decide(
        patient=patient,
        by=demo.staff["physician"],
        level="low",
        reason="Vertebral fracture",
        decided_on=patient.episodes.get().status_since,
    )
    page = browsing.page(DESKTOP)
    log_in(browsing, page, "therapist")
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Rehabilitation plan", exact=True).click()
    expect(page.get_by_text("No plan yet.")).to_be_visible()
    page.get_by_role("link", name="Draft the plan from the profile").click()
    for fact in ("Recent fracture", "Severe kyphosis", "Acute pain"):
        page.get_by_label(fact).select_option(label="No")
    page.get_by_label("Reason for the change").fill("Baseline plan")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".messages")).to_contain_text("Plan drafted from the profile.")
    expect(page.locator(".status")).to_contain_text("Waiting for the physician's approval.")
    week = page.locator("table.week tbody tr")
    expect(week.first).to_be_visible()
    assert week.count() >= 6
    browsing.shot(page, "plan")

    # A sit-up-type exercise is refused, naming the rule; nothing is saved.
    flexion = Exercise.objects.filter(spinal_flexion=True).order_by("code")[0]
    page.get_by_role("link", name="Add an exercise").click()
    page.get_by_label("Exercise:").select_option(value=str(flexion.pk))
    page.get_by_label("Mon").check()
    page.get_by_label("Reason for the change").fill("Core strength")
    page.get_by_role("button", name="Save the plan").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"{flexion.name_en} cannot be in this plan")
    expect(alert).to_contain_text("spine-sparing")
    assert PlanVersion.objects.filter(plan__patient=patient).count() == 1

    # The physician approves.
    page = browsing.page(DESKTOP)
    log_in(browsing, page, "physician")
    page.goto(f"/patients/{patient.pk}/plan/")
    page.get_by_role("button", name="Approve this version").click()
    expect(page.locator(".messages")).to_contain_text("Plan approved.")
    expect(page.locator(".status")).to_contain_text("Approved by")
    handout = page.get_by_role("link", name="Patient handout (PDF)")
    expect(handout).to_have_attribute("href", f"/patients/{patient.pk}/plan/handout.pdf")
    response = page.request.get(f"/patients/{patient.pk}/plan/handout.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    # the refused form answered 400, which the browser reports as an error; nothing else
    refused = "Failed to load resource: the server responded with a status of 400"
    assert [e for e in browsing.errors if refused not in e] == []


def test_the_demo_patient_opens_their_handout_on_a_phone(demo: DemoProgram, browsing: Browsing):
    patient = Patient.objects.get(user__username=demo.patient_login)
    page = browsing.page(PHONE)
    log_in(browsing, page, demo.patient_login)
    response = page.request.get(f"/patients/{patient.pk}/plan/handout.pdf")
    assert response.status == 200
    assert re.match(rb"%PDF-1\.\d", response.body())
