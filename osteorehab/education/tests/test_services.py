from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from osteorehab.accounts.domain import Part, Role
from osteorehab.audit.models import AuditEvent
from osteorehab.education.models import Assignment, FoodItem, NutritionCheck
from osteorehab.education.services import (
    assignment_answer,
    assignment_complete,
    assignment_create,
    food_item_create,
    food_item_retire,
    food_item_update,
    nutrition_check_record,
)
from osteorehab.plans.education import MODULES_BY_CODE
from tests.factories import (
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


def right(module=BASICS):
    return {question.code: question.answer for question in module.quiz}


def wrong_first(module=BASICS):
    answers = right(module)
    first = module.quiz[0]
    answers[first.code] = next(o.code for o in first.options if o.code != first.answer)
    return answers


def assign(patient, by=None, **fields):
    return assignment_create(
        patient=patient,
        by=by or member(patient.care_team, Role.NURSE),
        **{"module": "osteoporosis_basics", **fields},
    )


def food(by, **fields):
    return food_item_create(
        by=by,
        **{
            "name_en": "Zzmilk",
            "name_zh": "牛奶",
            "serving_en": "one glass (250 mL)",
            "serving_zh": "一杯（250毫升）",
            "mg_per_serving": 300,
            "source": "Zz clinic food table, 2024 edition",
            **fields,
        },
    )


# --- Lessons ---------------------------------------------------------------------------------


def test_a_nurse_assigns_a_lesson_with_one_audit_event(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    assignment = assign(patient, nurse, due_on=date(2026, 12, 5))
    assert (assignment.module, assignment.assigned_on, assignment.due_on) == (
        "osteoporosis_basics",
        date(2026, 11, 21),
        date(2026, 12, 5),
    )
    assert (assignment.status, assignment.attempts, assignment.passed) == ("todo", 0, None)
    event = AuditEvent.objects.get(target="education.Assignment")
    assert (event.action, event.user, event.patient_id, event.object_id) == (
        "create",
        nurse,
        patient.pk,
        str(assignment.pk),
    )
    assert event.changes == {
        "module": "osteoporosis_basics",
        "assigned_on": "2026-11-21",
        "due_on": "2026-12-05",
    }


def test_a_lesson_already_open_is_not_assigned_twice_but_may_be_again_once_completed(team):
    patient = make_patient(team, login=True)
    first = assign(patient)
    with pytest.raises(ValidationError) as error:
        assign(patient, member(team, Role.THERAPIST))
    assert error.value.message_dict == {
        "module": ["This lesson is already assigned and not yet completed."]
    }
    assign(patient, module="nutrition")  # another lesson is fine
    assignment_complete(assignment=first, by=login_of(patient), answers=right())
    again = assign(patient)
    assert again.pk != first.pk
    assert Assignment.objects.filter(patient=patient, module="osteoporosis_basics").count() == 2


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"module": "phq9"}, {"module": ["Choose one of the options."]}),
        ({"due_on": date(2026, 11, 20)}, {"due_on": ["The due date cannot be in the past."]}),
    ],
)
def test_a_bad_assignment_is_refused_on_its_field(team, fields, errors):
    with pytest.raises(ValidationError) as error:
        assign(make_patient(team), **fields)
    assert error.value.message_dict == errors
    assert not Assignment.objects.exists()


def test_only_the_care_teams_clinicians_assign(team):
    patient = make_patient(team, login=True)
    lead = make_user(Role.LEAD, team.site.organisation)
    for user in (lead, login_of(patient), make_caregiver(patient, parts=list(Part))):
        with pytest.raises(ValidationError, match="Only the care team's clinicians"):
            assign(patient, user)
    assert not Assignment.objects.exists()


