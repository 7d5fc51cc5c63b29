"""The rehabilitation log in headless Chromium on a phone: the demo patient logs today's session
one exercise at a time, checks in, and reports a fall with an injury, which the nurse sees at
once among her alerts; answers sent without a connection are kept on the phone and stored once
when it is back; and the session works without JavaScript."""

import re
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from osteorehab.alerts.models import Alert
from osteorehab.logbook.models import CheckIn, ExerciseLog, FallReport
from osteorehab.logbook.selectors import TodaySession, feedback, today_session
from osteorehab.logbook.services import exercise_log_record
from osteorehab.patients.demo import DemoProgram
from osteorehab.patients.models import Patient
from tests.factories import login_of

from .conftest import DESKTOP, PHONE, Browsing
from .test_flows import log_in

pytestmark = pytest.mark.browser

OUTBOX = "osteorehab.outbox"


def demo_patient(demo: DemoProgram) -> Patient:
    return Patient.objects.get(user__username=demo.patient_login)


def session_of(patient: Patient) -> TodaySession:
    """Today's session as the live server sees it (the demo patient's plan has exercises every
    day of the week)."""
    session = today_session(patient, timezone.localdate(), "en")
    assert session.steps, "the demo plan has exercises on every day"
    return session


def question(page: Page, legend: str):
    """The answers of one question, by the start of its wording."""
    return page.locator("fieldset").filter(
        has=page.locator("legend", has_text=re.compile("^" + re.escape(legend)))
    )


def check_in(page: Page) -> None:
    question(page, "How do you feel today?").get_by_role("radio", name="Good", exact=True).check()
    question(page, "How sure are you").get_by_role("radio", name="7", exact=True).check()
    question(page, "How tired are you?").get_by_role("radio", name="3", exact=True).check()
    question(page, "How did you sleep").get_by_role("radio", name="Well", exact=True).check()
    question(page, "How much pain do you have").get_by_role("radio", name="2", exact=True).check()
    question(page, "Do you have back pain that is new?").get_by_role(
        "radio", name="No", exact=True
    ).check()
    question(page, "Have you fallen").get_by_role("radio", name="None", exact=True).check()
    question(page, "Have you nearly fallen").get_by_role("radio", name="None", exact=True).check()


def big_enough(page: Page, selector: str) -> None:
    """Every target at least 48 px tall (and the type at least 18 px)."""
    targets = page.locator(selector)
    expect(targets.first).to_be_visible()  # waits for the page, where counting would not
    for target in targets.all():
        box = target.bounding_box()
        assert box is not None
        assert box["height"] >= 48, f"{selector}: {target.inner_text()!r} is {box['height']} px"
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18


