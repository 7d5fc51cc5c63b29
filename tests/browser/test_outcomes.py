"""Outcomes in a browser (issue #7, "Done when"): a clinician downloads both PDF reports for the
demo patient from the progress page; a program lead opens the dashboard, applies a filter and
reads confidence intervals."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from osteorehab.patients.demo import DemoProgram, build_demo
from osteorehab.patients.models import Episode, Patient

from .conftest import DEMO_DAY, DESKTOP, Browsing
from .test_flows import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_with_year(transactional_db) -> DemoProgram:
    """The demo program as `load_demo` builds it: with the earlier year of episodes."""
    return build_demo(patients=12, seed=2026, today=DEMO_DAY, earlier_year=True)


def pdf_text(path: Path) -> str:
    with open(path, "rb") as file:
        pages = PdfReader(io.BytesIO(file.read())).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def test_a_clinician_downloads_both_reports_of_the_demo_patient(
    demo: DemoProgram, browsing: Browsing
):
    patient = Patient.objects.get(user__username=demo.patient_login)
    page = browsing.page(DESKTOP)
    log_in(browsing, page, "nurse")
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Progress of {patient.name}")
    expect(page.locator("svg.chart").first).to_be_visible()
    browsing.shot(page, "progress")
    texts = {}
    for link in ("Report for clinicians (PDF)", "Report for the patient (PDF)"):
        with page.expect_download() as info:
            page.get_by_role("link", name=link).click()
        download = info.value
        assert download.suggested_filename.endswith(".pdf")
        texts[link] = pdf_text(download.path())
    clinical = texts["Report for clinicians (PDF)"]
    assert "Progress report for clinicians" in clinical
    assert patient.date_of_birth.isoformat() in clinical
    assert "Löwe et al. 2004" in clinical  # the PHQ-9's MCID, from its source
    own = texts["Report for the patient (PDF)"]
    assert "My progress" in own
    assert "What to keep doing" in own
    assert browsing.errors == []


def test_a_lead_filters_the_dashboard_and_reads_confidence_intervals(
    demo_with_year: DemoProgram, browsing: Browsing
):
    page = browsing.page(DESKTOP)
    log_in(browsing, page, "lead")
    page.get_by_role("link", name="Program outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Program outcomes")
    page.get_by_label("Program status").select_option("discharged")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"status=discharged"))
    browsing.shot(page, "dashboard")
    episodes = page.locator("dl.facts div", has_text="Episodes").first.locator("dd")
    discharged = Episode.objects.filter(
        patient__organisation=demo_with_year.organisation, status="discharged"
    ).count()
    expect(episodes).to_have_text(str(discharged))
    change = page.locator("#change-h + p + div table")
    expect(change).to_contain_text("12 months")
    expect(change.locator("td", has_text=" to ").first).to_be_visible()  # a mean change's CI
    expect(page.locator("#rates-h ~ dl")).to_contain_text("95% CI")
    export = page.get_by_role("link", name="Download the de-identified data set (CSV)")
    expect(export).to_have_attribute("href", re.compile(r"status=discharged"))  # as filtered
    assert browsing.errors == []
