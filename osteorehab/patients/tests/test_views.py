from datetime import date

import pytest
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.patients.models import Caregiver, Patient
from tests.factories import (
    client_for,
    login_of,
    make_caregiver,
    make_patient,
    make_user,
    member,
)

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "family_name": "Lee",
    "given_name": "Ann",
    "date_of_birth": "1944-02-29",
    "sex": "female",
    "phone": "",
    "preferred_language": "en",
    "record_number": "",
    "diagnosis_on": "",
    "relevant_conditions": "",
    "program_consent": "on",
    "consent_on": "2026-11-20",
    "referred_on": "2026-11-20",
}


def test_a_clinician_registers_a_patient_and_lands_on_the_record(team):
    client = client_for(member(team, Role.PHYSICIAN))
    response = client.post(reverse("patients:register"), {**REGISTRATION, "care_team": team.pk})
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:record", args=[patient.pk])
    assert (patient.name, patient.date_of_birth, patient.care_team) == (
        "Ann Lee",
        date(1944, 2, 29),
        team,
    )


def test_registration_errors_name_the_field_and_save_nothing(team):
    client = client_for(member(team, Role.NURSE))
    response = client.post(
        reverse("patients:register"),
        {**REGISTRATION, "care_team": team.pk, "date_of_birth": "2030-01-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"date_of_birth": ["This date is in the future."]}
    response = client.post(
        reverse("patients:register"), {**REGISTRATION, "care_team": team.pk, "sex": "x"}
    )
    assert response.context["form"].errors == {
        "sex": ["Select a valid choice. x is not one of the available choices."]
    }
    assert not Patient.objects.exists()


def test_a_possible_duplicate_is_shown_before_saving_and_saved_only_when_confirmed(team):
    existing = make_patient(
        team, family_name="Lee", given_name="Ann", date_of_birth=date(1944, 2, 29)
    )
    client = client_for(member(team, Role.NURSE))
    data = {**REGISTRATION, "care_team": team.pk, "family_name": " LEE "}
    response = client.post(reverse("patients:register"), data)
    assert response.status_code == 400
    assert response.context["duplicates"] == [(existing, True)]
    assert Patient.objects.count() == 1
    shown = AuditEvent.objects.get(patient=existing, action="list")
    assert shown.target == "patients:register"
    response = client.post(reverse("patients:register"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Patient.objects.count() == 2


def test_the_caseload_searches_filters_sorts_and_pages_with_a_fixed_number_of_queries(
    team, django_assert_max_num_queries
):
    for n in range(30):
        make_patient(team, family_name=f"Name{n:02d}")
    make_patient(team, family_name="Wang", record_number="H77")
    client = client_for(member(team, Role.COUNSELLOR))
    url = reverse("patients:caseload")
    with django_assert_max_num_queries(12):
        page = client.get(url).context["page"]
    assert (page.paginator.count, len(page.object_list)) == (31, 25)
    assert [p.family_name for p in client.get(url, {"q": "h77"}).context["page"]] == ["Wang"]
    assert [
        p.family_name for p in client.get(url, {"q": "H7"}).context["page"]
    ] == []  # whole numbers
    assert [p.family_name for p in client.get(url, {"q": "wan"}).context["page"]] == ["Wang"]
    assert client.get(url, {"status": "active"}).context["page"].paginator.count == 0
    assert client.get(url, {"status": "referred"}).context["page"].paginator.count == 31
    descending = client.get(url, {"sort": "-name"}).context["page"]
    assert descending[0].family_name == "Wang"
    second = client.get(url, {"page": 2}).context["page"]
    assert [p.family_name for p in second] == [
        "Name25",
        "Name26",
        "Name27",
        "Name28",
        "Name29",
        "Wang",
    ]


def test_the_caseload_answers_htmx_with_the_results_fragment_only(team):
    make_patient(team, family_name="Wang")
    response = client_for(member(team, Role.NURSE)).get(
        reverse("patients:caseload"), {"q": "Wang"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<p id="result-count" hx-swap-oob="innerHTML">1 patient</p>')
    assert '<div id="results">' in body
    assert "Wang" in body
    assert "<html" not in body


def test_a_caregiver_sees_only_the_parts_shared_with_them(team):
    patient = make_patient(team, login=True, family_name="Lee")
    patient.fractures.create(site="hip", occurred_on=date(2024, 1, 1))
    client = client_for(make_caregiver(patient, parts=[Part.PROGRAM]))
    body = client.get(reverse("patients:record", args=[patient.pk])).content.decode()
    assert "Program" in body
    assert "Prior fractures" not in body
    assert "Date of birth" not in body
    assert client.get(reverse("patients:fracture-new", args=[patient.pk])).status_code == 403


def test_a_caregiver_loses_access_when_family_sharing_consent_is_withdrawn(team):
    patient = make_patient(team, login=True)
    client = client_for(make_caregiver(patient, parts=list(Part), consent=False))
    assert client.get(reverse("patients:record", args=[patient.pk])).status_code == 404


def test_a_patient_invites_a_caregiver_who_accepts_with_the_link_and_then_logs_in(team, client):
    patient = make_patient(team, login=True)
    patient_client = client_for(patient.user)
    response = patient_client.post(
        reverse("patients:caregiver-invite", args=[patient.pk]),
        {
            "name": "Tom Lee",
            "relationship": "Son",
            "phone": "",
            "shared_parts": ["program", "progress"],
        },
    )
    link = response.context["link"]
    assert link.startswith("http://testserver/invitation/")
    accept = client.post(
        link,
        {
            "username": "tomlee",
            "password": "a-long-passphrase-9",
            "password_again": "a-long-passphrase-9",
        },
    )
    assert accept["Location"] == reverse("accounts:login")
    assert client.get(link).status_code == 404  # used once
    caregiver = Caregiver.objects.select_related("user").get()
    assert (caregiver.user and caregiver.user.username, caregiver.shared_parts) == (
        "tomlee",
        ["program", "progress"],
    )
    revoke = reverse("patients:caregiver-revoke", args=[patient.pk, caregiver.pk])
    confirm = patient_client.get(revoke)
    assert "Stop sharing with Tom Lee?" in confirm.content.decode()
    assert Caregiver.objects.get().revoked_at is None  # asking changes nothing
    assert patient_client.post(revoke).status_code == 302
    caregiver.refresh_from_db()
    assert caregiver.revoked_at is not None


def test_the_episode_moves_through_its_form_and_refuses_a_withdrawal_without_reason(team):
    patient = make_patient(team)
    episode = patient.episodes.get()
    client = client_for(make_user(Role.LEAD, team.site.organisation))
    url = reverse("patients:episode-move", args=[patient.pk, episode.pk])
    refused = client.post(
        url, {"to_status": "withdrawn", "on": "2026-11-21", "reason": "", "version": 1}
    )
    assert refused.context["form"].errors == {"reason": ["Give the reason for the withdrawal."]}
    assert (
        client.post(url, {"to_status": "assessment", "on": "2026-11-21", "version": 1}).status_code
        == 302
    )
    episode.refresh_from_db()
    assert episode.status == "assessment"
    stale = client.post(url, {"to_status": "active", "on": "2026-11-21", "version": 1})
    assert stale.context["form"].non_field_errors() == [
        "Someone else changed this episode while you were editing. Reload it and try again."
    ]


def test_a_lead_may_not_edit_clinical_details(team):
    patient = make_patient(team)
    client = client_for(make_user(Role.LEAD, team.site.organisation))
    assert client.get(reverse("patients:edit", args=[patient.pk])).status_code == 403
    assert client.get(reverse("patients:record", args=[patient.pk])).status_code == 200


def test_each_role_starts_on_its_own_home_page(team):
    patient = make_patient(team, login=True)
    homes = {
        member(team, Role.NURSE): "/caseload/",
        make_user(Role.LEAD, team.site.organisation): "/caseload/",
        patient.user: "/me/",
        make_caregiver(patient, parts=[]): "/family/",
    }
    for user, home in homes.items():
        assert client_for(user).get("/")["Location"] == home


def test_the_patient_home_greets_them_with_their_team(team):
    patient = make_patient(team, login=True, family_name="王", given_name="芳")
    body = client_for(patient.user).get(reverse("patients:me")).content.decode()
    assert "Hello, 王芳" in body
    assert member(team, Role.THERAPIST).full_name in body
    assert 'class="large"' in body


def test_bad_input_is_explained_in_the_users_language(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.NURSE))
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("patients:fracture-new", args=[patient.pk]),
        {"site": "hip", "occurred_on": "2099-01-01"},
    )
    assert response.context["form"].errors["occurred_on"] == ["这个日期晚于今天。"]


def test_a_clinician_marks_a_fracture_entered_in_error_from_the_record(team):
    patient = make_patient(team)
    fracture = patient.fractures.create(site="humerus", occurred_on=date(2023, 3, 3))
    client = client_for(member(team, Role.THERAPIST))
    record = reverse("patients:record", args=[patient.pk])
    retract = reverse("patients:fracture-retract", args=[patient.pk, fracture.pk])
    assert retract in client.get(record).content.decode()
    assert client.post(retract, {"reason": "Recorded for the wrong arm"}).status_code == 302
    assert "Humerus" not in client.get(record).content.decode()
    assert client.get(retract).status_code == 404  # already marked: nothing to correct


def test_a_patient_changes_their_own_password(team):
    patient = make_patient(team, login=True)
    user = login_of(patient)
    client = client_for(user)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": "my-new-passphrase-42",
            "new_password2": "my-new-passphrase-42",
        },
    )
    assert response["Location"] == reverse("accounts:password-changed")
    user.refresh_from_db()
    assert user.check_password("my-new-passphrase-42")