def test_the_patient_passes_with_every_answer_right_and_the_lesson_is_completed(team):
    patient = make_patient(team, login=True)
    assignment = assign(patient)
    done = assignment_complete(assignment=assignment, by=login_of(patient), answers=right())
    assert (done.score, done.total, done.passed, done.attempts) == (3, 3, True, 1)
    assert (done.completed_on, done.attempted_on, done.status) == (
        date(2026, 11, 21),
        date(2026, 11, 21),
        "done",
    )
    assert done.quiz_answers == right()
    event = AuditEvent.objects.get(target="education.Assignment", action="update")
    assert (event.user, event.patient_id) == (login_of(patient), patient.pk)
    assert event.changes == {
        "quiz_answers": [{}, right()],
        "score": [None, 3],
        "total": [None, 3],
        "passed": [None, True],
        "attempts": [0, 1],
        "completed_on": [None, "2026-11-21"],
    }


def test_a_wrong_answer_fails_the_quiz_which_stays_open_and_can_be_retried(team):
    patient = make_patient(team, login=True)
    assignment = assign(patient)
    failed = assignment_complete(assignment=assignment, by=login_of(patient), answers=wrong_first())
    assert (failed.score, failed.total, failed.passed, failed.completed_on) == (2, 3, False, None)
    assert failed.status == "retry"
    retried = assignment_complete(assignment=failed, by=login_of(patient), answers=right())
    assert (retried.score, retried.passed, retried.attempts) == (3, True, 2)
    assert retried.quiz_answers == right()  # the latest attempt is kept
    with pytest.raises(ValidationError, match="already completed"):
        assignment_complete(assignment=retried, by=login_of(patient), answers=right())
    assert AuditEvent.objects.filter(target="education.Assignment", action="update").count() == 2


def test_a_consented_caregiver_with_the_plan_or_a_nurse_may_answer_on_the_patients_behalf(team):
    patient = make_patient(team, login=True)
    caregiver = make_caregiver(patient, parts=[Part.PLAN])
    assignment = assign(patient)
    assert assignment_complete(assignment=assignment, by=caregiver, answers=right()).passed
    second = assign(patient, module="medication")
    nurse = member(team, Role.NURSE)
    marked = assignment_complete(assignment=second, by=nurse, answers=right(second_module()))
    assert (marked.passed, marked.attempted_by) == (True, nurse)


def second_module():
    return MODULES_BY_CODE["medication"]


def test_others_may_not_answer(team):
    patient = make_patient(team, login=True)
    assignment = assign(patient)
    other = make_patient(team, login=True)
    without_plan = make_caregiver(patient, parts=[Part.PROGRESS])
    no_consent_patient = make_patient(team, login=True)
    no_consent = make_caregiver(no_consent_patient, parts=list(Part), consent=False)
    outsider_nurse = member(make_team(make_org()), Role.NURSE)
    for user in (
        login_of(other),
        without_plan,
        member(team, Role.THERAPIST),
        make_user(Role.LEAD, team.site.organisation),
        outsider_nurse,
    ):
        with pytest.raises(ValidationError, match="Only the patient"):
            assignment_complete(assignment=assignment, by=user, answers=right())
    no_consent_assignment = assign(no_consent_patient)
    with pytest.raises(ValidationError, match="Only the patient"):
        assignment_complete(assignment=no_consent_assignment, by=no_consent, answers=right())
    assert not Assignment.objects.filter(attempts__gt=0).exists()


def test_unanswered_or_unknown_answers_are_refused_naming_the_question(team):
    patient = make_patient(team, login=True)
    assignment = assign(patient)
    answers = right()
    del answers["basics_exercise"]
    with pytest.raises(ValidationError) as error:
        assignment_complete(assignment=assignment, by=login_of(patient), answers=answers)
    assert error.value.message_dict == {"basics_exercise": ["Choose an answer."]}
    with pytest.raises(ValidationError) as error:
        assignment_complete(
            assignment=assignment,
            by=login_of(patient),
            answers={**right(), "basics_improve": "z"},
        )
    assert error.value.message_dict == {"basics_improve": ["Choose one of the answers."]}
    assert Assignment.objects.get().attempts == 0


def test_a_kept_answer_is_a_draft_until_the_attempt_is_marked(team):
    patient = make_patient(team, login=True)
    assignment = assign(patient)
    assignment_answer(
        assignment=assignment, by=login_of(patient), question="basics_t_score", option="c"
    )
    assert Assignment.objects.get().draft_answers == {"basics_t_score": "c"}
    with pytest.raises(ValidationError):
        assignment_answer(
            assignment=assignment, by=login_of(patient), question="basics_t_score", option="z"
        )
    assignment_complete(assignment=assignment, by=login_of(patient), answers=right())
    assert Assignment.objects.get().draft_answers == {}


