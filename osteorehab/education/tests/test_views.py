from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.education.models import Assignment, FoodItem, NutritionCheck
from osteorehab.education.services import (
    assignment_complete,
    assignment_create,
    food_item_create,
)
from osteorehab.plans.education import MODULES_BY_CODE
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

BASICS = MODULES_BY_CODE["osteoporosis_basics"]
MILK = {
    "name_en": "Milk",
    "name_zh": "牛奶",
    "serving_en": "one glass (250 mL)",
    "serving_zh": "一杯（250毫升）",
    "mg_per_serving": "300",
    "source": "Clinic food table, 2024 edition",
}


def overview(patient):
    return reverse("education:overview", args=[patient.pk])


def nutrition(patient):
    return reverse("education:nutrition", args=[patient.pk])


def module_page(patient, code="osteoporosis_basics"):
    return reverse("education:module", args=[patient.pk, code])


def quiz(code="osteoporosis_basics"):
    return reverse("education:quiz", args=[code])


def assign(patient, module="osteoporosis_basics"):
    return assignment_create(
        patient=patient, by=member(patient.care_team, Role.NURSE), module=module
    )


def add_milk(team):
    return food_item_create(
        by=member(team, Role.NURSE),
        name_en=MILK["name_en"],
        name_zh=MILK["name_zh"],
        serving_en=MILK["serving_en"],
        serving_zh=MILK["serving_zh"],
        mg_per_serving=300,
        source=MILK["source"],
    )


def answer_all(client, answers):
    """Answer a quiz one question per screen, following the redirects as a phone would."""
    response = client.get(quiz())
    for question in BASICS.quiz:
        assert response.status_code == 200
        assert response.context["question"].code == question.code
        response = client.post(f"{quiz()}?q={question.code}", {"answer": answers[question.code]})
        assert response.status_code == 302
        if question is not BASICS.quiz[-1]:
            response = client.get(response["Location"])
    return response


def right():
    return {q.code: q.answer for q in BASICS.quiz}


# --- The care team -------------------------------------------------------------------------


def test_the_nurse_assigns_a_lesson_and_sees_it_listed(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.NURSE))
    assert client.get(overview(patient)).status_code == 200
    response = client.post(overview(patient), {"module": "fall_prevention", "due_on": "2026-12-01"})
    assert response.status_code == 302
    assert response["Location"] == overview(patient)
    assignment = Assignment.objects.get()
    assert (assignment.module, assignment.due_on) == ("fall_prevention", date(2026, 12, 1))
    body = client.get(overview(patient)).content.decode()
    assert "Preventing falls" in body
    assert "2026-12-01" in body
    assert "to do" in body
    again = client.post(overview(patient), {"module": "fall_prevention"})
    assert again.status_code == 400
    assert again.context["form"].errors == {
        "module": ["This lesson is already assigned and not yet completed."]
    }
    assert Assignment.objects.count() == 1


def test_the_overview_shows_the_score_of_a_failed_attempt(team):
    patient = make_patient(team, login=True)
    assignment = assign(patient)
    answers = {**right(), "basics_t_score": "a"}
    assignment_complete(assignment=assignment, by=login_of(patient), answers=answers)
    body = client_for(member(team, Role.COUNSELLOR)).get(overview(patient)).content.decode()
    assert "2 of 3" in body
    assert "not passed yet: to try again" in body


def test_the_nurse_answers_the_quiz_with_the_patient_on_the_module_page(team):
    patient = make_patient(team)
    assign(patient)
    nurse = member(team, Role.NURSE)
    client = client_for(nurse)
    page = client.get(module_page(patient))
    assert page.context["form"] is not None
    assert "What is osteoporosis?" in page.content.decode()
    response = client.post(module_page(patient), right())
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.passed, assignment.attempted_by, assignment.completed_on) == (
        True,
        nurse,
        date(2026, 11, 21),
    )
    # another clinician reads the lesson and the answers, but does not answer
    page = client_for(member(team, Role.THERAPIST)).get(module_page(patient))
    assert page.context["form"] is None
    assert len(page.context["answers"]) == 3


def test_an_unknown_lesson_is_not_found(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.NURSE))
    assert client.get(module_page(patient, "phq9")).status_code == 404


