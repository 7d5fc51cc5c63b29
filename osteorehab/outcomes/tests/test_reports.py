"""The two PDF reports, read back as text (pypdf): the real values, in the reader's language."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from osteorehab.accounts.domain import Role
from tests.factories import client_for, login_of, member

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def test_the_patients_report_says_what_got_better_in_large_type(patient):
    response = client_for(login_of(patient)).get(
        reverse("outcomes:patient-report", args=[patient.pk])
    )
    text = text_of(response)
    assert "My progress" in text
    assert "For Pat Progress, on 2027-01-15" in text
    assert "Low mood: from 14 at the start to 8 now. Lower is better." in text
    assert "That is a change that matters." in text
    assert "Walking speed (metres a second): from 0.8 at the start to 0.95 now." in text
    assert "You exercised in 2 of 368 planned sessions." in text
    assert "You told us about 1 fall(s)." in text
    assert "strength on at least 2 days a week" in text
    pages = PdfReader(io.BytesIO(response.content)).pages
    sizes = {size for page in pages for size in _sizes(page)}
    assert min(sizes) >= 14  # the text; the charts' axis labels are drawings, not text


def _sizes(page) -> set[float]:
    found: set[float] = set()

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            found.add(round(size * tm[0], 1))

    page.extract_text(visitor_text=visit)
    return {size for size in found if size > 9}  # leave out the charts' 8-point labels


def test_the_clinicians_report_gives_every_measure_with_cut_offs_mcid_and_the_medicines(
    patient, nurse
):
    response = client_for(nurse).get(reverse("outcomes:clinician-report", args=[patient.pk]))
    text = text_of(response)
    assert "Progress report for clinicians" in text
    assert "Pat Progress, born 1950-03-14" in text
    assert "Enrolled 2026-01-05; program started 2026-01-12" in text
    assert "14 (2026-01-08)" in text
    assert "8 (2027-01-12)" in text
    assert "Löwe et al. 2004, Med Care 42:1194" in text  # the MCID's source
    assert "moderate from 10" in text  # a cut-off, from the instrument's banding
    assert "Kroenke" in text  # the banding's source
    assert "Shaded: baseline ± 0.05 (MCID, Perera et al. 2006" in text
    assert "2 of 368 planned sessions done (2 in part)." in text
    assert "Fracture: Wrist" in text
    assert "Fall: At home, inside" in text
    assert "Alendronate" in text
    assert "adherent (≥ 80%)" in text


def test_the_reports_follow_the_readers_language(patient, team):
    client = client_for(member(team, Role.PHYSICIAN))
    client.post(reverse("set-language"), {"language": "zh-hans", "next": "/"})
    text = text_of(client.get(reverse("outcomes:clinician-report", args=[patient.pk])))
    assert "PHQ-9" in text
    assert "抑郁" in text or "中度" in text  # the banding's words from the catalogue
    patient_text = text_of(client.get(reverse("outcomes:patient-report", args=[patient.pk])))
    assert "平衡" in patient_text  # the guideline, as the catalogue has it
