from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.homesafety.domain import ITEMS
from osteorehab.homesafety.models import HomeSafetyAction, HomeSafetyCheck
from osteorehab.homesafety.services import home_safety_check_record
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

CHECK = {
    "checked_on": "2026-11-20",
    "how": "in_person",
    "note": "Zznote: the daughter will fit the rails.",
    "item_living_rugs": "hazard",
    "item_stairs_rails": "hazard",
    "item_general_phone": "hazard",
    "item_kitchen_floor": "ok",
    "item_bathroom_door": "not_applicable",
}


def overview(patient):
    return reverse("homesafety:overview", args=[patient.pk])


def check(patient):
    return reverse("homesafety:check", args=[patient.pk])


def done(patient, action):
    return reverse("homesafety:action-done", args=[patient.pk, action.pk])


def recorded(patient, nurse, checked_on=date(2026, 11, 20)):
    home_safety_check_record(
        patient=patient,
        by=nurse,
        checked_on=checked_on,
        how="video",
        answers={"living_rugs": "hazard", "bathroom_grab_bath": "hazard", "general_aids": "hazard"},
        note="Zznote",
    )
    return {a.item: a for a in HomeSafetyAction.objects.filter(patient=patient)}


def test_the_nurse_records_a_check_room_by_room_and_sees_the_actions(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.NURSE))
    page = client.get(check(patient))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('<fieldset class="room">') == 7
    assert "<legend>Bathroom and toilet</legend>" in body
    assert body.count('type="radio" name="item_') == 3 * len(ITEMS)
    assert "Are there grab bars by the bath or in the shower, fixed to the wall?" in body

    response = client.post(check(patient), CHECK)
    assert response.status_code == 302
    assert response["Location"] == overview(patient)
    saved = HomeSafetyCheck.objects.get()
    assert saved.answers == {
        "living_rugs": "hazard",
        "stairs_rails": "hazard",
        "kitchen_floor": "ok",
        "bathroom_door": "not_applicable",
        "general_phone": "hazard",
    }
    assert [(a.item, a.owner, a.due_on) for a in HomeSafetyAction.objects.all()] == [
        ("living_rugs", "patient", date(2026, 11, 27)),
        ("general_phone", "nurse", date(2026, 12, 4)),
        ("stairs_rails", "caregiver", date(2026, 12, 20)),
    ]
    page = client.get(overview(patient))
    body = page.content.decode()
    assert [a.item for a in page.context["open_actions"]] == [
        "living_rugs",
        "general_phone",
        "stairs_rails",
    ]
    assert "Fit firm handrails on both sides, running the whole length of the stairs." in body
    assert "2026-12-20" in body
    assert "Caregiver" in body
    assert "Overdue" not in body
    assert "Zznote" in body
    # the latest check by room: 26 items not checked, shown as such
    assert body.count("Not checked</span>") == len(ITEMS) - 5
    assert [(row["hazards"], row["not_checked"]) for row in page.context["checks"]] == [(3, 26)]


def test_an_overdue_action_is_highlighted(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    recorded(patient, nurse, checked_on=date(2026, 11, 1))  # rugs due 11-08, aids 11-15
    body = client_for(nurse).get(overview(patient)).content.decode()
    assert body.count('<span class="flag urgent">Overdue</span>') == 2
    assert body.count('<li class="card urgent">') == 2


def test_a_bad_check_is_refused_on_its_field_and_nothing_saved(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.NURSE))
    response = client.post(check(patient), {**CHECK, "checked_on": "2026-11-22"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"checked_on": ["This date is in the future."]}
    nothing = {key: value for key, value in CHECK.items() if not key.startswith("item_")}
    response = client.post(check(patient), nothing)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "__all__": ["Answer at least one item of the checklist."]
    }
    response = client.post(check(patient), {**CHECK, "item_living_rugs": "maybe"})
    assert response.status_code == 400
    assert "item_living_rugs" in response.context["form"].errors
    assert not HomeSafetyCheck.objects.exists()
    assert not HomeSafetyAction.objects.exists()