def test_the_nutrition_page_says_when_the_food_list_is_empty_and_links_to_it(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.NURSE))
    response = client.get(nutrition(patient))
    assert response.status_code == 200
    assert response.context["form"] is None
    body = response.content.decode()
    assert "food list is empty" in body
    assert reverse("education:foods") in body
    assert client.post(nutrition(patient), {"weight_kg": "60"}).status_code == 200
    assert not NutritionCheck.objects.exists()


def test_the_nurse_records_a_nutrition_check_and_the_overview_shows_targets_and_gap(team):
    patient = make_patient(team, date_of_birth=date(1954, 6, 1))  # 72
    milk = add_milk(team)
    client = client_for(member(team, Role.NURSE))
    form = client.get(nutrition(patient)).context["form"]
    assert form.initial["sex"] == "female"
    assert form.initial["age"] == 72
    response = client.post(
        nutrition(patient),
        {
            "checked_on": "2026-11-20",
            "sex": "female",
            "weight_kg": "60",
            f"food_{milk.pk}": "7",
        },
    )
    assert response.status_code == 302
    recorded = NutritionCheck.objects.get()
    assert (recorded.estimate_mg, recorded.target_mg, recorded.vitamin_d_target_iu) == (
        300,
        1200,
        800,
    )
    page = client.get(overview(patient))
    assert page.context["nutrition"]["gap"].gap_mg == 900
    body = page.content.decode()
    assert "about 300 mg a day" in body
    assert "1200 mg a day" in body
    assert "900 mg a day below the target" in body
    assert "800 IU a day" in body
    assert "at least 60 to 72 g a day" in body
    assert "calcium 2000 mg a day; vitamin D 4000 IU a day" in body
    assert "marked unverified" in body


def test_a_bad_nutrition_input_is_refused_on_its_field(team):
    patient = make_patient(team)
    milk = add_milk(team)
    client = client_for(member(team, Role.NURSE))
    data = {"checked_on": "2026-11-20", "sex": "female", "weight_kg": "20", f"food_{milk.pk}": "7"}
    response = client.post(nutrition(patient), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"weight_kg": ["Enter a value from 25 to 300."]}
    response = client.post(nutrition(patient), {**data, "weight_kg": "60", f"food_{milk.pk}": "-2"})
    assert response.context["form"].errors == {
        f"food_{milk.pk}": ["Enter a number that is not negative."]
    }
    response = client.post(nutrition(patient), {**data, "weight_kg": "60", f"food_{milk.pk}": ""})
    assert f"food_{milk.pk}" in response.context["form"].errors
    assert not NutritionCheck.objects.exists()


def test_the_lead_reads_but_neither_assigns_nor_checks(team):
    patient = make_patient(team)
    add_milk(team)
    client = client_for(make_user(Role.LEAD, team.site.organisation))
    response = client.get(overview(patient))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert client.post(overview(patient), {"module": "nutrition"}).status_code == 403
    assert client.get(nutrition(patient)).status_code == 403
    assert not Assignment.objects.exists()


# --- The food list ---------------------------------------------------------------------------


