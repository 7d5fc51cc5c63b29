from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.assessments.models import Occasion
from osteorehab.assessments.services import assessment_record
from osteorehab.psychology.models import PsychSession
from osteorehab.psychology.services import psych_session_record
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

pytestmark = pytest.mark.django_db

SESSION = {
    "held_on": "2026-11-20",
    "modality": "in_person",
    "module": "cognitive_restructuring",
    "notes": "Zznote: believes bending will crack a vertebra.",
    "homework": "Zzhomework: thought record after each walk.",
    "next_session_on": "2026-11-27",
}


def overview(patient):
    return reverse("psychology:overview", args=[patient.pk])


def new(patient):
    return reverse("psychology:session-new", args=[patient.pk])


def test_the_counsellor_records_a_session_and_sees_it_listed(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.COUNSELLOR))
    assert client.get(new(patient)).status_code == 200
    response = client.post(new(patient), SESSION)
    assert response.status_code == 302
    assert response["Location"] == overview(patient)
    session = PsychSession.objects.get()
    assert (session.held_on, session.next_session_on, session.module) == (
        date(2026, 11, 20),
        date(2026, 11, 27),
        "cognitive_restructuring",
    )
    page = client.get(overview(patient))
    body = page.content.decode()
    assert list(page.context["sessions"]) == [session]
    assert "Cognitive restructuring of fear of movement" in body
    assert "Zznote" in body
    assert "Zzhomework" in body
    assert "2026-11-27" in body