# --- The food list ---------------------------------------------------------------------------


def test_the_lead_adds_a_food_to_the_organisations_list_audited_without_a_patient(team):
    lead = make_user(Role.LEAD, team.site.organisation)
    milk = food(lead)
    assert (milk.organisation, milk.mg_per_serving, milk.retired) == (
        team.site.organisation,
        300,
        False,
    )
    event = AuditEvent.objects.get(target="education.FoodItem")
    assert (event.action, event.user, event.patient_id, event.object_id) == (
        "create",
        lead,
        None,
        str(milk.pk),
    )
    assert event.changes["mg_per_serving"] == 300
    assert event.changes["source"] == "Zz clinic food table, 2024 edition"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"mg_per_serving": 0}, {"mg_per_serving": ["Enter a whole number of mg above 0."]}),
        ({"mg_per_serving": -5}, {"mg_per_serving": ["Enter a whole number of mg above 0."]}),
        ({"source": "  "}, {"source": ["This field is required."]}),
        ({"name_zh": ""}, {"name_zh": ["This field is required."]}),
    ],
)
def test_a_food_without_a_positive_value_or_a_source_is_refused_on_its_field(team, fields, errors):
    with pytest.raises(ValidationError) as error:
        food(member(team, Role.NURSE), **fields)
    assert error.value.message_dict == errors
    assert not FoodItem.objects.exists()


def test_a_name_already_on_the_list_is_refused_until_that_food_is_retired(team):
    nurse = member(team, Role.NURSE)
    milk = food(nurse)
    with pytest.raises(ValidationError) as error:
        food(nurse, name_en="ZZMILK")
    assert error.value.message_dict == {"name_en": ["This food is already on the list."]}
    food_item_retire(food=milk, by=nurse)
    assert food(nurse).pk != milk.pk


def test_changing_a_food_audits_old_and_new_values(team):
    nurse = member(team, Role.NURSE)
    milk = food(nurse)
    food_item_update(food=milk, by=member(team, Role.THERAPIST), mg_per_serving=280)
    milk.refresh_from_db()
    assert milk.mg_per_serving == 280
    event = AuditEvent.objects.get(target="education.FoodItem", action="update")
    assert event.changes == {"mg_per_serving": [300, 280]}
    food_item_retire(food=milk, by=nurse)
    milk.refresh_from_db()
    assert milk.retired
    with pytest.raises(ValidationError, match="retired"):
        food_item_update(food=milk, by=nurse, mg_per_serving=290)


def test_patients_family_admins_and_other_organisations_do_not_keep_the_list(team):
    patient = make_patient(team, login=True)
    for user in (
        login_of(patient),
        make_caregiver(patient, parts=list(Part)),
        make_user(Role.ADMIN, team.site.organisation),
    ):
        with pytest.raises(ValidationError, match="Only the program lead"):
            food(user)
    milk = food(member(team, Role.NURSE))
    stranger = make_user(Role.LEAD, make_org())
    with pytest.raises(ValidationError, match="not on your organisation's list"):
        food_item_update(food=milk, by=stranger, mg_per_serving=1)
    with pytest.raises(ValidationError, match="not on your organisation's list"):
        food_item_retire(food=milk, by=stranger)
    milk.refresh_from_db()
    assert (milk.mg_per_serving, milk.retired) == (300, False)


# --- Nutrition checks ------------------------------------------------------------------------


def check(patient, by, servings, **fields):
    return nutrition_check_record(
        patient=patient,
        by=by,
        servings=servings,
        **{
            "checked_on": date(2026, 11, 20),
            "sex": "female",
            "weight_kg": Decimal("60.0"),
            "ill": False,
            **fields,
        },
    )


