"""The program's own example in headless Chromium: the demo's anxious, fatigued patient gets the
two proposals the program describes; the counsellor accepts more cognitive sessions, the
therapist changes the lower-intensity proposal before applying it, and the plan's version goes
up with each."""

import pytest
from playwright.sync_api import expect

from osteorehab.patients.demo import DemoProgram
from osteorehab.patients.models import Patient
from osteorehab.plans.models import PlanVersion
from osteorehab.psychology.models import ModuleFrequency

from .conftest import DESKTOP, Browsing
from .test_flows import log_in

pytestmark = pytest.mark.browser


def test_the_counsellor_accepts_one_proposal_and_the_therapist_modifies_the_other(
    demo: DemoProgram, browsing: Browsing
):
    anxious = Patient.objects.get(organisation=demo.organisation, proposals__rule="anxiety")
    assert sorted(anxious.proposals.values_list("rule", flat=True)) == ["anxiety", "fatigue"]
    versions = PlanVersion.objects.filter(plan__patient=anxious)
    assert versions.count() == 1

    page = browsing.page(DESKTOP)
    log_in(browsing, page, "counsellor")
    page.get_by_role("link", name="Proposals", exact=True).click()
    card = page.locator("article").filter(has_text=anxious.name)
    expect(card).to_have_count(1)  # the fatigue proposal is the therapist's
    expect(card).to_contain_text("Anxiety rising markedly")
    expect(card).to_contain_text("6 on")  # the data that fired it: GAD-7 6, then 12
    expect(card).to_contain_text("12 on")
    expect(card).to_contain_text("Cognitive restructuring of fear of movement")
    browsing.shot(page, "queue")
    card.get_by_label("Note (optional)").fill("Agreed with her today")
    card.get_by_role("button", name="Accept").click()
    expect(page.locator(".messages")).to_contain_text("Proposal accepted.")
    assert ModuleFrequency.objects.get(patient=anxious).module == "cognitive_restructuring"
    assert versions.count() == 2

    page = browsing.page(DESKTOP)
    log_in(browsing, page, "therapist")
    page.goto(f"/patients/{anxious.pk}/plan/")
    card = page.locator("article").filter(has_text="Marked exercise fatigue")
    expect(card).to_contain_text("effort above 8 of 10")
    browsing.shot(page, "plan-proposal")
    card.get_by_role("link", name="Change, then apply").click()
    page.get_by_label("Minutes").fill("8")
    page.get_by_label("Why you change it").fill("Shorter bouts while she is this tired")
    page.get_by_role("button", name="Apply with my changes").click()
    expect(page.locator(".messages")).to_contain_text("Proposal accepted with your changes.")
    expect(page.locator("article").filter(has_text="Accepted with changes")).to_have_count(1)
    assert versions.count() == 3
    latest = versions.order_by("-number").first()
    assert latest is not None
    assert any(item["dose"].get("minutes") == 8 for item in latest.content["items"])
    page.goto(f"/patients/{anxious.pk}/plan/")
    expect(page.locator(".status")).to_contain_text("Version 3")
    assert browsing.errors == []
