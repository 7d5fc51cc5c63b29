from datetime import date

import pytest
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.followup.models import ScheduleItem
from osteorehab.patients.models import EpisodeStatusChange
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

from .makers import record_all, start_program

pytestmark = pytest.mark.django_db

CHECK_UP = ("gad7", "phq9", "confidence", "short_fes_i")
MOTOR = ("chair_stand_30s", "two_minute_walk")


def body(response):
    return response.content.decode()


def the(patient, kind, due_on):
    return ScheduleItem.objects.get(patient=patient, kind=kind, due_on=due_on)


@pytest.fixture
def patient(team):
    """In the program since 3 November: the check-up and motor test of 17 November are overdue
    (their window closes today), the motor test of 1 December is coming."""
    patient = make_patient(team, login=True, family_name="Overdue", given_name="Olive")
    start_program(patient, date(2026, 11, 3))
    return patient


# ---- Follow-ups due (the caseload page) ----


def test_the_nurse_sees_what_is_due_across_the_caseload_with_links(team, patient):
    done = make_patient(team, family_name="Upto", given_name="Date")
    start_program(done, date(2026, 11, 3))
    record_all(done, CHECK_UP + MOTOR, date(2026, 11, 17))
    elsewhere = make_patient(make_team(team.site.organisation), family_name="Zzother")
    start_program(elsewhere, date(2026, 11, 3))
    response = client_for(member(team, Role.NURSE)).get(reverse("followup:due"))
    assert response.status_code == 200
    page = body(response)
    assert "Follow-ups due" in page
    assert page.count(f'href="/patients/{patient.pk}/schedule/"') == 2
    assert "Olive Overdue" in page
    assert "Psychological check-up" in page
    assert "Motor endurance test" in page
    assert "30-Second Chair Stand, Two-minute walk test" in page  # still to do
    assert "Overdue: 2 · Due: 0 · Missed: 0" in page
    assert "Upto" not in page
    assert "Zzother" not in page
    # the listing is in the audit trail, one row for the patient listed
    event = AuditEvent.objects.get(action="list", target="followup:due")
    assert event.patient_id == patient.pk


def test_the_caseload_page_filters_by_status_and_kind(team, patient):
    nurse = client_for(member(team, Role.NURSE))
    url = reverse("followup:due")
    motor = body(nurse.get(url, {"kind": "motor_endurance_test"}))
    assert "Motor endurance test</td>" in motor
    assert "Psychological check-up</td>" not in motor
    missed = body(nurse.get(url, {"status": "missed"}))
    assert "Nothing is due, overdue or missed." in missed
    # an unknown filter shows everything, as "Any"
    assert "Olive Overdue" in body(nurse.get(url, {"status": "lost", "kind": "x"}))


def test_the_program_lead_sees_the_organisations_follow_ups_due(team, patient):
    lead = make_user(Role.LEAD, team.site.organisation)
    assert "Olive Overdue" in body(client_for(lead).get(reverse("followup:due")))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PATIENT, Role.CAREGIVER])
def test_who_has_no_caseload_is_refused_the_page(team, patient, role):
    user = {
        Role.ADMIN: make_user(Role.ADMIN, team.site.organisation),
        Role.PATIENT: login_of(patient),
        Role.CAREGIVER: make_caregiver(patient, parts=list(Part)),
    }[role]
    assert client_for(user).get(reverse("followup:due")).status_code in (302, 403)


def test_the_caseload_page_takes_the_same_queries_for_more_patients(
    team, django_assert_max_num_queries
):
    nurse = client_for(member(team, Role.NURSE))
    url = reverse("followup:due")
    for n in range(2):
        start_program(make_patient(team, family_name=f"First{n}"), date(2026, 11, 3))
    nurse.get(url)  # warm the session and the caches
    with django_assert_max_num_queries(12) as first:
        nurse.get(url)
    for n in range(6):
        start_program(make_patient(team, family_name=f"More{n}"), date(2026, 11, 3))
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = body(nurse.get(url))
    assert page.count("More") == 12


