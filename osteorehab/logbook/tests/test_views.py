import re
import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from osteorehab.accounts.domain import CaregiverAction, Part, Role
from osteorehab.alerts.models import Alert
from osteorehab.education.services import assignment_create
from osteorehab.logbook.models import CheckIn, ExerciseLog, FallReport
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

from .factories import (
    ITEMS,
    TODAY,
    check_in,
    check_in_form,
    log_exercise,
    make_plan,
    report_fall,
)

pytestmark = pytest.mark.django_db

CHECK_IN = check_in_form(TODAY)


@pytest.fixture
def patient(team):
    patient = make_patient(team, login=True)
    make_plan(patient)
    return patient


@pytest.fixture
def client(patient):
    return client_for(login_of(patient))


def key_of(response) -> str:
    """The submission key the server put in the form."""
    found = re.search(r'name="client_key" value="([0-9a-f-]{36})"', response.content.decode())
    assert found, "the form carries no client_key"
    return found.group(1)


def test_today_shows_exactly_todays_items_of_the_approved_plan(patient, client):
    # a newer version, waiting for the physician, is not in force yet
    make_plan(patient, ITEMS[1:2], approved=False)
    response = client.get(reverse("logbook:today"))
    assert response.status_code == 200
    session = response.context["session"]
    assert session.version.number == 1
    # Saturday: chin tucks and seated marching; wall push-ups are for Monday and Thursday
    assert [step.code for step in session.steps] == ["chin_tucks", "seated_marching"]
    body = response.content.decode()
    assert "Chin tucks" in body
    assert "Seated marching" in body
    assert "Wall push-up" not in body
    assert response.context["next"] == reverse("logbook:exercise", args=["chin_tucks"])
    assert "Start" in body


def test_today_without_a_plan_says_so_and_still_offers_the_practice(team):
    patient = make_patient(team, login=True)
    response = client_for(login_of(patient)).get(reverse("logbook:today"))
    assert response.context["session"].steps == []
    assert response.context["next"] == reverse("logbook:practice")
    assert "will appear here once your care team has set it up" in response.content.decode()


def test_the_patient_home_card_counts_todays_exercises(patient, client):
    log_exercise(patient, login_of(patient))
    body = client.get(reverse("patients:me")).content.decode()
    assert "Exercises done today: 1 of 2." in body
    assert reverse("logbook:today") in body
    assert reverse("logbook:check-in") in body
    assert reverse("logbook:fall-report") in body


def test_an_exercise_screen_shows_how_much_with_a_timer_for_the_hold(client):
    response = client.get(reverse("logbook:exercise", args=["chin_tucks"]))
    body = response.content.decode()
    assert response.context["dose"] == "hold 3 seconds; 5 minutes"
    assert 'data-seconds="3"' in body
    assert "Exercise 1 of 2" in body
    for completion in ("done", "partly", "skipped"):
        assert f"/me/today/exercises/chin_tucks/log/?completion={completion}" in body
    # an exercise of another day goes back to today
    other = client.get(reverse("logbook:exercise", args=["wall_push_up"]))
    assert other["Location"] == reverse("logbook:today")


def test_a_patient_completes_todays_session(patient, client):
    log_url = reverse("logbook:exercise-log", args=["chin_tucks"])
    form = client.get(log_url, {"completion": "done"})
    assert form.status_code == 200
    assert form.context["form"].initial["minutes"] == 5  # the plan's dose, to confirm
    response = client.post(
        log_url,
        {
            "client_key": key_of(form),
            "day": "2026-11-21",
            "plan_version": "1",
            "completion": "done",
            "minutes": "5",
            "effort": "4",
            "pain": "1",
        },
    )
    assert response["Location"] == reverse("logbook:exercise", args=["seated_marching"])

    marching = reverse("logbook:exercise-log", args=["seated_marching"])
    skipped = client.get(marching, {"completion": "skipped"})
    assert "effort" not in skipped.context["form"].fields
    response = client.post(
        marching,
        {
            "client_key": key_of(skipped),
            "day": "2026-11-21",
            "plan_version": "1",
            "completion": "skipped",
            "skip_reason": "pain",
        },
    )
    assert response["Location"] == reverse("logbook:practice")
    rows = list(
        ExerciseLog.objects.order_by("id").values_list(
            "exercise", "completion", "minutes", "effort", "pain", "skip_reason", "entered_as"
        )
    )
    assert rows == [
        ("chin_tucks", "done", 5, 4, 1, "", "patient"),
        ("seated_marching", "skipped", None, None, None, "pain", "patient"),
    ]
    today = client.get(reverse("logbook:today"))
    assert today.context["session"].next_step is None
    assert "You have done today's exercises. Well done!" in today.content.decode()