def test_the_lead_manages_the_food_list(team):
    lead = make_user(Role.LEAD, team.site.organisation)
    client = client_for(lead)
    page = client.get(reverse("education:foods"))
    assert "The list is empty." in page.content.decode()
    response = client.post(reverse("education:foods"), MILK)
    assert response.status_code == 302
    milk = FoodItem.objects.get()
    assert (milk.organisation, milk.mg_per_serving, milk.source) == (
        team.site.organisation,
        300,
        "Clinic food table, 2024 edition",
    )
    edit = reverse("education:food-edit", args=[milk.pk])
    assert client.get(edit).context["form"].initial["mg_per_serving"] == 300
    assert client.post(edit, {**MILK, "mg_per_serving": "280"}).status_code == 302
    milk.refresh_from_db()
    assert milk.mg_per_serving == 280
    retire = reverse("education:food-retire", args=[milk.pk])
    assert client.get(retire).status_code == 405
    assert client.post(retire).status_code == 302
    milk.refresh_from_db()
    assert milk.retired
    assert client.get(edit).status_code == 404
    assert list(
        AuditEvent.objects.filter(target="education.FoodItem")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["create", "update", "update"]


def test_a_food_without_a_source_or_with_zero_mg_is_refused_on_its_field(team):
    client = client_for(member(team, Role.THERAPIST))
    response = client.post(reverse("education:foods"), {**MILK, "mg_per_serving": "0"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "mg_per_serving": ["Enter a whole number of mg above 0."]
    }
    response = client.post(reverse("education:foods"), {**MILK, "source": ""})
    assert response.context["form"].errors == {"source": ["This field is required."]}
    assert not FoodItem.objects.exists()


def test_another_organisations_food_is_not_found_and_patients_may_not_see_the_list(team):
    milk = add_milk(team)
    stranger = client_for(make_user(Role.LEAD, make_org()))
    for url in (
        reverse("education:food-edit", args=[milk.pk]),
        reverse("education:food-retire", args=[milk.pk]),
    ):
        assert stranger.post(url, MILK).status_code == 404
    patient = make_patient(team, login=True)
    assert client_for(login_of(patient)).get(reverse("education:foods")).status_code == 403
    milk.refresh_from_db()
    assert (milk.retired, milk.mg_per_serving) == (False, 300)


# --- The patient -----------------------------------------------------------------------------


def test_the_patient_reads_a_lesson_answers_one_question_per_screen_and_sees_the_score(team):
    patient = make_patient(team, login=True)
    assign(patient)
    client = client_for(login_of(patient))
    home = client.get(reverse("patients:me")).content.decode()
    assert reverse("education:lessons") in home
    lessons = client.get(reverse("education:lessons"))
    assert "Osteoporosis: the basics" in lessons.content.decode()
    lesson = client.get(reverse("education:lesson", args=["osteoporosis_basics"]))
    body = lesson.content.decode()
    assert "What is osteoporosis?" in body
    assert "A T-score of -2.5 or lower means osteoporosis." in body
    assert "Answer the questions" in body
    response = answer_all(client, right())
    assert response["Location"] == reverse("education:result", args=["osteoporosis_basics"])
    result = client.get(response["Location"]).content.decode()
    assert "You got 3 of 3 right." in result
    assert "Well done" in result
    assignment = Assignment.objects.get()
    assert (assignment.passed, assignment.completed_on, assignment.attempts) == (
        True,
        date(2026, 11, 21),
        1,
    )
    # a passed quiz is not answered again
    assert client.get(quiz())["Location"] == reverse(
        "education:result", args=["osteoporosis_basics"]
    )


def test_a_wrong_answer_fails_shows_the_right_answer_and_can_be_retried(team):
    patient = make_patient(team, login=True)
    assign(patient)
    client = client_for(login_of(patient))
    response = answer_all(client, {**right(), "basics_t_score": "b"})
    result = client.get(response["Location"])
    body = result.content.decode()
    assert "You got 2 of 3 right." in body
    assert "Your answer: Low bone mass" in body
    assert "The right answer: Osteoporosis" in body
    assert "Exactly -2.5 already counts." in body
    assert "Try the questions again" in body
    assignment = Assignment.objects.get()
    assert (assignment.passed, assignment.completed_on, assignment.attempts) == (False, None, 1)
    response = answer_all(client, right())
    assert "You got 3 of 3 right." in client.get(response["Location"]).content.decode()
    assignment.refresh_from_db()
    assert (assignment.passed, assignment.attempts) == (True, 2)


def test_the_quiz_resumes_at_the_first_unanswered_question(team):
    patient = make_patient(team, login=True)
    assign(patient)
    client = client_for(login_of(patient))
    client.post(f"{quiz()}?q=basics_t_score", {"answer": "c"})
    response = client.get(quiz())
    assert response.context["question"].code == "basics_improve"
    assert response.context["number"] == 2
    lesson = client.get(reverse("education:lesson", args=["osteoporosis_basics"]))
    assert "Continue the questions" in lesson.content.decode()
    bad = client.post(f"{quiz()}?q=basics_improve", {"answer": "z"})
    assert bad.status_code == 400
    assert client.get(f"{quiz()}?q=nope").status_code == 404


def test_lessons_not_assigned_or_unknown_are_not_found_for_the_patient(team):
    patient = make_patient(team, login=True)
    assign(patient)
    client = client_for(login_of(patient))
    for code in ("phq9", "nutrition"):
        for name in ("education:lesson", "education:quiz", "education:result"):
            url = reverse(name, args=[code])
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"answer": "a"}).status_code == 404, url
    assert not Assignment.objects.filter(attempts__gt=0).exists()