# ---- The patient's schedule (staff) ----


def test_the_schedule_page_shows_what_needs_attention_what_is_coming_and_what_was_done(
    team, patient
):
    record_all(patient, MOTOR, date(2026, 11, 18))
    response = client_for(member(team, Role.THERAPIST)).get(
        reverse("followup:schedule", args=[patient.pk])
    )
    assert response.status_code == 200
    page = body(response)
    attention, rest = page.split('id="upcoming-h"')
    assert "2026-11-17" in attention
    assert "Overdue" in attention
    assert "Still to do: GAD-7, PHQ-9" in attention
    coming, closed = rest.split('id="closed-h"')
    assert "2026-12-01" in coming
    assert "2026-12-03" in coming
    assert "Done on 2026-11-18." in closed
    assert 'id="add-h"' in page
    move = reverse(
        "followup:item-move", args=[patient.pk, the(patient, "team_review", date(2026, 12, 3)).pk]
    )
    assert f'href="{move}"' in page


def test_the_record_links_to_the_schedule(team, patient):
    page = body(
        client_for(member(team, Role.NURSE)).get(reverse("patients:record", args=[patient.pk]))
    )
    assert f'href="{reverse("followup:schedule", args=[patient.pk])}"' in page


def test_a_clinician_adds_an_item_from_the_schedule_page(team, patient):
    nurse = client_for(member(team, Role.NURSE))
    url = reverse("followup:schedule", args=[patient.pk])
    response = nurse.post(
        url, {"kind": "team_review", "due_on": "2026-11-24", "note": "After the fall"}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    added = the(patient, "team_review", date(2026, 11, 24))
    assert (added.note, added.added_by) == ("After the fall", member(team, Role.NURSE))
    assert "Added by" in body(nurse.get(url))


def test_a_refused_item_is_said_beside_the_field_and_nothing_is_saved(team, patient):
    before = ScheduleItem.objects.count()
    response = client_for(member(team, Role.NURSE)).post(
        reverse("followup:schedule", args=[patient.pk]),
        {"kind": "psychological_check_up", "due_on": "2026-12-01"},
    )
    assert response.status_code == 400
    assert "The schedule already has a Psychological check-up due on 2026-12-01." in body(response)
    assert ScheduleItem.objects.count() == before


def test_the_bone_density_scan_is_offered_to_the_physician_only(team, patient):
    url = reverse("followup:schedule", args=[patient.pk])
    scan = the(patient, "bone_density", date(2027, 11, 3))
    move = reverse("followup:item-move", args=[patient.pk, scan.pk])
    nurse_page = body(client_for(member(team, Role.NURSE)).get(url))
    assert '<option value="bone_density"' not in nurse_page
    assert f'href="{move}"' not in nurse_page
    physician = client_for(member(team, Role.PHYSICIAN))
    assert '<option value="bone_density"' in body(physician.get(url))
    assert f'href="{move}"' in body(physician.get(url))
    response = client_for(member(team, Role.NURSE)).post(
        move, {"due_on": "2027-06-01", "version": 1}
    )
    assert response.status_code == 400
    assert "only the physician changes it" in body(response)
    assert physician.post(move, {"due_on": "2027-06-01", "version": 1}).status_code == 302
    scan.refresh_from_db()
    assert scan.due_on == date(2027, 6, 1)


def test_the_program_lead_reads_the_schedule_but_does_not_change_it(team, patient):
    lead = client_for(make_user(Role.LEAD, team.site.organisation))
    url = reverse("followup:schedule", args=[patient.pk])
    page = body(lead.get(url))
    assert "Needs attention" in page
    assert 'id="add-h"' not in page
    assert lead.post(url, {"kind": "team_review", "due_on": "2026-11-24"}).status_code == 403
    item = the(patient, "team_review", date(2026, 12, 3))
    assert lead.get(reverse("followup:item-move", args=[patient.pk, item.pk])).status_code == 403


def test_an_outsider_gets_not_found(team, patient):
    outsider = member(make_team(make_org()), Role.NURSE)
    url = reverse("followup:schedule", args=[patient.pk])
    assert client_for(outsider).get(url).status_code == 404


def test_moving_an_item_from_its_page(team, patient):
    nurse = client_for(member(team, Role.NURSE))
    item = the(patient, "team_review", date(2026, 12, 3))
    url = reverse("followup:item-move", args=[patient.pk, item.pk])
    form = body(nurse.get(url))
    assert "Team review" in form
    assert "due on 2026-12-03, window 2026-11-26 – 2026-12-10" in form
    assert 'name="version" value="1"' in form
    response = nurse.post(url, {"due_on": "2026-12-08", "note": "Team away", "version": 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.due_on, item.closes_on, item.note) == (
        date(2026, 12, 8),
        date(2026, 12, 15),
        "Team away",
    )
    stale = nurse.post(url, {"due_on": "2026-12-09", "version": 1})
    assert stale.status_code == 400
    assert "Someone else changed this item" in body(stale)


def test_cancelling_an_item_asks_why(team, patient):
    nurse = client_for(member(team, Role.NURSE))
    item = the(patient, "motor_endurance_test", date(2026, 11, 17))
    url = reverse("followup:item-cancel", args=[patient.pk, item.pk])
    empty = nurse.post(url, {"reason": "", "version": 1})
    assert empty.status_code == 400
    assert "This field is required." in body(empty)
    assert nurse.post(url, {"reason": "Knee pain this week", "version": 1}).status_code == 302
    page = body(nurse.get(reverse("followup:schedule", args=[patient.pk])))
    assert "Why: Knee pain this week" in page


def test_marking_a_team_review_held(team, patient):
    counsellor = client_for(member(team, Role.COUNSELLOR))
    review = ScheduleItem.objects.create(
        patient=patient,
        episode=patient.episodes.get(),
        kind="team_review",
        due_on=date(2026, 11, 19),
        opens_on=date(2026, 11, 12),
        closes_on=date(2026, 11, 26),
    )
    url = reverse("followup:item-held", args=[patient.pk, review.pk])
    schedule = body(counsellor.get(reverse("followup:schedule", args=[patient.pk])))
    assert f'href="{url}"' in schedule
    assert counsellor.post(url, {"on": "2026-11-20"}).status_code == 302
    review.refresh_from_db()
    assert review.held_on == date(2026, 11, 20)
    page = body(counsellor.get(reverse("followup:schedule", args=[patient.pk])))
    assert "Held on 2026-11-20 (marked by" in page
    check_up = the(patient, "psychological_check_up", date(2026, 11, 17))
    wrong = counsellor.post(
        reverse("followup:item-held", args=[patient.pk, check_up.pk]), {"on": "2026-11-20"}
    )
    assert wrong.status_code == 400
    assert "Only a team review is marked held" in body(wrong)


def test_an_item_of_another_patient_is_not_found_under_this_one(team, patient):
    other = make_patient(team)
    start_program(other, date(2026, 11, 3))
    theirs = the(other, "team_review", date(2026, 12, 3))
    nurse = client_for(member(team, Role.NURSE))
    url = reverse("followup:item-cancel", args=[patient.pk, theirs.pk])
    assert nurse.post(url, {"reason": "x", "version": 1}).status_code == 404


def test_a_schedule_is_made_for_an_episode_that_became_active_before_schedules(team):
    patient = make_patient(team)
    episode = patient.episodes.get()
    type(episode).objects.filter(pk=episode.pk).update(status="active")
    EpisodeStatusChange.objects.create(
        episode=episode, to_status="active", on=date(2026, 9, 1), by=member(team, Role.NURSE)
    )
    lead = client_for(make_user(Role.LEAD, team.site.organisation))
    url = reverse("followup:schedule", args=[patient.pk])
    assert "Make the program's schedule" in body(lead.get(url))
    create = reverse("followup:schedule-create", args=[patient.pk])
    assert lead.get(create).status_code == 405
    assert lead.post(create).status_code == 302
    assert ScheduleItem.objects.filter(patient=patient).count() == 68
    assert "Make the program" not in body(lead.get(url))


# ---- The patient's side ----


def test_the_patient_sees_their_check_ups_in_plain_words(patient):
    response = client_for(login_of(patient)).get(reverse("followup:schedule", args=[patient.pk]))
    assert response.status_code == 200
    page = body(response)
    assert "My check-ups" in page
    assert "Questions about how you feel" in page
    assert "Please do it as soon as you can, by Nov. 21, 2026 at the latest." in page
    assert "Fitness check with your therapist" in page
    assert "Dec. 1, 2026 (In 10 days)" in page
    assert "Team review" not in page
    assert "Window" not in page
    assert f'href="{reverse("assessments:questionnaires")}"' in page


def test_a_caregiver_sees_the_check_ups_only_if_the_program_is_shared(patient):
    url = reverse("followup:schedule", args=[patient.pk])
    shared = make_caregiver(patient, parts=[Part.PROGRAM])
    page = body(client_for(shared).get(url))
    assert "Check-ups" in page
    assert "Questions about how you feel" in page
    assert "Answer my questionnaires" not in page
    not_shared = make_caregiver(patient, parts=[Part.PLAN])
    assert client_for(not_shared).get(url).status_code == 403
    assert client_for(shared).post(url, {"kind": "team_review"}).status_code == 403


def test_the_questionnaires_page_asks_for_what_the_schedule_says_is_due(patient):
    client = client_for(login_of(patient))
    url = reverse("assessments:questionnaires")
    record_all(patient, ("see", "tsk17"), date(2026, 11, 3))  # the baseline, done
    page = body(client.get(url))
    now, others = page.split('id="others-h"')
    for name in ("GAD-7", "PHQ-9", "Short FES-I"):
        assert f"{name}\n    — start" in now
    assert "Please answer by Nov. 21, 2026." in now
    assert "— done" not in now
    assert "Self-Efficacy for Exercise" not in now
    assert "Self-Efficacy for Exercise\n    — done" in others
    # all four answered inside the window: nothing to answer now
    record_all(patient, CHECK_UP, date(2026, 11, 20))
    page = body(client.get(url))
    assert "Nothing to answer now." in page


def test_a_questionnaire_the_patient_started_stays_to_answer_now(patient):
    client = client_for(login_of(patient))
    record_all(patient, (*CHECK_UP, "see", "tsk17"), date(2026, 11, 20))
    client.get(reverse("assessments:questionnaire", args=["tsk17"]))
    client.post(reverse("assessments:questionnaire", args=["tsk17"]), {"answer": "2"})
    now = body(client.get(reverse("assessments:questionnaires"))).split('id="others-h"')[0]
    assert "— continue" in now
    assert client.get(reverse("plans:my-goals")).context["waiting"] == 1


def test_the_goal_sheet_shows_the_next_check_ups(patient):
    page = body(client_for(login_of(patient)).get(reverse("plans:my-goals")))
    assert "My next check-ups" in page
    assert "Questions about how you feel" in page
    assert f'href="{reverse("followup:schedule", args=[patient.pk])}"' in page


def test_the_caseload_shows_each_patients_most_urgent_follow_up_or_the_next_one(team):
    behind, ahead, without = make_patient(team), make_patient(team), make_patient(team)
    start_program(behind, date(2026, 11, 5))  # check-ups due 19 November: overdue, unanswered
    start_program(ahead, date(2026, 11, 19))  # the first check-ups are due on 3 December
    html = client_for(member(team, Role.NURSE)).get(reverse("patients:caseload")).content.decode()
    rows = {p: html[html.index(p.name) :].split("</tr>")[0] for p in (behind, ahead, without)}
    assert "Psychological check-up: Overdue" in rows[behind]
    assert "Psychological check-up, 2026-12-03" in rows[ahead]
    assert rows[without].rstrip().endswith("<td>—</td>")
