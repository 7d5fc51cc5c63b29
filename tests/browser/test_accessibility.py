"""WCAG 2.2 AA, checked by axe-core on every main page, as the user who sees that page.

axe-core's script comes from the axe-playwright-python package. It is given to the page with
`page.evaluate`, which the Content-Security-Policy (`script-src 'self'`) does not govern; an
injected <script> tag would be refused.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from osteorehab.assessments.models import Occasion
from osteorehab.assessments.services import assessment_record, draft_answer
from osteorehab.family.services import encouragement_send
from osteorehab.logbook.services import check_in_record, fall_report_record
from osteorehab.patients.demo import DemoProgram
from osteorehab.patients.models import Patient

from .conftest import DESKTOP, PHONE, Browsing
from .test_flows import log_in

pytestmark = pytest.mark.browser

# Every success criterion axe-core can test, from WCAG 2.0 A to WCAG 2.2 AA.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": WCAG_22_AA},
    "resultTypes": ["violations"],
}


@cache
def axe_script() -> str:
    """axe-core as the package bundles it (read, not imported: the package has no type hints)."""
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return list(results["violations"])


def selector(target: list[Any]) -> str:
    """axe's target: a CSS selector, or a list of them through shadow roots and frames."""
    return " >> ".join(part if isinstance(part, str) else " > ".join(part) for part in target)


def described(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} WCAG 2.2 AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            summary = " ".join(str(node.get("failureSummary") or "").split())
            lines.append(f"    {selector(node['target'])}: {summary}")
    return "\n".join(lines)


# ---- The pages: each opens one page as its user, on that user's usual screen. ----


def own_record(demo: DemoProgram) -> Patient:
    return Patient.objects.get(user__username=demo.patient_login)


def login_page(page: Page, demo: DemoProgram) -> None:
    page.goto("/login/")


def caseload(page: Page, demo: DemoProgram) -> None:
    page.goto("/caseload/")
    expect(page.locator("#results tbody tr").first).to_be_visible()


def patient_record(page: Page, demo: DemoProgram) -> None:
    # The demo patient's record is the fullest: program, medical, consent and family.
    page.goto(f"/patients/{own_record(demo).pk}/")
    expect(page.locator("#family")).to_be_visible()


def register_form(page: Page, demo: DemoProgram) -> None:
    page.goto("/patients/new/")


