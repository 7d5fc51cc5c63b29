"""The main journeys of each kind of user, in headless Chromium against a live server."""

import re
from collections import Counter
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import Locator, Page, expect

from osteorehab.patients.demo import DEMO_PASSWORD, DemoProgram
from osteorehab.patients.models import Caregiver, Patient

from .conftest import DESKTOP, PHONE, Browsing

pytestmark = pytest.mark.browser


def log_in(browsing: Browsing, page: Page, username: str) -> None:
    """Through the real login form, as a person would."""
    page.goto("/login/")
    browsing.shot(page, "login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def matching(patients: list[Patient], query: str) -> list[str]:
    """The names the caseload search should list for `query` (one care team, one page)."""
    query = query.casefold()
    return sorted(
        p.name
        for p in patients
        if query in p.family_name.casefold() or query in p.given_name.casefold()
    )


def listed(page: Page) -> list[str]:
    return sorted(page.locator("#results tbody tr td:first-child a").all_inner_texts())


def fact(page: Page, term: str) -> Locator:
    """The value beside `term` in the record's list of facts."""
    term_element = page.locator("dt").get_by_text(term, exact=True)
    return page.locator("dl.facts > div").filter(has=term_element).locator("dd")


def test_clinician_searches_the_caseload_and_opens_a_record(demo: DemoProgram, browsing: Browsing):
    patients = list(Patient.objects.filter(organisation=demo.organisation))
    names = Counter(p.name for p in patients)
    target = next(p for p in sorted(patients, key=lambda p: p.pk) if names[p.name] == 1)
    # The commonest family name, other than the target's: a search with several results.
    other = next(
        family
        for family, _ in Counter(p.family_name for p in patients).most_common()
        if family != target.family_name
    )
    page = browsing.page(DESKTOP)
    log_in(browsing, page, "nurse")
    expect(page).to_have_url(f"{browsing.base_url}/caseload/")
    expect(page.locator("#results tbody tr")).to_have_count(len(patients))
    browsing.shot(page, "caseload")

    # Typing searches as you type (htmx), and the address follows the search.
    page.locator("#q").press_sequentially(other, delay=20)
    expect(page).to_have_url(re.compile(rf"[?&]q={re.escape(quote_plus(other))}(&|$)"))
    expect(page.locator("#results tbody tr")).to_have_count(len(matching(patients, other)))
    assert listed(page) == matching(patients, other)
    found = len(matching(patients, other))
    # the count, a status message outside the swapped results, follows the search
    expect(page.locator("#result-count")).to_have_text(
        f"{found} patient{'' if found == 1 else 's'}"
    )
    browsing.shot(page, "caseload-typed")

    # The Search button searches too: change the box without an input event, then press it.
    page.locator("#q").evaluate("(box, value) => { box.value = value; }", target.family_name)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results tbody tr")).to_have_count(
        len(matching(patients, target.family_name))
    )
    assert listed(page) == matching(patients, target.family_name)
    browsing.shot(page, "caseload-searched")

    page.get_by_role("link", name=target.name, exact=True).click()
    expect(page).to_have_url(f"{browsing.base_url}/patients/{target.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(target.name)
    expect(fact(page, "Date of birth")).to_contain_text(target.date_of_birth.isoformat())
    browsing.shot(page, "record")
    assert browsing.errors == []


def test_caseload_search_works_without_javascript(demo: DemoProgram, browsing: Browsing):
    """The search form is a plain GET form underneath htmx."""
    patients = list(Patient.objects.filter(organisation=demo.organisation))
    family = Counter(p.family_name for p in patients).most_common(1)[0][0]
    page = browsing.page(DESKTOP, javascript=False)
    log_in(browsing, page, "nurse")
    page.locator("#q").fill(family)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/caseload/\?q={re.escape(quote_plus(family))}&"))
    assert listed(page) == matching(patients, family)


def test_patient_home_is_large_and_greets_them(demo: DemoProgram, browsing: Browsing):
    patient = Patient.objects.get(user__username=demo.patient_login)
    page = browsing.page(PHONE)
    log_in(browsing, page, demo.patient_login)
    expect(page).to_have_url(f"{browsing.base_url}/me/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(patient.name)
    browsing.shot(page, "me")

    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 18
    primaries = page.locator("main .primary")
    expect(primaries.first).to_be_visible()  # waits for the page, where counting would not
    for button in primaries.all():
        box = button.bounding_box()
        assert box is not None
        assert box["height"] >= 48, f"{button.inner_text()!r} is {box['height']} px tall"

    # Their own record, from the family-sharing button.
    page.get_by_role("link", name="Family and sharing").click()
    expect(page).to_have_url(f"{browsing.base_url}/patients/{patient.pk}/#family")
    expect(page.get_by_role("heading", level=1)).to_have_text(patient.name)
    browsing.shot(page, "record")
    assert browsing.errors == []


def test_caregiver_sees_only_the_patient_they_support(demo: DemoProgram, browsing: Browsing):
    supported = Caregiver.objects.get(user__username=demo.caregiver_login).patient
    other = (
        Patient.objects.filter(organisation=demo.organisation)
        .exclude(pk=supported.pk)
        .exclude(family_name=supported.family_name)
        .order_by("pk")
        .first()
    )
    assert other is not None
    page = browsing.page(PHONE)
    log_in(browsing, page, demo.caregiver_login)
    expect(page).to_have_url(f"{browsing.base_url}/family/")
    expect(page.locator("main ul.big-links a")).to_have_text([supported.name])
    browsing.shot(page, "family")

    page.get_by_role("link", name=supported.name, exact=True).click()
    expect(page).to_have_url(f"{browsing.base_url}/patients/{supported.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(supported.name)
    browsing.shot(page, "record")

    response = page.goto(f"/patients/{other.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert other.name not in page.content()
    browsing.shot(page, "other-record")
    # The browser reports that page's 404 itself; nothing else may go wrong.
    denied = f"/patients/{other.pk}/"
    assert [e for e in browsing.errors if not (denied in e and "status of 404" in e)] == []


def test_language_switch_to_chinese_and_back(demo: DemoProgram, browsing: Browsing):
    page = browsing.page(DESKTOP)
    log_in(browsing, page, "nurse")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_url(f"{browsing.base_url}/caseload/")
    browsing.shot(page, "caseload-zh")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert browsing.errors == []