def test_a_bad_date_is_refused_on_its_field_and_nothing_saved(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.COUNSELLOR))
    response = client.post(new(patient), {**SESSION, "next_session_on": "2026-11-19"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "next_session_on": ["The next session must be after this session's date."]
    }
    response = client.post(new(patient), {**SESSION, "held_on": "2026-11-22"})
    assert response.context["form"].errors == {"held_on": ["This date is in the future."]}
    assert not PsychSession.objects.exists()


def test_the_page_shows_the_frequencies_with_the_scores_and_rule_that_set_them(team):
    patient = make_patient(team)
    counsellor = member(team, Role.COUNSELLOR)
    assessment_record(
        patient=patient,
        by=counsellor,
        code="gad7",
        answers={"items": [2, 2, 2, 1, 1, 1, 1]},  # 10: moderate anxiety
        administered_on=date(2026, 11, 2),
        occasion=Occasion.BASELINE,
    )
    # a later follow-up does not replace the baseline score
    assessment_record(
        patient=patient,
        by=counsellor,
        code="gad7",
        answers={"items": [0, 0, 0, 0, 0, 0, 0]},
        administered_on=date(2026, 11, 16),
        occasion=Occasion.FOLLOW_UP,
    )
    response = client_for(member(team, Role.THERAPIST)).get(overview(patient))
    shown = {r.code: r for r in response.context["recommendations"]}
    assert shown["cognitive_restructuring"].frequency == "weekly"
    assert shown["relaxation_mindfulness"].set_by == ("gad7",)
    assert shown["problem_solving"].awaiting_scores
    assert response.context["urgent"] == []
    assert [(m.code, a.total) for m, a in response.context["used"]] == [("gad7", 10.0)]
    body = response.content.decode()
    assert "GAD-7 10 = moderate anxiety, Spitzer et al. 2006" in body
    assert "local program rule (not from the clinical reference)" in body
    assert "Record a session" in body


def test_item9_above_zero_in_the_latest_phq9_shows_the_urgent_risk_assessment_first(team):
    patient = make_patient(team)
    counsellor = member(team, Role.COUNSELLOR)
    for day, item9 in ((date(2026, 11, 2), 0), (date(2026, 11, 16), 1)):
        assessment_record(
            patient=patient,
            by=counsellor,
            code="phq9",
            answers={"items": [1, 1, 1, 1, 1, 1, 1, 1, item9]},
            administered_on=day,
            occasion=Occasion.BASELINE if item9 == 0 else Occasion.FOLLOW_UP,
        )
    response = client_for(counsellor).get(overview(patient))
    [urgent] = response.context["urgent"]
    assert (urgent.code, urgent.urgent) == ("urgent_risk_assessment", True)
    body = response.content.decode()
    assert "Urgent clinical risk assessment first" in body
    assert body.index("Urgent clinical risk assessment first") < body.index("Recommended modules")
    # the frequencies are still read from the baseline PHQ-9 (8 = mild)
    shown = {r.code: r for r in response.context["recommendations"]}
    assert shown["problem_solving"].frequency == "fortnightly"


def test_the_patient_sees_the_plan_and_homework_but_not_the_scores_or_notes(team):
    patient = make_patient(team, login=True)
    counsellor = member(team, Role.COUNSELLOR)
    psych_session_record(
        patient=patient,
        by=counsellor,
        held_on=date(2026, 11, 20),
        modality="video",
        module="relaxation_mindfulness",
        notes="Zznote",
        homework="Zzhomework",
    )
    assessment_record(
        patient=patient,
        by=counsellor,
        code="phq9",
        answers={"items": [1, 1, 1, 1, 1, 1, 1, 1, 2]},
        administered_on=date(2026, 11, 2),
    )
    client = client_for(login_of(patient))
    response = client.get(overview(patient))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zzhomework" in body
    assert "Zznote" not in body
    assert "PHQ-9" not in body
    assert "clinical-reference" not in body
    assert "urgent" not in response.context
    # only what is offered: no module left without a frequency
    assert all(r.frequency for r in response.context["recommendations"])
    assert "Record a session" not in body
    assert client.get(new(patient)).status_code == 403
    assert client.post(new(patient), SESSION).status_code == 403
    assert PsychSession.objects.count() == 1


def test_a_caregiver_sees_the_page_only_with_the_plan_shared_and_family_consent(team):
    patient = make_patient(team, login=True)
    with_plan = make_caregiver(patient, parts=[Part.PLAN])
    response = client_for(with_plan).get(overview(patient))
    assert response.status_code == 200
    assert response.context["staff"] is False
    assert client_for(with_plan).post(new(patient), SESSION).status_code == 403

    other = make_patient(team, login=True)
    without_plan = make_caregiver(other, parts=[Part.PROGRAM, Part.PROGRESS])
    assert client_for(without_plan).get(overview(other)).status_code == 403

    third = make_patient(team, login=True)
    no_consent = make_caregiver(third, parts=list(Part), consent=False)
    assert client_for(no_consent).get(overview(third)).status_code == 404


def test_the_program_lead_reads_but_does_not_record(team):
    patient = make_patient(team)
    lead = make_user(Role.LEAD, team.site.organisation)
    client = client_for(lead)
    response = client.get(overview(patient))
    assert response.status_code == 200
    assert response.context["can_record"] is False
    assert client.post(new(patient), SESSION).status_code == 403
    assert not PsychSession.objects.exists()


def test_an_outsiders_patient_is_not_found(team):
    outsider = make_patient(make_team(make_org()), family_name="Zzoutsider")
    client = client_for(member(team, Role.COUNSELLOR))
    for url in (overview(outsider), new(outsider)):
        assert client.get(url).status_code == 404
        assert client.post(url, SESSION).status_code == 404
    assert not PsychSession.objects.exists()


def test_the_session_list_takes_the_same_queries_however_many_sessions(
    team, django_assert_max_num_queries
):
    patient = make_patient(team)
    counsellor = member(team, Role.COUNSELLOR)
    client = client_for(counsellor)
    client.get(overview(patient))  # warm the session and caches

    def add(n):
        for _ in range(n):
            psych_session_record(
                patient=patient,
                by=counsellor,
                held_on=date(2026, 11, 20),
                modality="group",
                module="peer_group",
            )

    add(1)
    with CaptureQueriesContext(connection) as one:
        client.get(overview(patient))
    add(5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(overview(patient))