def test_patient_logs_the_session_checks_in_reports_a_fall_and_the_nurse_is_alerted(
    demo: DemoProgram, browsing: Browsing
):
    patient = demo_patient(demo)
    session = session_of(patient)
    due = len(session.steps)
    page = browsing.page(PHONE)
    log_in(browsing, page, demo.patient_login)
    page.get_by_role("link", name="Today's session").click()
    expect(page).to_have_url(f"{browsing.base_url}/me/today/")
    expect(page.locator("ol.steps > li")).to_have_count(due + 1 + len(session.lessons))
    browsing.shot(page, "today")
    page.get_by_role("link", name="Start", exact=True).click()

    for number, step in enumerate(session.steps, start=1):
        expect(page.locator(".progress")).to_have_text(f"Exercise {number} of {due}")
        expect(page.get_by_role("heading", level=1)).to_have_text(step.name)
        if step.timer_seconds:
            timer = page.locator("section.timer")
            expect(timer).to_be_visible()
            expect(timer.locator(".timer-display")).to_have_text(
                f"{step.timer_seconds // 60}:{step.timer_seconds % 60:02d}"
            )
            timer.get_by_role("button", name="Start").click()
            expect(timer.get_by_role("button", name="Stop")).to_be_visible()
            timer.get_by_role("button", name="Stop").click()
            expect(timer.get_by_role("button", name="Start")).to_be_visible()
        big_enough(page, "main ul.big-links .button")
        if number == 2:
            page.get_by_role("link", name="Skipped", exact=True).click()
            page.get_by_role("radio", name="Too tired", exact=True).check()
        else:
            page.get_by_role("link", name="Done", exact=True).click()
            question(page, "How hard was it?").get_by_role("radio", name="4", exact=True).check()
            question(page, "How much pain did you have?").get_by_role(
                "radio", name="1", exact=True
            ).check()
            if number == 1:
                browsing.shot(page, "exercise-log")
                big_enough(page, "fieldset.scale label")
        page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(f"{browsing.base_url}/me/today/practice/")
    expect(page.get_by_role("heading", level=1)).to_have_text(session.practice.title_en)
    # today's entries (the demo's three weeks of history are of earlier days)
    today = timezone.localdate()
    logged = list(ExerciseLog.objects.filter(patient=patient, day=today).order_by("id"))
    assert [log.exercise for log in logged] == [step.code for step in session.steps]
    assert [log.completion for log in logged] == [
        "skipped" if n == 2 else "done" for n in range(1, due + 1)
    ]
    assert {(log.effort, log.pain) for log in logged if log.completion == "done"} == {(4, 1)}
    assert logged[1].skip_reason == "fatigue" if due > 1 else True

    # The daily check-in, from the home page.
    page.goto("/me/")
    page.get_by_role("link", name="How I feel today").click()
    expect(page).to_have_url(f"{browsing.base_url}/me/check-in/")
    big_enough(page, "fieldset.question label")
    check_in(page)
    browsing.shot(page, "check-in")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/check-in/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    entry = CheckIn.objects.get(patient=patient, day=timezone.localdate())
    assert (entry.mood, entry.confidence, entry.fatigue, entry.sleep, entry.pain) == (
        4,
        7,
        3,
        "good",
        2,
    )

    # A fall with an injury, one question per screen.
    page.goto("/me/")
    page.get_by_role("link", name="I had a fall").click()
    for answer in ("Today", "At home, inside", "Yes"):
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Next").click()
    page.get_by_label(re.compile("^What was hurt")).fill("My right wrist")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("radio", name="Yes", exact=True).check()  # could get up
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".progress")).to_have_text("Question 6 of 6")
    page.get_by_role("radio", name="No", exact=True).check()  # no doctor yet
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(re.compile(r"/me/falls/\d+/$"))
    expect(page.get_by_role("alert")).to_contain_text(
        "If you are hurt or cannot get up, call your local emergency number now."
    )
    expect(page.get_by_role("alert")).to_contain_text("Your care team has been told")
    browsing.shot(page, "fall-done")
    fall = FallReport.objects.get(patient=patient)
    assert (fall.injury, fall.injury_what, fall.could_get_up, fall.saw_doctor) == (
        True,
        "My right wrist",
        True,
        False,
    )

    # The nurse sees the alert at once.
    nurse = browsing.page(DESKTOP)
    log_in(browsing, nurse, "nurse")
    nurse.goto("/alerts/")
    alert = nurse.locator("ul.alerts > li").filter(has_text="Fall with injury")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text(patient.name)
    assert Alert.objects.get(patient=patient).kind == "fall_injury"
    assert browsing.errors == []


