"""The proposals' pages: the patient's proposals with why and the data, decided by the routed
role only; the staff queue by role, urgent first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.accounts.models import User
from osteorehab.rules.models import Proposal
from tests.factories import client_for, login_of, make_caregiver, make_patient, make_user, member

from .test_services import anxious, find

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)


def page(patient):
    return reverse("rules:patient", args=[patient.pk])


def test_the_patients_proposals_show_why_the_data_and_the_source(team):
    patient = anxious(team)
    (proposal,) = find(patient)
    response = client_for(member(team, Role.COUNSELLOR)).get(page(patient))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Anxiety rising markedly" in body
    assert "GAD-7 6 on 2026-02-02, 12 on 2026-02-27" in body
    assert "2026-02-27: GAD-7 12 (moderate)" in body
    assert "Rule anxiety, version 1" in body
    assert "Cognitive restructuring of fear of movement: weekly" in body  # now fortnightly
    assert reverse("rules:accept", args=[patient.pk, proposal.pk]) in body
    [card] = response.context["waiting"]
    assert card.can_decide


def test_other_roles_read_it_without_the_decision_forms(team):
    patient = anxious(team)
    (proposal,) = find(patient)
    response = client_for(member(team, Role.THERAPIST)).get(page(patient))
    assert response.status_code == 200
    assert reverse("rules:accept", args=[patient.pk, proposal.pk]) not in response.content.decode()


def test_patients_and_family_do_not_see_proposals(team):
    patient = anxious(team)
    find(patient)
    caregiver = make_caregiver(patient, parts=list(Part))
    for user in (login_of(patient), caregiver):
        assert client_for(user).get(page(patient)).status_code == 403


def test_the_counsellor_accepts_from_the_page_and_is_sent_back(team):
    patient = anxious(team)
    (proposal,) = find(patient)
    client = client_for(member(team, Role.COUNSELLOR))
    url = reverse("rules:accept", args=[patient.pk, proposal.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"note": "", "next": "/proposals/"})
    assert response["Location"] == "/proposals/"
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    decided = client.get(page(patient))
    assert "Accepted — " in decided.content.decode()


def test_a_rejection_without_a_reason_is_refused_and_says_so(team):
    patient = anxious(team)
    (proposal,) = find(patient)
    client = client_for(member(team, Role.COUNSELLOR))
    url = reverse("rules:reject", args=[patient.pk, proposal.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "This field is required." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "open"
    client.post(url, {"reason": "Anxiety about her daughter's visit, passing"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_reason) == (
        "rejected",
        "Anxiety about her daughter's visit, passing",
    )


def test_a_role_it_is_not_routed_to_cannot_decide(team):
    patient = anxious(team)
    (proposal,) = find(patient)
    client = client_for(member(team, Role.NURSE))
    response = client.post(
        reverse("rules:accept", args=[patient.pk, proposal.pk]), {"note": ""}, follow=True
    )
    assert "for the Psychological counsellor to decide" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "open"


def test_the_counsellor_modifies_the_frequency(team):
    patient = anxious(team)
    (proposal,) = find(patient)
    client = client_for(member(team, Role.COUNSELLOR))
    url = reverse("rules:modify", args=[patient.pk, proposal.pk])
    form = client.get(url).context["form"]
    assert form.fields["frequency"].initial == "weekly"
    response = client.post(
        url,
        {
            "module": "relaxation_mindfulness",
            "frequency": "weekly",
            "tasks": ["counsellor_review"],
            "reason": "Relaxation first",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "modified"
    assert (proposal.decided_change or {})["module"] == "relaxation_mindfulness"
    assert patient.module_frequencies.get().module == "relaxation_mindfulness"
    bad = client.post(url, {"module": "x", "frequency": "weekly", "reason": "r"})
    assert bad.status_code == 400


def test_the_queue_shows_each_role_what_it_decides_urgent_first(team):
    patient = anxious(team)
    find(patient)
    Proposal.objects.update(urgency="urgent")
    other = anxious(team)
    find(other)
    url = reverse("rules:queue")
    counsellor = client_for(member(team, Role.COUNSELLOR)).get(url)
    assert [c.proposal.patient for c in counsellor.context["cards"]] == [patient, other]
    physician = client_for(member(team, Role.PHYSICIAN)).get(url)
    assert [c.proposal.patient for c in physician.context["cards"]] == [patient]  # urgent one
    assert client_for(member(team, Role.THERAPIST)).get(url).context["cards"] == []
    lead: User = make_user(Role.LEAD, team.site.organisation)
    assert len(client_for(lead).get(url).context["cards"]) == 2
    assert client_for(login_of(patient)).get(url).status_code == 403


def test_the_queue_is_a_fixed_number_of_queries(team):
    client = client_for(member(team, Role.COUNSELLOR))
    find(anxious(team))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("rules:queue"))
    for _ in range(4):
        find(anxious(team))
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("rules:queue"))
    assert len(response.context["cards"]) == 5
    assert len(five) == len(one)


def test_a_patient_with_nothing_proposed(team):
    patient = make_patient(team)
    response = client_for(member(team, Role.NURSE)).get(page(patient))
    assert response.context["waiting"] == []
    assert "None." in response.content.decode()