def test_the_lesson_is_shown_in_chinese_to_a_chinese_reader(team):
    patient = make_patient(team, login=True)
    assign(patient)
    client = client_for(login_of(patient))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(reverse("education:lesson", args=["osteoporosis_basics"])).content.decode()
    assert "什么是骨质疏松？" in body
    assert "What is osteoporosis?" not in body
    page = client.get(quiz())
    assert "骨密度检查的T值是 -2.5，这说明什么？" in page.content.decode()


def test_the_patient_sees_their_daily_targets_with_their_lessons(team):
    patient = make_patient(team, login=True, date_of_birth=date(1954, 6, 1))
    milk = add_milk(team)
    client_for(member(team, Role.NURSE)).post(
        nutrition(patient),
        {"checked_on": "2026-11-20", "sex": "female", "weight_kg": "60", f"food_{milk.pk}": "7"},
    )
    body = client_for(login_of(patient)).get(reverse("education:lessons")).content.decode()
    assert "1200 mg a day" in body
    assert "about 300 mg a day" in body
    assert "You need about 900 mg more calcium a day." in body
    assert "800 IU a day" in body


def test_staff_do_not_use_the_patients_own_pages(team):
    client = client_for(member(team, Role.NURSE))
    assert client.get(reverse("education:lessons")).status_code == 403


# --- Family and outsiders --------------------------------------------------------------------


def test_a_caregiver_with_the_plan_shared_reads_the_lessons_but_does_not_answer(team):
    patient = make_patient(team, login=True)
    assign(patient)
    caregiver = client_for(make_caregiver(patient, parts=[Part.PLAN]))
    response = caregiver.get(overview(patient))
    assert response.status_code == 200
    assert response.context["form"] is None
    page = caregiver.get(module_page(patient))
    assert page.status_code == 200
    assert page.context["form"] is None
    assert caregiver.post(module_page(patient), right()).status_code == 403
    assert caregiver.post(overview(patient), {"module": "nutrition"}).status_code == 403
    assert caregiver.get(reverse("education:lessons")).status_code == 403
    assert not Assignment.objects.filter(attempts__gt=0).exists()


def test_a_caregiver_without_consent_is_not_found_and_without_the_plan_forbidden(team):
    patient = make_patient(team, login=True)
    assign(patient)
    no_consent = client_for(make_caregiver(patient, parts=list(Part), consent=False))
    for url in (overview(patient), module_page(patient)):
        assert no_consent.get(url).status_code == 404
    other = make_patient(team, login=True)
    without_plan = client_for(make_caregiver(other, parts=[Part.PROGRESS]))
    assert without_plan.get(overview(other)).status_code == 403


def test_an_outsiders_patient_is_not_found(team):
    outsider = make_patient(make_team(make_org()), family_name="Zzoutsider")
    assign(outsider)
    client = client_for(member(team, Role.NURSE))
    for url in (overview(outsider), nutrition(outsider), module_page(outsider)):
        assert client.get(url).status_code == 404
        assert client.post(url, {**right(), "module": "nutrition"}).status_code == 404
    assert Assignment.objects.count() == 1
    assert not Assignment.objects.filter(attempts__gt=0).exists()


def test_the_overview_takes_the_same_queries_however_many_lessons(
    team, django_assert_max_num_queries
):
    patient = make_patient(team)
    client = client_for(member(team, Role.NURSE))
    client.get(overview(patient))  # warm the session and caches
    assign(patient, "nutrition")
    with CaptureQueriesContext(connection) as one:
        client.get(overview(patient))
    for code in ("fall_prevention", "safe_movement", "medication", "after_a_fall"):
        assign(patient, code)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(overview(patient))