def test_the_recheck_form_shows_which_hazards_have_an_open_action(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    recorded(patient, nurse)
    body = client_for(nurse).get(check(patient)).content.decode()
    assert body.count("An action for this hazard is still open.") == 3


def test_the_patient_marks_their_own_action_done_but_not_the_nurses(team):
    patient = make_patient(team, login=True)
    found = recorded(patient, member(team, Role.NURSE))
    client = client_for(login_of(patient))
    page = client.get(overview(patient))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="large"' in body
    assert "Zznote" not in body
    assert "Record a check" not in body
    # buttons for the patient's and the caregiver's actions, none for the nurse's
    assert body.count("Mark as done<span") == 2
    assert done(patient, found["general_aids"]) not in body
    assert 'type="date"' not in body  # a single large button: done today

    response = client.post(done(patient, found["living_rugs"]))
    assert response.status_code == 302
    assert response["Location"] == overview(patient)
    rugs = HomeSafetyAction.objects.get(pk=found["living_rugs"].pk)
    assert (rugs.done_on, rugs.done_by) == (date(2026, 11, 21), login_of(patient))
    assert client.post(done(patient, found["general_aids"])).status_code == 403
    assert HomeSafetyAction.objects.get(pk=found["general_aids"].pk).is_open
    assert client.get(check(patient)).status_code == 403
    assert client.post(check(patient), CHECK).status_code == 403
    assert HomeSafetyCheck.objects.count() == 1
    page = client.get(overview(patient))
    assert [a.item for a in page.context["closed_actions"]] == ["living_rugs"]
    assert "Done on 2026-11-21" in page.content.decode()


def test_the_nurse_marks_an_action_done_on_a_given_day(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    found = recorded(patient, nurse)
    client = client_for(nurse)
    response = client.post(done(patient, found["general_aids"]), {"done_on": "2026-11-20"})
    assert response.status_code == 302
    assert HomeSafetyAction.objects.get(pk=found["general_aids"].pk).done_on == date(2026, 11, 20)
    # a bad date is refused with its message, and the action stays open
    response = client.post(
        done(patient, found["living_rugs"]), {"done_on": "2026-11-22"}, follow=True
    )
    assert "This date is in the future." in response.content.decode()
    assert HomeSafetyAction.objects.get(pk=found["living_rugs"].pk).is_open


def test_marking_done_takes_post_only(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    found = recorded(patient, nurse)
    assert client_for(nurse).get(done(patient, found["living_rugs"])).status_code == 405
    assert HomeSafetyAction.objects.get(pk=found["living_rugs"].pk).is_open


def test_a_caregiver_needs_the_plan_shared_and_family_consent(team):
    patient = make_patient(team, login=True)
    found = recorded(patient, member(team, Role.NURSE))
    with_plan = client_for(make_caregiver(patient, parts=[Part.PLAN]))
    assert with_plan.get(overview(patient)).status_code == 200
    assert with_plan.post(done(patient, found["bathroom_grab_bath"])).status_code == 302
    assert not HomeSafetyAction.objects.get(pk=found["bathroom_grab_bath"].pk).is_open
    assert with_plan.post(check(patient), CHECK).status_code == 403

    without_plan = client_for(make_caregiver(patient, parts=[Part.PROGRAM, Part.PROGRESS]))
    assert without_plan.get(overview(patient)).status_code == 403
    assert without_plan.post(done(patient, found["living_rugs"])).status_code == 403

    other = make_patient(team, login=True)
    other_found = recorded(other, member(team, Role.NURSE))
    no_consent = client_for(make_caregiver(other, parts=list(Part), consent=False))
    assert no_consent.get(overview(other)).status_code == 404
    assert no_consent.post(done(other, other_found["living_rugs"])).status_code == 404
    assert HomeSafetyAction.objects.get(pk=found["living_rugs"].pk).is_open
    assert HomeSafetyAction.objects.get(pk=other_found["living_rugs"].pk).is_open


def test_the_program_lead_reads_but_neither_records_nor_marks_done(team):
    patient = make_patient(team)
    found = recorded(patient, member(team, Role.NURSE))
    client = client_for(make_user(Role.LEAD, team.site.organisation))
    page = client.get(overview(patient))
    assert page.status_code == 200
    assert (page.context["can_record"], page.context["markable_owners"]) == (False, [])
    assert client.get(check(patient)).status_code == 403
    assert client.post(done(patient, found["living_rugs"])).status_code == 403
    assert HomeSafetyAction.objects.get(pk=found["living_rugs"].pk).is_open


def test_an_outsiders_patient_and_actions_are_not_found(team):
    outsider_team = make_team(make_org())
    outsider = make_patient(outsider_team, family_name="Zzoutsider")
    theirs = recorded(outsider, member(outsider_team, Role.NURSE))["living_rugs"]
    nurse = member(team, Role.NURSE)
    client = client_for(nurse)
    for url in (overview(outsider), check(outsider), done(outsider, theirs)):
        assert client.get(url).status_code == 404
        assert client.post(url, CHECK).status_code == 404
    # the outsider's action under one's own patient is not found either
    own = make_patient(team)
    assert client.post(done(own, theirs)).status_code == 404
    assert HomeSafetyAction.objects.get(pk=theirs.pk).is_open
    assert HomeSafetyCheck.objects.filter(patient=outsider).count() == 1


def test_the_record_page_links_to_home_safety(team):
    patient = make_patient(team)
    body = (
        client_for(member(team, Role.NURSE))
        .get(reverse("patients:record", args=[patient.pk]))
        .content.decode()
    )
    assert overview(patient) in body


def test_the_overview_takes_the_same_queries_however_many_checks(
    team, django_assert_max_num_queries
):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    client = client_for(nurse)
    client.get(overview(patient))  # warm the session and caches
    recorded(patient, nurse, checked_on=date(2026, 11, 1))
    with CaptureQueriesContext(connection) as one:
        client.get(overview(patient))
    queries = len(one.captured_queries)  # now: the next request clears the log
    for day in (5, 10, 15):
        found = recorded(patient, nurse, checked_on=date(2026, 11, day))
        client.post(done(patient, found["general_aids"]), {"done_on": f"2026-11-{day:02}"})
    with django_assert_max_num_queries(queries):
        page = client.get(overview(patient))
    assert len(page.context["checks"]) == 4
    assert len(page.context["closed_actions"]) == 3
