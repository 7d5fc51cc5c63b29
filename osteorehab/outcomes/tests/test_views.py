"""The progress pages and who reaches them, the cohort dashboard and its filters, the analysis
data set and its audit trail; the query counts stay the same as the history grows."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.outcomes.cohort import Filters, cohort, cohort_rows
from osteorehab.outcomes.domain import Interval
from osteorehab.outcomes.selectors import progress
from tests.factories import (
    client_for,
    login_of,
    make_caregiver,
    make_org,
    make_patient,
    make_team,
    make_user,
    member,
)

from .helpers import history, known

pytestmark = pytest.mark.django_db
TODAY = date(2027, 1, 15)


def body(response) -> str:
    return response.content.decode()


def test_the_care_team_sees_each_measure_with_its_cut_offs_mcid_and_numbers(patient, nurse):
    page = client_for(nurse).get(reverse("outcomes:progress", args=[patient.pk]))
    assert page.status_code == 200
    text = body(page)
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3  # PHQ-9, gait, adherence
    assert ">moderate from 10</text>" in text  # the PHQ-9's band, from its instrument
    assert "baseline ± 5 (MCID, Löwe et al. 2004, Med Care 42:1194)" in text  # the zone
    assert "Löwe et al. 2004, Med Care 42:1194 [clinical-reference 1.1]" in text
    # the numbers beside the chart: 14 at baseline, then 9 and 8 (change -5 and -6)
    assert "<td>2026-01-08 <span" in text
    assert "<td>-6</td>" in text
    measures = {m.code: m for m in page.context["progress"].measures}
    assert measures["phq9"].important is True
    assert measures["gait_speed"].change == pytest.approx(0.15)
    assert "Not measured yet:" in text  # confidence, FES-I … never taken
    assert "Wrist" in text  # the fracture on the timeline
    assert reverse("outcomes:clinician-report", args=[patient.pk]) in text


def test_adherence_by_week_counts_the_sessions_of_the_plan_in_force(patient):
    found = progress(patient, TODAY)
    first = found.weeks[0]
    assert first.monday == date(2026, 1, 12)
    assert (first.sessions.planned, first.sessions.done, first.sessions.partly) == (7, 0, 1)
    assert found.sessions.partly == 2
    assert found.gas is None


def test_the_progress_page_reads_the_same_number_of_queries_however_long_the_history(team):
    nurse = member(team, Role.NURSE)
    short, long = make_patient(team, login=True), make_patient(team, login=True)
    history(short)
    history(long, extra=20)
    client = client_for(nurse)
    counts = []
    for patient in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("outcomes:progress", args=[patient.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_patient_sees_their_own_progress_in_plain_words(patient):
    page = client_for(login_of(patient)).get(reverse("outcomes:my-progress"))
    assert page.status_code == 200
    text = body(page)
    assert "Low mood: from 14 at the start to 8 now." in text
    assert "That is a change that matters." in text
    assert "Walking speed (metres a second): from 0.80 at the start to 0.95 now." in text
    assert reverse("outcomes:patient-report", args=[patient.pk]) in text
    assert reverse("outcomes:clinician-report", args=[patient.pk]) not in text


def test_who_reaches_a_patients_progress(patient, team):
    url = reverse("outcomes:progress", args=[patient.pk])
    shared = make_caregiver(patient, parts=[Part.PROGRESS])
    assert client_for(shared).get(url).status_code == 200
    assert "Progress of" in body(client_for(shared).get(url))
    not_shared = make_caregiver(patient, parts=[Part.LOG])
    assert client_for(not_shared).get(url).status_code == 403
    lead = make_user(Role.LEAD, team.site.organisation)
    assert client_for(lead).get(url).status_code == 200
    other = make_team(team.site.organisation, "Other team")
    assert client_for(member(other, Role.NURSE)).get(url).status_code == 404
    assert client_for(make_user(Role.ADMIN, team.site.organisation)).get(url).status_code == 404
    clinical = reverse("outcomes:clinician-report", args=[patient.pk])
    assert client_for(login_of(patient)).get(clinical).status_code == 403
    assert client_for(shared).get(clinical).status_code == 403
    assert client_for(lead).get(clinical).status_code == 200


def test_a_lead_sees_the_dashboard_and_a_therapist_does_not(patient, team):
    lead = make_user(Role.LEAD, team.site.organisation)
    page = client_for(lead).get(reverse("outcomes:dashboard"))
    assert page.status_code == 200
    text = body(page)
    assert "Progress" not in text  # aggregates only: no patient's name
    c = page.context["cohort"]
    assert (c.episodes, c.started, c.falls.events, c.refractures.events) == (1, 1, 1, 1)
    assert (
        client_for(member(team, Role.THERAPIST)).get(reverse("outcomes:dashboard")).status_code
        == 403
    )
    admin = make_user(Role.ADMIN, team.site.organisation, is_staff=True, is_superuser=True)
    assert client_for(admin).get(reverse("outcomes:dashboard")).status_code == 200
    assert client_for(admin).get(reverse("outcomes:export")).status_code == 403
    assert client_for(None).get(reverse("outcomes:dashboard")).status_code == 302


def test_the_dashboard_filters_by_care_team_and_period_and_refuses_a_period_backwards(
    patient, team
):
    other = make_team(team.site.organisation, "Other team")
    make_patient(other)  # enrolled 5 January 2026 too, never started
    lead = client_for(make_user(Role.LEAD, team.site.organisation))
    url = reverse("outcomes:dashboard")
    assert lead.get(url).context["cohort"].episodes == 2
    assert lead.get(url, {"team": other.pk}).context["cohort"].episodes == 1
    assert lead.get(url, {"status": "active"}).context["cohort"].episodes == 1
    assert lead.get(url, {"enrolled_from": "2026-02-01"}).context["cohort"].episodes == 0
    backwards = lead.get(url, {"enrolled_from": "2026-02-01", "enrolled_to": "2026-01-01"})
    assert backwards.status_code == 400
    assert "The end of the period is before its start." in body(backwards)
    elsewhere = make_team(make_org(), "Elsewhere")
    assert lead.get(url, {"team": elsewhere.pk}).status_code == 400  # not the organisation's


def test_the_cohort_shows_change_from_baseline_with_intervals_and_mcid_shares(team):
    patients = [make_patient(team, login=True) for _ in range(3)]
    for patient in patients:
        history(patient)
    found = cohort(cohort_rows(team.site.organisation_id, Filters(), TODAY), [], TODAY)
    phq9 = next(m for m in found.changes if m.code == "phq9")
    three, twelve = known(phq9.changes[3]), known(phq9.changes[12])
    # the same change in all three: its interval is that change, and there is no SRM
    assert (three.n, three.mean_change, three.ci, three.srm) == (3, -5, Interval(-5, -5), None)
    assert twelve.mean_change == -6
    assert (known(twelve.reached).count, known(twelve.reached).total) == (3, 3)  # 6 >= 5
    gait = next(m for m in found.changes if m.code == "gait_speed")
    assert known(known(gait.changes[3]).reached).count == 3  # 0.80 -> 0.85: the MCID exactly
    assert known(found.retained[12]).count == 3
    indicators = dict(found.indicators)
    assert known(indicators["Anti-osteoporosis treatment started by 16 weeks"]).count == 3
    assert known(indicators["Treatment still taken at 52 weeks"]).count == 3
    assert known(indicators["Bone density measured within 12 weeks"]).count == 0


def test_the_data_set_is_de_identified_and_each_patient_in_it_is_audited(patient, team):
    lead = make_user(Role.LEAD, team.site.organisation)
    response = client_for(lead).get(reverse("outcomes:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["time_point"] for r in rows] == ["baseline", "3m", "6m", "12m"]
    assert [r["phq9"] for r in rows] == ["14", "9", "", "8"]
    assert rows[0]["age_band"] == "75-79"  # born 14 March 1950, enrolled January 2026
    assert {r["patient"] for r in rows} == {rows[0]["patient"]}
    assert (rows[0]["falls"], rows[0]["refractures"]) == ("1", "1")
    for identifying in ("Progress", "Pat", "1950-03-14", "1950", "2026-"):
        assert identifying not in text  # no name, no date of birth, no date at all
    assert rows[0]["patient"] != str(patient.pk)
    assert rows[0]["adherence_percent"] == "0.5"  # 2 of 368 planned days, done in part
    event = AuditEvent.objects.get(target="outcomes:export")
    assert (event.patient_id, event.action, event.user) == (patient.pk, "list", lead)
    again = client_for(lead).get(reverse("outcomes:export")).content.decode()
    assert next(csv.DictReader(io.StringIO(again)))["patient"] != rows[0]["patient"]