def register_form_with_errors(page: Page, demo: DemoProgram) -> None:
    page.goto("/patients/new/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".errors")).to_be_visible()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()


def audit_trail(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/")  # something to see in the trail
    page.goto("/audit/")
    expect(page.locator("table.list tbody tr").first).to_be_visible()


def patient_home(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/")


def family_home(page: Page, demo: DemoProgram) -> None:
    page.goto("/family/")
    expect(page.locator("main ul.big-links a")).to_have_count(1)


def invite_form(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/family/new/")


def caseload_in_chinese(page: Page, demo: DemoProgram) -> None:
    page.goto("/caseload/")
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#results tbody tr").first).to_be_visible()


PHQ9_ITEM9_POSITIVE = [1, 2, 1, 0, 0, 1, 0, 0, 1]


def assessment_list(page: Page, demo: DemoProgram) -> None:
    patient = own_record(demo)  # the demo's baseline and bi-weekly check-ups
    page.goto(f"/patients/{patient.pk}/assessments/")
    expect(page.locator("table.list tbody tr")).to_have_count(patient.assessments.count())


def phq9_form(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/assessments/new/phq9/?occasion=baseline")
    expect(page.get_by_role("radio")).to_have_count(9 * 5)  # "Not answered" and 0-3


def baseline_profile(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/profile/")
    expect(page.locator("ul.constraints > li").first).to_be_visible()


def questionnaires(page: Page, demo: DemoProgram) -> None:
    draft_answer(patient=own_record(demo), code="phq9", item="q1", answer=1)  # one to continue
    page.goto("/me/questionnaires/")
    expect(page.locator("main ul.big-links a").first).to_be_visible()


def question(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/questionnaires/phq9/")
    expect(page.get_by_role("radio")).to_have_count(4)


def crisis(page: Page, demo: DemoProgram) -> None:
    """Every PHQ-9 answer given but the last screen's: that screen's "Next" ends it."""
    for number, value in enumerate(PHQ9_ITEM9_POSITIVE, start=1):
        if number < len(PHQ9_ITEM9_POSITIVE):
            draft_answer(patient=own_record(demo), code="phq9", item=f"q{number}", answer=value)
    page.goto("/me/questionnaires/phq9/")
    page.get_by_role("radio", name="1 — Several days").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_be_visible()


def alerts(page: Page, demo: DemoProgram) -> None:
    assessment_record(
        patient=own_record(demo),
        by=demo.staff["counsellor"],
        code="phq9",
        answers={"items": PHQ9_ITEM9_POSITIVE},
        administered_on=timezone.localdate(),
        occasion=Occasion.BASELINE,
    )
    page.goto("/alerts/")
    expect(page.locator("ul.alerts > li")).to_have_count(1)


def anxious_record(demo: DemoProgram) -> Patient:
    return Patient.objects.get(organisation=demo.organisation, proposals__rule="anxiety")


def proposals_queue(page: Page, demo: DemoProgram) -> None:
    page.goto("/proposals/")
    expect(page.locator("main article").first).to_be_visible()


def proposals_of_patient(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{anxious_record(demo).pk}/proposals/")
    expect(page.locator("main article")).to_have_count(2)


def proposal_modify(page: Page, demo: DemoProgram) -> None:
    proposal = anxious_record(demo).proposals.get(rule="fatigue")
    page.goto(f"/patients/{proposal.patient_id}/proposals/{proposal.pk}/modify/")
    expect(page.get_by_label("Why you change it")).to_be_visible()


def plan(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/plan/")
    expect(page.locator("table.week tbody tr").first).to_be_visible()


def plan_add(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/plan/add/")
    expect(page.get_by_role("checkbox")).to_have_count(7)


def goals(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/goals/")
    expect(page.locator("section.card")).to_have_count(2)


def psychology(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/psychology/")


def today(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/today/")
    expect(page.locator("ol.steps > li").first).to_be_visible()


def exercise(page: Page, demo: DemoProgram) -> None:
    today(page, demo)
    page.get_by_role("link", name="Start", exact=True).click()
    expect(page.locator(".progress")).to_contain_text("Exercise 1 of")


def exercise_log(page: Page, demo: DemoProgram) -> None:
    exercise(page, demo)
    page.get_by_role("link", name="Done", exact=True).click()
    expect(page.get_by_role("radio")).to_have_count(2 * 11)  # effort and pain, 0-10


def exercise_log_with_errors(page: Page, demo: DemoProgram) -> None:
    exercise_log(page, demo)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errors")).to_be_visible()


def practice(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/today/practice/")


def my_week(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/week/")
    expect(page.locator(".gain").first).to_be_visible()


def check_in(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/check-in/")
    # mood 5, confidence, tiredness and pain 11 each, sleep 3, new back pain 2, falls 3 and 3
    expect(page.get_by_role("radio")).to_have_count(5 + 3 * 11 + 3 + 2 + 3 + 3)


def fall_report(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/falls/new/")
    expect(page.get_by_role("radio")).to_have_count(3)


def fall_done(page: Page, demo: DemoProgram) -> None:
    patient_record_ = own_record(demo)
    fall = fall_report_record(
        patient=patient_record_,
        by=patient_record_.user,  # type: ignore[arg-type]
        client_key=uuid.uuid4(),
        happened_on=timezone.localdate(),
        place="home_inside",
        injury=True,
        could_get_up=False,
        saw_doctor=False,
    )
    page.goto(f"/me/falls/{fall.pk}/")
    expect(page.get_by_role("alert")).to_be_visible()


def log_overview(page: Page, demo: DemoProgram) -> None:
    patient_record_ = own_record(demo)
    check_in_record(
        patient=patient_record_,
        by=demo.staff["nurse"],
        via="phone",
        client_key=uuid.uuid4(),
        day=timezone.localdate(),
        mood=2,
        confidence=4,
        fatigue=6,
        sleep="poor",
        pain=8,
        back_pain_new=True,
        falls=1,
        near_falls=2,
    )
    page.goto(f"/patients/{patient_record_.pk}/log/")
    expect(page.locator("table.list tbody tr").first).to_be_visible()


def log_enter_fall(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/log/falls/new/")


def family_person(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/family/{own_record(demo).pk}/")
    expect(page.locator("#week-h")).to_be_visible()


def family_goals(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/family/{own_record(demo).pk}/goals/")
    expect(page.locator("section.card").first).to_be_visible()


def family_guide(page: Page, demo: DemoProgram) -> None:
    page.goto("/family/guide/")
    expect(page.locator("#fall-h")).to_be_visible()


def family_join(page: Page, demo: DemoProgram) -> None:
    page.goto("/family/join/")


def family_join_with_errors(page: Page, demo: DemoProgram) -> None:
    page.goto("/family/join/")
    page.get_by_label("Joining code").fill("ZZZZ-ZZZZ")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".errors")).to_be_visible()


def family_encourage(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/family/{own_record(demo).pk}/encourage/")


def family_sharing(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/family/sharing/")


def invitation_ready(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/family/new/")
    page.get_by_label("Full name").fill("Li Ming")
    page.get_by_label("Relationship").fill("Son")
    page.get_by_label("Exercise and support plan").check()
    page.get_by_role("button", name="Invite").click()
    expect(page.locator("#join-code")).to_be_visible()


def encouragement_on_home(page: Page, demo: DemoProgram) -> None:
    encouragement_send(patient=own_record(demo), by=demo.staff["nurse"], text="Well done!")
    page.goto("/me/")
    expect(page.locator("#encouragement-h")).to_be_visible()


def encouragement_list(page: Page, demo: DemoProgram) -> None:
    encouragement_send(patient=own_record(demo), by=demo.staff["nurse"], text="Well done!")
    page.goto("/me/encouragement/")
    expect(page.locator("main li.card")).to_have_count(1)


def my_goals(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/goals/")
    expect(page.locator("section.goal")).to_have_count(2)


def my_goal_rate(page: Page, demo: DemoProgram) -> None:
    my_goals(page, demo)
    page.get_by_role("link", name="How am I doing?").first.click()
    expect(page.get_by_role("radio")).to_have_count(5)


def my_goal_rate_with_errors(page: Page, demo: DemoProgram) -> None:
    my_goal_rate(page, demo)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errors")).to_be_visible()


def chair_stand(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/chair-stand/")


def chair_stand_practice(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/chair-stand/practice/")
    expect(page.locator("[data-chair-timer]")).to_be_visible()


def chair_stand_test(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/chair-stand/test/")
    expect(page.get_by_role("button", name="One more")).to_be_visible()


def chair_stand_test_with_errors(page: Page, demo: DemoProgram) -> None:
    chair_stand_test(page, demo)
    page.get_by_label("How many times did you stand up?").fill("31")
    page.get_by_role("button", name="See my result").click()
    expect(page.locator(".errorlist")).to_be_visible()


def chair_stand_result(page: Page, demo: DemoProgram) -> None:
    chair_stand_test(page, demo)
    page.get_by_label("How many times did you stand up?").fill("7")
    page.get_by_role("button", name="See my result").click()
    expect(page.locator(".big-number")).to_have_text("7")


def meeting(page: Page, demo: DemoProgram) -> None:
    """The demo's case meeting: the agenda, and the first patient's trend charts."""
    page.goto("/meetings/")
    page.locator("table.list tbody a").first.click()
    expect(page.locator("svg.chart").first).to_be_visible()


def my_work(page: Page, demo: DemoProgram) -> None:
    page.goto("/work/")
    expect(page.locator("#waiting-h")).to_be_visible()


def follow_ups_due(page: Page, demo: DemoProgram) -> None:
    page.goto("/followup/")
    expect(page.locator("table.list tbody tr").first).to_be_visible()


def schedule(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/schedule/")
    expect(page.locator("#add-h")).to_be_visible()


def my_check_ups(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/schedule/")
    expect(page.locator("#coming-h")).to_be_visible()


def my_progress(page: Page, demo: DemoProgram) -> None:
    page.goto("/me/progress/")
    expect(page.locator("svg.chart").first).to_be_visible()


def family_progress(page: Page, demo: DemoProgram) -> None:
    page.goto(f"/patients/{own_record(demo).pk}/progress/")
    expect(page.locator("svg.chart").first).to_be_visible()


def progress(page: Page, demo: DemoProgram) -> None:
    family_progress(page, demo)
    expect(page.locator("#timeline-h")).to_be_visible()


def outcomes(page: Page, demo: DemoProgram) -> None:
    page.goto("/outcomes/?status=active")
    expect(page.locator("#fls-h")).to_be_visible()


@dataclass(frozen=True)
class Visit:
    login: Callable[[DemoProgram], str] | None
    viewport: ViewportSize
    open: Callable[[Page, DemoProgram], None]
    # The browser logs a failed status as a console error: expected for a form with errors.
    status: int = 200


def staff(username: str) -> Callable[[DemoProgram], str]:
    return lambda demo: username


def patient(demo: DemoProgram) -> str:
    return demo.patient_login


def caregiver(demo: DemoProgram) -> str:
    return demo.caregiver_login


VISITS = {
    "login": Visit(None, PHONE, login_page),
    "caseload": Visit(staff("nurse"), DESKTOP, caseload),
    "record": Visit(staff("nurse"), DESKTOP, patient_record),
    "register": Visit(staff("nurse"), DESKTOP, register_form),
    "register-errors": Visit(staff("nurse"), DESKTOP, register_form_with_errors, status=400),
    "audit": Visit(staff("lead"), DESKTOP, audit_trail),
    "me": Visit(patient, PHONE, patient_home),
    "own-record": Visit(patient, PHONE, patient_record),
    "family": Visit(caregiver, PHONE, family_home),
    "invite": Visit(patient, PHONE, invite_form),
    "caseload-zh": Visit(staff("nurse"), DESKTOP, caseload_in_chinese),
    "assessments": Visit(staff("therapist"), DESKTOP, assessment_list),
    "phq9-form": Visit(staff("counsellor"), DESKTOP, phq9_form),
    "profile": Visit(staff("physician"), DESKTOP, baseline_profile),
    "questionnaires": Visit(patient, PHONE, questionnaires),
    "question": Visit(patient, PHONE, question),
    "crisis": Visit(patient, PHONE, crisis),
    "alerts": Visit(staff("counsellor"), DESKTOP, alerts),
    "plan": Visit(staff("therapist"), DESKTOP, plan),
    "proposals": Visit(staff("counsellor"), DESKTOP, proposals_queue),
    "patient-proposals": Visit(staff("therapist"), DESKTOP, proposals_of_patient),
    "proposal-modify": Visit(staff("therapist"), DESKTOP, proposal_modify),
    "plan-add": Visit(staff("therapist"), DESKTOP, plan_add),
    "goals": Visit(staff("nurse"), DESKTOP, goals),
    "psychology": Visit(staff("counsellor"), DESKTOP, psychology),
    "own-plan": Visit(patient, PHONE, plan),
    "today": Visit(patient, PHONE, today),
    "exercise": Visit(patient, PHONE, exercise),
    "exercise-log": Visit(patient, PHONE, exercise_log),
    "exercise-log-errors": Visit(patient, PHONE, exercise_log_with_errors, status=400),
    "practice": Visit(patient, PHONE, practice),
    "my-week": Visit(patient, PHONE, my_week),
    "check-in": Visit(patient, PHONE, check_in),
    "fall-report": Visit(patient, PHONE, fall_report),
    "fall-done": Visit(patient, PHONE, fall_done),
    "log-overview": Visit(staff("nurse"), DESKTOP, log_overview),
    "log-enter-fall": Visit(staff("nurse"), DESKTOP, log_enter_fall),
    "family-person": Visit(caregiver, PHONE, family_person),
    "family-goals": Visit(caregiver, PHONE, family_goals),
    "family-guide": Visit(caregiver, PHONE, family_guide),
    "family-encourage": Visit(caregiver, PHONE, family_encourage),
    "family-join": Visit(None, PHONE, family_join),
    "family-join-errors": Visit(None, PHONE, family_join_with_errors, status=400),
    "family-sharing": Visit(patient, PHONE, family_sharing),
    "invitation-ready": Visit(patient, PHONE, invitation_ready),
    "me-encouragement": Visit(patient, PHONE, encouragement_on_home),
    "encouragement-list": Visit(patient, PHONE, encouragement_list),
    "my-goals": Visit(patient, PHONE, my_goals),
    "my-goal-rate": Visit(patient, PHONE, my_goal_rate),
    "my-goal-rate-errors": Visit(patient, PHONE, my_goal_rate_with_errors, status=400),
    "chair-stand": Visit(patient, PHONE, chair_stand),
    "chair-stand-practice": Visit(patient, PHONE, chair_stand_practice),
    "chair-stand-test": Visit(patient, PHONE, chair_stand_test),
    "chair-stand-test-errors": Visit(patient, PHONE, chair_stand_test_with_errors, status=400),
    "chair-stand-result": Visit(patient, PHONE, chair_stand_result),
    "follow-ups-due": Visit(staff("nurse"), DESKTOP, follow_ups_due),
    "schedule": Visit(staff("physician"), DESKTOP, schedule),
    "my-check-ups": Visit(patient, PHONE, my_check_ups),
    "meeting": Visit(staff("physician"), DESKTOP, meeting),
    "my-work": Visit(staff("therapist"), DESKTOP, my_work),
    "my-progress": Visit(patient, PHONE, my_progress),
    "family-progress": Visit(caregiver, PHONE, family_progress),
    "progress": Visit(staff("physician"), DESKTOP, progress),
    "outcomes": Visit(staff("lead"), DESKTOP, outcomes),
}


@pytest.mark.parametrize("name", list(VISITS))
def test_page_meets_wcag_22_aa(name: str, demo: DemoProgram, browsing: Browsing):
    visit = VISITS[name]
    page = browsing.page(visit.viewport)
    if visit.login is not None:
        log_in(browsing, page, visit.login(demo))
    visit.open(page, demo)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    browsing.shot(page, name)

    violations = axe_violations(page)
    assert violations == [], described(page.url, violations)
    # Nothing went wrong on the page, axe's own injection included (a CSP refusal is an error),
    # apart from the page's own expected status, which the browser reports as an error.
    own_status = f"{page.url}: Failed to load resource: the server responded with a status of "
    assert [e for e in browsing.errors if not e.startswith(f"{own_status}{visit.status} ")] == []