def test_a_72_year_old_woman_eating_a_300_mg_food_daily_gets_300_mg_of_1200(team):
    patient = make_patient(team, date_of_birth=date(1954, 6, 1))  # 72 on the day of the check
    nurse = member(team, Role.NURSE)
    milk = food(nurse)
    recorded = check(patient, nurse, {milk.pk: 7})
    assert (recorded.age, recorded.sex) == (72, "female")
    assert (recorded.estimate_mg, recorded.target_mg, recorded.vitamin_d_target_iu) == (
        300,
        1200,
        800,
    )
    assert (recorded.protein_low_g, recorded.protein_high_g) == (Decimal("60.0"), Decimal("72.0"))
    assert recorded.servings == {str(milk.pk): 7}
    assert recorded.mg_per_serving == {str(milk.pk): 300}
    assert recorded.reasons[0][0].startswith("{nutrient} {amount} {unit} for a {sex}")
    event = AuditEvent.objects.get(target="education.NutritionCheck")
    assert (event.action, event.user, event.patient_id) == ("create", nurse, patient.pk)
    assert event.changes["estimate_mg"] == 300
    assert event.changes["target_mg"] == 1200


def test_illness_raises_the_protein_target_and_a_later_food_change_keeps_the_stored_value(team):
    patient = make_patient(team)  # 76
    nurse = member(team, Role.NURSE)
    milk = food(nurse)
    tofu = food(nurse, name_en="Tofu", name_zh="豆腐", mg_per_serving=100)
    recorded = check(patient, nurse, {milk.pk: 3.5, tofu.pk: 7}, ill=True, weight_kg=70)
    # (3.5 x 300 + 7 x 100) / 7 = 250 mg a day; 70 kg x 1.2-1.5 g/kg
    assert (recorded.estimate_mg, recorded.protein_low_g, recorded.protein_high_g) == (
        250,
        Decimal("84.0"),
        Decimal("105.0"),
    )
    food_item_update(food=milk, by=nurse, mg_per_serving=1)
    recorded.refresh_from_db()
    assert (recorded.estimate_mg, recorded.mg_per_serving[str(milk.pk)]) == (250, 300)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"weight_kg": Decimal("20")}, {"weight_kg": ["Enter a value from 25 to 300."]}),
        ({"sex": "other"}, {"sex": ["Choose one of the options."]}),
        ({"checked_on": date(2026, 11, 22)}, {"checked_on": ["This date is in the future."]}),
    ],
)
def test_a_bad_input_is_refused_on_its_field_and_nothing_saved(team, fields, errors):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    milk = food(nurse)
    with pytest.raises(ValidationError) as error:
        check(patient, nurse, {milk.pk: 7}, **fields)
    assert error.value.message_dict == errors
    assert not NutritionCheck.objects.exists()
    assert not AuditEvent.objects.filter(target="education.NutritionCheck").exists()


def test_negative_servings_are_refused_on_that_foods_field(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    milk = food(nurse)
    with pytest.raises(ValidationError) as error:
        check(patient, nurse, {milk.pk: -1})
    assert error.value.message_dict == {f"food_{milk.pk}": ["Enter a number that is not negative."]}
    assert not NutritionCheck.objects.exists()


def test_the_table_starts_at_19_so_a_younger_patient_is_refused_by_age(team):
    patient = make_patient(team, date_of_birth=date(2008, 1, 1))  # 18
    nurse = member(team, Role.NURSE)
    with pytest.raises(ValidationError) as error:
        check(patient, nurse, {food(nurse).pk: 7})
    assert error.value.message_dict == {"age": ["Enter a value from 19 to 120."]}


def test_only_foods_of_the_patients_organisation_and_clinicians_count(team):
    patient = make_patient(team)
    nurse = member(team, Role.NURSE)
    foreign = food(make_user(Role.LEAD, make_org()))
    with pytest.raises(ValidationError, match="Choose foods from your organisation"):
        check(patient, nurse, {foreign.pk: 7})
    with pytest.raises(ValidationError, match="Fill in the servings"):
        check(patient, nurse, {})
    milk = food(nurse)
    with pytest.raises(ValidationError, match="Only the care team's clinicians"):
        check(patient, make_user(Role.LEAD, team.site.organisation), {milk.pk: 7})
    assert not NutritionCheck.objects.exists()
