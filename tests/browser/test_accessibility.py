"""WCAG 2.2 AA, checked by axe-core on every main page, as the user who sees that page.

axe-core's script comes from the axe-playwright-python package. It is given to the page with
`page.evaluate`, which the Content-Security-Policy (`script-src 'self'`) does not govern; an
injected <script> tag would be refused.
"""

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
    "plan-add": Visit(staff("therapist"), DESKTOP, plan_add),
    "goals": Visit(staff("nurse"), DESKTOP, goals),
    "psychology": Visit(staff("counsellor"), DESKTOP, psychology),
    "own-plan": Visit(patient, PHONE, plan),
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