def test_a_check_in_sent_without_a_connection_is_kept_and_stored_once_when_back(
    demo: DemoProgram, browsing: Browsing
):
    patient = demo_patient(demo)
    page = browsing.page(PHONE)
    log_in(browsing, page, demo.patient_login)
    page.goto("/me/check-in/")
    check_in(page)
    page.context.set_offline(True)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#outbox")).to_contain_text(
        "There is no connection. Your answers are kept on this phone"
    )
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('{OUTBOX}'))")
    assert len(kept) == 1
    key = dict(kept[0]["fields"])["client_key"]
    assert not CheckIn.objects.filter(patient=patient, day=timezone.localdate()).exists()
    # The same answers kept twice (a second tap, another tab): the key makes them one entry.
    page.evaluate(
        """key => {
          const list = JSON.parse(localStorage.getItem(key));
          list.push({...list[0], id: list[0].id + "-again"});
          localStorage.setItem(key, JSON.stringify(list));
        }""",
        OUTBOX,
    )
    page.context.set_offline(False)
    # sent by itself; the page kept from goes on to the check-in's own page
    expect(page).to_have_url(re.compile(r"/me/check-in/\d+/$"))
    page.wait_for_function("key => localStorage.getItem(key) === null", arg=OUTBOX)
    expect(page.locator("#outbox")).to_contain_text("have been sent")
    entry = CheckIn.objects.get(patient=patient, day=timezone.localdate())
    assert str(entry.client_key) == key
    assert (entry.mood, entry.pain) == (4, 2)
    offline = [e for e in browsing.errors if "ERR_INTERNET_DISCONNECTED" not in e]
    assert offline == []


def test_the_session_works_without_javascript(demo: DemoProgram, browsing: Browsing):
    patient = demo_patient(demo)
    step = next(
        (s for s in session_of(patient).steps if s.timer_seconds), session_of(patient).steps[0]
    )
    page = browsing.page(PHONE, javascript=False)
    log_in(browsing, page, demo.patient_login)
    page.goto(f"/me/today/exercises/{step.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(step.name)
    expect(page.locator(".dose")).to_be_visible()  # the dose in words says how long
    expect(page.locator("section.timer")).to_have_count(1 if step.timer_seconds else 0)
    expect(page.locator("section.timer")).to_be_hidden()
    page.get_by_role("link", name="Partly", exact=True).click()
    question(page, "How hard was it?").get_by_role("radio", name="6", exact=True).check()
    question(page, "How much pain did you have?").get_by_role("radio", name="2", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/log/"))
    log = ExerciseLog.objects.get(patient=patient, day=timezone.localdate())
    assert (log.exercise, log.completion, log.effort, log.pain) == (step.code, "partly", 6, 2)
    assert browsing.errors == []


def test_patient_sees_the_weekly_summary_and_the_caregiver_the_same_week(
    demo: DemoProgram, browsing: Browsing
):
    patient = demo_patient(demo)
    today, me = timezone.localdate(), login_of(patient)
    for step in session_of(patient).steps:  # today's session, done (the demo's log is older)
        exercise_log_record(
            patient=patient,
            by=me,
            client_key=uuid.uuid4(),
            day=today,
            exercise=step.code,
            plan_version=1,
            completion="done",
            effort=4,
            pain=0,
        )
    found = feedback(patient, today)
    sessions = found.week.sessions
    assert found.streak.days >= 1
    assert found.gains, "the demo patient's checks show gains"
    page = browsing.page(PHONE)
    log_in(browsing, page, demo.patient_login)
    page.get_by_role("link", name="See my week").click()
    expect(page).to_have_url(f"{browsing.base_url}/me/week/")
    expect(page.locator(".big-figure").first).to_have_text(
        f"Sessions: {sessions.done + sessions.partly} of {sessions.planned} planned"
    )
    expect(page.locator(".big-figure").nth(1)).to_have_text(
        f"{found.streak.days} day{'s' if found.streak.days > 1 else ''} of exercise in a row"
    )
    expect(page.locator(".gain")).to_have_count(len(found.gains))
    expect(page.locator(".gain").first).to_contain_text(str(found.gains[0].sentences[0]))
    big_enough(page, "main a.button")
    browsing.shot(page, "my-week")

    family = browsing.page(PHONE)
    log_in(browsing, family, demo.caregiver_login)
    family.goto(f"/family/{patient.pk}/")
    expect(family.locator("#week-summary-h")).to_have_text("This week so far")
    expect(family.locator(".big-figure").first).to_have_text(
        f"Sessions: {sessions.done + sessions.partly} of {sessions.planned} planned"
    )