def test_a_log_without_effort_and_pain_is_refused_on_those_questions(client):
    url = reverse("logbook:exercise-log", args=["chin_tucks"])
    form = client.get(url, {"completion": "partly"})
    response = client.post(
        url,
        {
            "client_key": key_of(form),
            "day": "2026-11-21",
            "plan_version": "1",
            "completion": "partly",
            "minutes": "2",
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"effort", "pain"}
    assert not ExerciseLog.objects.exists()


def test_a_log_sent_twice_is_stored_once(client):
    url = reverse("logbook:exercise-log", args=["chin_tucks"])
    data = {
        "client_key": str(uuid.uuid4()),
        "day": "2026-11-21",
        "plan_version": "1",
        "completion": "done",
        "minutes": "5",
        "effort": "3",
        "pain": "0",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert ExerciseLog.objects.count() == 1


def test_the_practice_of_the_day_leads_to_the_lessons_to_do(team, patient, client):
    assignment_create(patient=patient, by=member(team, Role.NURSE), module="nutrition")
    response = client.get(reverse("logbook:practice"))
    assert response.context["practice"].code == "cup_of_tea"  # 2026-11-21's turn
    assert response.context["next"] == reverse("logbook:lessons")
    body = response.content.decode()
    assert "A cup of tea, slowly" in body
    assert "written by the OsteoRehab program in its own words" in body
    lessons = client.get(reverse("logbook:lessons")).content.decode()
    assert reverse("education:lesson", args=["nutrition"]) in lessons


def test_the_practice_is_in_chinese_for_a_chinese_reader(client):
    client.cookies["django_language"] = "zh-hans"
    body = client.get(reverse("logbook:practice")).content.decode()
    assert "慢慢喝一杯茶" in body


def test_a_patient_checks_in_and_a_resent_check_in_is_stored_once(client):
    form = client.get(reverse("logbook:check-in"))
    assert form.status_code == 200
    data = {**CHECK_IN, "client_key": key_of(form)}
    response = client.post(reverse("logbook:check-in"), data)
    entry = CheckIn.objects.get()
    assert response["Location"] == reverse("logbook:check-in-done", args=[entry.pk])
    assert (entry.mood, entry.confidence, entry.sleep, entry.back_pain_new) == (4, 7, "good", False)
    again = client.post(reverse("logbook:check-in"), data)
    assert again["Location"] == response["Location"]
    assert CheckIn.objects.count() == 1
    done = client.get(response["Location"])
    assert "Your answers have been sent to your care team." in done.content.decode()
    assert not Alert.objects.exists()


def test_a_check_in_with_an_unanswered_question_names_it(client):
    form = client.get(reverse("logbook:check-in"))
    data = {**CHECK_IN, "client_key": key_of(form)}
    del data["sleep"]
    response = client.post(reverse("logbook:check-in"), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["sleep"]
    assert key_of(response) == data["client_key"]  # the same key, sent again with the answer


def test_new_severe_back_pain_tells_the_patient_what_to_do_now(client, settings):
    settings.CRISIS_CONTACT = "Emergency: 120"
    form = client.get(reverse("logbook:check-in"))
    data = {**CHECK_IN, "client_key": key_of(form), "back_pain_new": "yes", "pain": "8"}
    done = client.get(client.post(reverse("logbook:check-in"), data)["Location"])
    body = done.content.decode()
    assert 'role="alert"' in body
    assert "call your local emergency number now" in body
    assert "Emergency: 120" in body
    assert Alert.objects.get().kind == "severe_back_pain"


def test_a_check_in_telling_of_a_fall_leads_to_the_fall_report(client):
    form = client.get(reverse("logbook:check-in"))
    data = {**CHECK_IN, "client_key": key_of(form), "falls": "1"}
    done = client.get(client.post(reverse("logbook:check-in"), data)["Location"])
    assert reverse("logbook:fall-report") in done.content.decode()
    assert "You told us you fell" in done.content.decode()


def fall_answers(client, answers: list[dict[str, str]]):
    """Answer the fall report's screens one by one, as the browser would post them."""
    url = reverse("logbook:fall-report")
    page = client.get(url)
    response = page
    for answer in answers:
        hidden = dict(
            re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode()
            )
        )
        hidden.pop("csrfmiddlewaretoken", None)
        response = client.post(url, {**hidden, **answer})
        page = response
    return response


INJURED = [
    {"when": "2026-11-21"},
    {"place": "home_inside"},
    {"injury": "yes"},
    {"injury_what": "My left wrist"},
    {"could_get_up": "yes"},
    {"saw_doctor": "no"},
]


def test_a_fall_with_injury_shows_what_to_do_now_on_its_own_address(patient, client, settings):
    settings.CRISIS_CONTACT = "Emergency: 120"
    response = fall_answers(client, INJURED)
    fall = FallReport.objects.get()
    assert response["Location"] == reverse("logbook:fall-done", args=[fall.pk])
    assert (fall.happened_on, fall.place, fall.injury, fall.injury_what, fall.could_get_up) == (
        date(2026, 11, 21),
        "home_inside",
        True,
        "My left wrist",
        True,
    )
    body = client.get(response["Location"]).content.decode()
    assert 'role="alert"' in body
    assert "Stay calm." in body
    assert "If you are hurt or cannot get up, call your local emergency number now." in body
    assert "Emergency: 120" in body
    assert "Your care team has been told and will contact you soon." in body
    alert = Alert.objects.get()
    assert (alert.kind, alert.patient, alert.roles) == (
        "fall_injury",
        patient,
        ["nurse", "physician"],
    )


def test_the_fall_report_asks_one_question_per_screen_and_skips_what_was_hurt(client):
    url = reverse("logbook:fall-report")
    first = client.get(url)
    assert first.context["step"] == "when"
    # what was hurt is asked only after a yes: five questions until then
    assert (first.context["number"], first.context["count"]) == (1, 5)
    answers = [a for a in INJURED if "injury_what" not in a]
    answers[2] = {"injury": "no"}
    response = fall_answers(client, answers[:3])
    assert response.context["step"] == "got_up"
    assert (response.context["number"], response.context["count"]) == (4, 5)
    response = fall_answers(client, answers)
    body = client.get(response["Location"]).content.decode()
    assert 'role="alert"' not in body
    assert "Your care team will see your report." in body
    assert FallReport.objects.get().injury_what == ""
    assert not Alert.objects.exists()


def test_a_fall_screen_left_unanswered_asks_again_and_back_keeps_the_answers(client):
    url = reverse("logbook:fall-report")
    key = key_of(client.get(url))
    unanswered = client.post(url, {"client_key": key, "step": "when"})
    assert unanswered.status_code == 400
    assert unanswered.context["step"] == "when"
    place = client.post(url, {"client_key": key, "step": "when", "when": "2026-11-20"})
    assert place.context["step"] == "place"
    back = client.post(url, {"client_key": key, "step": "place", "when": "2026-11-20", "back": "1"})
    assert back.context["step"] == "when"
    assert back.context["form"].initial["when"] == "2026-11-20"
    future = client.post(
        url, {"client_key": key, "step": "when", "when": "other", "other_day": "2026-12-01"}
    )
    assert future.context["step"] == "place"  # the date is checked when the report is sent


def test_a_fall_on_a_future_day_is_refused_on_the_first_screen(client):
    answers = [{"when": "other", "other_day": "2026-12-01"}, *INJURED[1:]]
    response = fall_answers(client, answers)
    assert response.status_code == 400
    assert response.context["step"] == "when"
    assert response.context["form"].errors == {"other_day": ["This date is in the future."]}
    assert not FallReport.objects.exists()


def test_the_patients_result_pages_show_only_their_own_entries(team, patient, client):
    other = make_patient(team, login=True)
    theirs = report_fall(other, login_of(other), injury=True)
    assert client.get(reverse("logbook:fall-done", args=[theirs.pk])).status_code == 404
    their_check_in = check_in(other, login_of(other))
    assert client.get(reverse("logbook:check-in-done", args=[their_check_in.pk])).status_code == 404


@pytest.mark.parametrize("name", ["today", "check-in", "fall-report", "practice"])
def test_the_patients_pages_are_for_patients(team, name):
    for user in (member(team, Role.NURSE), make_user(Role.LEAD, team.site.organisation)):
        assert client_for(user).get(reverse(f"logbook:{name}")).status_code == 403
    assert client_for(None).get(reverse(f"logbook:{name}")).status_code == 302


# ---- The care team ----


def test_the_nurse_enters_a_check_in_from_a_phone_call_and_sees_the_alert_message(team, patient):
    nurse = client_for(member(team, Role.NURSE))
    url = reverse("logbook:enter-check-in", args=[patient.pk])
    form = nurse.get(url)
    data = {
        **CHECK_IN,
        "client_key": key_of(form),
        "via": "phone",
        "back_pain_new": "yes",
        "pain": "9",
    }
    response = nurse.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("logbook:overview", args=[patient.pk])
    entry = CheckIn.objects.get()
    assert (entry.entered_as, entry.entered_by) == ("nurse_phone", member(team, Role.NURSE))
    body = response.content.decode()
    assert "An urgent alert has gone to the nurse and the physician: New severe back pain." in body
    assert "The care team, from a phone call" in body
    assert Alert.objects.get().kind == "severe_back_pain"


def test_the_nurse_enters_a_fall_and_an_exercise_from_the_paper_diary(team, patient):
    nurse = client_for(member(team, Role.NURSE))
    fall_url = reverse("logbook:enter-fall", args=[patient.pk])
    response = nurse.post(
        fall_url,
        {
            "client_key": key_of(nurse.get(fall_url)),
            "via": "paper",
            "happened_on": "2026-11-18",
            "place": "street",
            "injury": "no",
            "could_get_up": "no",
            "saw_doctor": "yes",
        },
    )
    assert response.status_code == 302
    assert FallReport.objects.get().entered_as == "nurse_paper"
    assert Alert.objects.get().kind == "fall_cannot_get_up"
    log_url = reverse("logbook:enter-exercise", args=[patient.pk])
    form = nurse.get(log_url)
    assert [c[0] for c in form.context["form"].fields["exercise"].choices] == [
        "",
        "chin_tucks",
        "wall_push_up",
        "seated_marching",
    ]
    response = nurse.post(
        log_url,
        {
            "client_key": key_of(form),
            "via": "paper",
            "day": "2026-11-19",
            "exercise": "wall_push_up",
            "completion": "partly",
            "sets": "1",
            "reps": "6",
        },
    )
    assert response.status_code == 302
    entry = ExerciseLog.objects.get()
    assert (entry.day, entry.plan_version, entry.reps, entry.effort, entry.entered_as) == (
        date(2026, 11, 19),
        1,
        6,
        None,
        "nurse_paper",
    )


def test_the_nurse_must_say_how_she_heard(team, patient):
    nurse = client_for(member(team, Role.NURSE))
    url = reverse("logbook:enter-check-in", args=[patient.pk])
    response = nurse.post(url, {**CHECK_IN, "client_key": key_of(nurse.get(url))})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["via"]


def test_a_caregiver_allowed_to_log_enters_without_saying_how(patient):
    daughter = make_caregiver(patient, parts=[Part.LOG], actions=[CaregiverAction.LOG_ON_BEHALF])
    client = client_for(daughter)
    url = reverse("logbook:enter-check-in", args=[patient.pk])
    form = client.get(url)
    assert "via" not in form.context["form"].fields
    response = client.post(url, {**CHECK_IN, "client_key": key_of(form)})
    assert response.status_code == 302
    assert CheckIn.objects.get().entered_as == "caregiver"
    assert client.get(reverse("logbook:overview", args=[patient.pk])).status_code == 200


@pytest.mark.parametrize("name", ["enter-exercise", "enter-check-in", "enter-fall"])
def test_who_may_only_read_the_log_may_not_enter_it(team, patient, name):
    reader = make_caregiver(patient, parts=[Part.LOG])
    lead = make_user(Role.LEAD, team.site.organisation)
    url = reverse(f"logbook:{name}", args=[patient.pk])
    for user in (reader, lead, login_of(patient)):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(url, {**CHECK_IN, "via": "phone"}).status_code == 403
    assert client_for(lead).get(reverse("logbook:overview", args=[patient.pk])).status_code == 200
    assert not CheckIn.objects.exists()
    assert not ExerciseLog.objects.exists()


def test_the_log_is_not_found_outside_ones_care_and_forbidden_without_the_log_shared(patient):
    outsider_nurse = member(make_team(make_org()), Role.NURSE)
    url = reverse("logbook:overview", args=[patient.pk])
    assert client_for(outsider_nurse).get(url).status_code == 404
    planner = make_caregiver(patient, parts=[Part.PLAN])
    assert client_for(planner).get(url).status_code == 403


def test_the_overview_counts_each_days_exercises_done_against_planned(team, patient):
    me = login_of(patient)
    log_exercise(patient, me)  # Saturday: chin tucks done
    log_exercise(
        patient,
        me,
        exercise="seated_marching",
        completion="skipped",
        skip_reason="fatigue",
        minutes=None,
        effort=None,
        pain=None,
    )
    log_exercise(patient, me, day=date(2026, 11, 19), exercise="wall_push_up", completion="partly")
    check_in(patient, me, day=date(2026, 11, 20), back_pain_new=True, pain=7)
    report_fall(patient, me, injury=True, injury_what="Hip")
    nurse = client_for(member(team, Role.NURSE))
    url = reverse("logbook:overview", args=[patient.pk])
    response = nurse.get(url)
    days = {row.day: row for row in response.context["overview"].days}
    assert len(days) == 28
    saturday, thursday = days[date(2026, 11, 21)], days[date(2026, 11, 19)]
    assert (saturday.planned, saturday.done, saturday.skipped, saturday.not_logged) == (2, 1, 1, 0)
    # the plan came into force today: earlier days had nothing planned, and the log is extra
    assert (thursday.planned, thursday.partly, thursday.extra) == (0, 1, 1)
    assert [c.day for c in days[date(2026, 11, 20)].check_ins] == [date(2026, 11, 20)]
    body = response.content.decode()
    assert "new back pain, pain 7 of 10: severe by Serlin 1995" in body
    assert "fall with injury: a severity indicator after a fall" in body
    assert "Hip" in body
    # a few queries, however many entries
    with CaptureQueriesContext(connection) as few:
        nurse.get(url)
    for day in range(1, 15):
        check_in(patient, me, day=date(2026, 11, day))
        log_exercise(patient, me, day=date(2026, 11, day))
    with CaptureQueriesContext(connection) as many:
        nurse.get(url)
    assert len(many) == len(few)


def test_the_record_links_to_the_log_for_those_who_see_it(team, patient):
    url = reverse("patients:record", args=[patient.pk])
    log = reverse("logbook:overview", args=[patient.pk])
    assert log in client_for(member(team, Role.THERAPIST)).get(url).content.decode()
    shared = make_caregiver(patient, parts=[Part.LOG])
    assert log in client_for(shared).get(url).content.decode()
    other = make_patient(team, login=True)
    not_shared = make_caregiver(other, parts=[Part.PLAN])
    body = client_for(not_shared).get(reverse("patients:record", args=[other.pk])).content.decode()
    assert reverse("logbook:overview", args=[other.pk]) not in body
