"""The JSON API's documentation page and the patient import page, in Chromium: they work under
the site's Content-Security-Policy (no inline script, nothing from another origin)."""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, Request, expect

from osteorehab.api.domain import COLUMNS
from osteorehab.patients.demo import DemoProgram
from osteorehab.patients.models import Patient

from .conftest import Browsing
from .test_flows import log_in

pytestmark = pytest.mark.browser


def elsewhere(page: Page, base_url: str) -> list[str]:
    """The requests the page makes to any other origin, collected as it goes."""
    found: list[str] = []

    def seen(request: Request) -> None:
        if not request.url.startswith((base_url, "data:")):
            found.append(request.url)

    page.on("request", seen)
    return found


def test_the_docs_page_runs_a_request_with_the_session(demo: DemoProgram, browsing: Browsing):
    page = browsing.page()
    outside = elsewhere(page, browsing.base_url)
    log_in(browsing, page, "nurse")
    page.goto("/api/docs")
    path = page.locator('.opblock-summary-path[data-path="/api/patients"]')
    operation = page.locator(".opblock.opblock-get").filter(has=path)
    expect(operation).to_be_visible()
    browsing.shot(page, "api-docs")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    expect(status).to_have_text("200")
    expect(operation.locator(".live-responses-table .microlight").first).to_contain_text('"count"')
    assert outside == []
    assert browsing.errors == []


def test_a_clinician_imports_a_spreadsheet_from_the_import_page(
    demo: DemoProgram, browsing: Browsing, tmp_path
):
    rows = [
        {"family_name": "Importa", "given_name": "Ann", "date_of_birth": "1951-02-03"},
        {"family_name": "Importb", "given_name": "Bo", "date_of_birth": "1949-12-24"},
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "sex": "female", "referred_on": "2026-03-01"})
    upload = tmp_path / "patients.csv"
    upload.write_text(out.getvalue(), encoding="utf-8")
    page = browsing.page()
    outside = elsewhere(page, browsing.base_url)
    log_in(browsing, page, "nurse")
    page.goto("/patients/import/")
    page.get_by_label("Spreadsheet of patients (CSV)").set_input_files(upload)
    page.get_by_role("button", name="Upload and check").click()
    expect(page).to_have_url(re.compile(r"/patients/import/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("2 patients registered.")).to_be_visible()
    browsing.shot(page, "import-done")
    assert Patient.objects.filter(family_name__in=["Importa", "Importb"]).count() == 2
    assert outside == []
    assert browsing.errors == []
