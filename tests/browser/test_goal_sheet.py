"""The goal sheet in headless Chromium on a phone: the demo patient opens My goals from home,
rates a goal, then does the chair-stand test with its practice run and reads the result."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from osteorehab.assessments.models import Assessment
from osteorehab.patients.demo import DemoProgram
from osteorehab.patients.models import Patient, Sex
from osteorehab.plans.models import GoalRating, RatedAs

from .conftest import PHONE, Browsing
from .test_flows import log_in

pytestmark = pytest.mark.browser


def a_woman_of_72(demo: DemoProgram) -> Patient:
    """The demo patient, made a woman of 72 so that the chair-stand norm (10) does not depend on
    the demo's random ages."""
    patient = Patient.objects.get(user__username=demo.patient_login)
    born = timezone.localdate() - timedelta(days=round(72.5 * 365.25))
    Patient.objects.filter(pk=patient.pk).update(sex=Sex.FEMALE, date_of_birth=born)
    patient.refresh_from_db()
    assert patient.age == 72
    return patient


def run_the_timer(page: Page) -> None:
    """Start the timer, shortened to a second with no "get ready" (the page reads its lengths
    when Start is pressed), and wait for the end."""
    timer = page.locator("[data-chair-timer]")
    expect(timer).to_be_visible()
    expect(page.get_by_text("Use a clock or a watch")).to_be_hidden()  # the script runs
    expect(timer.locator(".timer-display")).to_have_text("30")
    timer.evaluate("box => { box.dataset.seconds = '1'; box.dataset.ready = '0'; }")
    timer.get_by_role("button", name="Start").click()
    expect(timer.get_by_role("status")).to_have_text("Stop. Time is up.")
    expect(timer.get_by_role("button", name="Start")).to_be_visible()


def test_the_patient_rates_a_goal_and_does_the_chair_stand_test(
    demo: DemoProgram, browsing: Browsing
):
    patient = a_woman_of_72(demo)
    goal = patient.goals.get(statement="Walk to the market without fear")
    chair_stands_before = set(
        Assessment.objects.filter(patient=patient, instrument="chair_stand_30s").values_list(
            "pk", flat=True
        )
    )
    page = browsing.page(PHONE)
    log_in(browsing, page, demo.patient_login)

    page.goto("/me/")
    page.get_by_role("link", name="My goals and self-checks", exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/goals/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My goals and self-checks")
    card = page.locator("section.goal").filter(
        has=page.get_by_role("heading", name="“Walk to the market without fear”")
    )
    # rated 0 at the demo's first review: "you are here" on the goal's own level 0
    expect(card.locator(".ladder li.current")).to_contain_text("You are here")
    expect(card.locator(".ladder li.current")).to_contain_text("Walks to the market with a stick")
    browsing.shot(page, "goal-sheet")

    card.get_by_role("link", name="How am I doing?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How am I doing?")
    expect(page.get_by_role("radio")).to_have_count(5)
    page.get_by_role("radio", name="Walks to the market and back without resting").check()
    browsing.shot(page, "rate")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/me/goals/$"))
    expect(page.locator(".messages")).to_contain_text("Your answer has been sent to your care team")
    expect(card.locator(".ladder li.current")).to_contain_text(
        "Walks to the market and back without resting"
    )
    rating = GoalRating.objects.filter(goal=goal).first()
    assert rating is not None
    assert (rating.level, rating.rated_as, rating.rated_by_id) == (
        1,
        RatedAs.PATIENT,
        patient.user_id,
    )

    # The chair-stand test, from the same page.
    page.get_by_role("link", name="Do the chair-stand test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The chair-stand test")
    expect(page.get_by_text("A sturdy chair without arms")).to_be_visible()
    page.get_by_role("link", name="Next: a practice run").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice run")
    run_the_timer(page)
    page.get_by_role("link", name="I am ready for the test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The test")
    run_the_timer(page)
    count = page.get_by_label("How many times did you stand up?")
    expect(count).to_be_focused()  # the end of the timer leads to the count
    count.fill("8")
    page.get_by_role("button", name="One fewer").click()  # - and + beside the box
    expect(count).to_have_value("7")
    browsing.shot(page, "test")
    page.get_by_role("button", name="See my result").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    expect(page.locator(".big-number")).to_have_text("7")
    expect(page.locator("main")).to_contain_text(
        "This is below the usual number for your age and sex: 10 or more."
    )
    browsing.shot(page, "result")
    stored = Assessment.objects.filter(patient=patient, instrument="chair_stand_30s").exclude(
        pk__in=chair_stands_before
    )
    assert [(a.answers, a.self_reported) for a in stored] == [
        ({"stands": 7, "age": 72, "sex": "female"}, True)
    ]
    assert browsing.errors == []


def test_without_javascript_the_test_asks_for_a_clock(demo: DemoProgram, browsing: Browsing):
    a_woman_of_72(demo)
    page = browsing.page(PHONE, javascript=False)
    log_in(browsing, page, demo.patient_login)
    page.goto("/me/chair-stand/test/")
    expect(page.get_by_text("Use a clock or a watch with a second hand")).to_be_visible()
    expect(page.locator("[data-chair-timer]")).to_be_hidden()
    page.get_by_label("How many times did you stand up?").fill("12")
    page.get_by_role("button", name="See my result").click()
    expect(page.locator(".big-number")).to_have_text("12")
    expect(page.locator("main")).not_to_contain_text("below")
