"""Lessons assigned and answered, the clinic's food list, and nutrition checks: checked, saved
and audited in one transaction each. The lessons' content and the nutrition arithmetic are the
pure modules `osteorehab.plans.education` and `osteorehab.plans.nutrition`; nothing clinical is
decided here."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.access import parts_for, visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Action, Part, Role, may
from osteorehab.accounts.models import User
from osteorehab.assessments.instruments.base import InputError, round_half_up
from osteorehab.assessments.services import INPUT_MESSAGES
from osteorehab.assessments.services import input_error as assessment_input_error
from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event, audit_write, changes_of, values_of
from osteorehab.patients.domain import age_on, event_date_refusal
from osteorehab.patients.models import Patient
from osteorehab.patients.services import refuse
from osteorehab.plans import nutrition
from osteorehab.plans.education import MODULES_BY_CODE, grade
from osteorehab.plans.services import plan_snapshot

from .models import Assignment, FoodItem, NutritionCheck

# The pure modules' refusals in the user's language (their English message is the fallback).
MESSAGES = {
    **INPUT_MESSAGES,
    "negative": _("Enter a number that is not negative."),
    "unknown_option": _("Choose one of the answers."),
    "unknown_question": _("Unknown question."),
}

ASSIGNMENT_FIELDS = ("module", "assigned_on", "due_on")
ATTEMPT_FIELDS = ("quiz_answers", "score", "total", "passed", "attempts", "completed_on")
FOOD_FIELDS = ("name_en", "name_zh", "serving_en", "serving_zh", "mg_per_serving", "source")
CHECK_FIELDS = (
    "checked_on",
    "age",
    "sex",
    "weight_kg",
    "ill",
    "servings",
    "mg_per_serving",
    "estimate_mg",
    "target_mg",
    "vitamin_d_target_iu",
    "protein_low_g",
    "protein_high_g",
)


def food_field(food_id: int | str) -> str:
    """The name of the field that holds a food's servings per week, in the checklist form and in
    the errors the nutrition check raises."""
    return f"food_{food_id}"


def input_error(error: InputError) -> ValidationError:
    """A refusal of the pure modules, on the field it names, in the user's language. A food's
    servings (`servings_per_week[<id>]`) is named by its checklist field."""
    field = error.field
    if field.startswith("servings_per_week[") and field.endswith("]"):
        field = food_field(field[len("servings_per_week[") : -1])
    return assessment_input_error(error, field=field, messages=MESSAGES)


def _refuse_unless_clinician(by: User, message: Any) -> None:
    role = Role(by.role)
    if role not in CLINICAL_ROLES or not may(role, Action.EDIT):
        raise ValidationError(message)


# --- Lessons ---------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *, patient: Patient, by: User, module: str, due_on: date | None = None
) -> Assignment:
    """A clinician of the care team gives the patient a lesson. A lesson already given and not
    yet completed is not given twice; once completed it may be given again (a refresher)."""
    _refuse_unless_clinician(by, _("Only the care team's clinicians assign lessons."))
    if module not in MODULES_BY_CODE:
        raise ValidationError({"module": _("Choose one of the options.")})
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    already = _("This lesson is already assigned and not yet completed.")
    if patient.education_assignments.open().filter(module=module).exists():
        raise ValidationError({"module": already})
    try:
        with transaction.atomic():  # a second clinician assigning the same lesson at once
            assignment = Assignment.objects.create(
                patient=patient, module=module, assigned_by=by, assigned_on=today, due_on=due_on
            )
    except IntegrityError:
        raise ValidationError({"module": already}) from None
    audit_write(
        by=by,
        obj=assignment,
        patient_id=patient.pk,
        created=True,
        changes=values_of(assignment, ASSIGNMENT_FIELDS),
    )
    lesson = MODULES_BY_CODE[module].title_en
    plan_snapshot(patient=patient, by=by, reason=f"Lesson assigned: {lesson}")
    return assignment


def may_answer(by: User, patient: Patient) -> bool:
    """Who answers a lesson's quiz: the patient themself; a family member the patient shares
    their plan with (and consented to family sharing); or a nurse of the care team, with the
    patient, on their behalf."""
    role = Role(by.role)
    if role is Role.PATIENT:
        return patient.user_id == by.pk
    if role not in (Role.CAREGIVER, Role.NURSE):
        return False
    if not visible_patients(by).filter(pk=patient.pk).exists():
        return False
    return role is Role.NURSE or Part.PLAN in parts_for(by, patient)


def _refuse_unless_may_answer(by: User, assignment: Assignment) -> None:
    if not may_answer(by, assignment.patient):
        raise ValidationError(
            _("Only the patient, family they share their plan with, or their nurse answer a quiz.")
        )
    if assignment.completed_on is not None:
        raise ValidationError(_("This lesson is already completed."))


@transaction.atomic
def assignment_answer(*, assignment: Assignment, by: User, question: str, option: str) -> None:
    """Keep one answer of a quiz the patient is answering one question per screen, so that they
    can stop and come back. Not audited, like a questionnaire's draft: the attempt, when it is
    marked, is."""
    _refuse_unless_may_answer(by, assignment)
    module = MODULES_BY_CODE[assignment.module]
    try:
        options = {option.code for option in module.question(question).options}
    except KeyError:
        raise ValidationError(MESSAGES["unknown_question"]) from None
    if option not in options:
        raise ValidationError({"answer": MESSAGES["unknown_option"]})
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    locked.draft_answers = {**locked.draft_answers, question: option}
    locked.save(update_fields=["draft_answers"])
    assignment.draft_answers = locked.draft_answers


@transaction.atomic
def assignment_complete(
    *, assignment: Assignment, by: User, answers: Mapping[str, str]
) -> Assignment:
    """Mark an attempt at the lesson's quiz with `grade` (the passing mark is the program's
    setting, not the clinical reference's: every question right). A pass completes the lesson;
    a fail leaves it open to try again. The latest attempt is kept, and the attempts counted."""
    _refuse_unless_may_answer(by, assignment)
    module = MODULES_BY_CODE[assignment.module]
    unanswered = {q.code: _("Choose an answer.") for q in module.quiz if not answers.get(q.code)}
    if unanswered:
        raise ValidationError(unanswered)
    given = {str(code): str(option) for code, option in answers.items()}
    try:
        result = grade(module, given)
    except InputError as error:
        raise input_error(error) from error
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.completed_on is not None:  # the same pass sent twice at once: kept once
        return assignment
    before = values_of(assignment, ATTEMPT_FIELDS)
    today = timezone.localdate()
    assignment.quiz_answers = given
    assignment.score = result.score
    assignment.total = result.total
    assignment.passed = result.passed
    assignment.attempts += 1
    assignment.attempted_on = today
    assignment.attempted_by = by
    assignment.completed_on = today if result.passed else None
    assignment.draft_answers = {}
    assignment.save()
    audit_write(
        by=by,
        obj=assignment,
        patient_id=assignment.patient_id,
        created=False,
        changes=changes_of(assignment, ATTEMPT_FIELDS, before),
    )
    return assignment


# --- The clinic's food list (not patient data: audited without a patient) -------------------


def _refuse_unless_food_staff(by: User) -> None:
    if by.role not in (*CLINICAL_ROLES, Role.LEAD):
        raise ValidationError(_("Only the program lead and the clinical staff keep the food list."))


def _clean_food(organisation_id: int, fields: dict[str, Any], food: FoodItem | None) -> None:
    for name in ("name_en", "name_zh", "serving_en", "serving_zh", "source"):
        fields[name] = str(fields[name]).strip()
        if not fields[name]:
            raise ValidationError({name: _("This field is required.")})
    mg = fields["mg_per_serving"]
    if isinstance(mg, bool) or not isinstance(mg, int) or mg <= 0:
        raise ValidationError({"mg_per_serving": _("Enter a whole number of mg above 0.")})
    same_name = FoodItem.objects.filter(
        organisation_id=organisation_id, retired=False, name_en__iexact=fields["name_en"]
    )
    if food is not None:
        same_name = same_name.exclude(pk=food.pk)
    if same_name.exists():
        raise ValidationError({"name_en": _("This food is already on the list.")})


@transaction.atomic
def food_item_create(
    *,
    by: User,
    name_en: str,
    name_zh: str,
    serving_en: str,
    serving_zh: str,
    mg_per_serving: int,
    source: str,
) -> FoodItem:
    """Add a food to the organisation's checklist, with the calcium in one serving and where
    that value comes from."""
    _refuse_unless_food_staff(by)
    fields: dict[str, Any] = {
        "name_en": name_en,
        "name_zh": name_zh,
        "serving_en": serving_en,
        "serving_zh": serving_zh,
        "mg_per_serving": mg_per_serving,
        "source": source,
    }
    _clean_food(by.organisation_id, fields, None)
    food = FoodItem.objects.create(organisation_id=by.organisation_id, **fields)
    audit_event(
        by=by,
        action=AuditAction.CREATE,
        target=FoodItem._meta.label,
        object_id=food.pk,
        changes=values_of(food, FOOD_FIELDS),
    )
    return food


def _own_food(by: User, food: FoodItem) -> FoodItem:
    _refuse_unless_food_staff(by)
    locked = FoodItem.objects.select_for_update().filter(pk=food.pk).first()
    if locked is None or locked.organisation_id != by.organisation_id:
        raise ValidationError(_("This food is not on your organisation's list."))
    if locked.retired:
        raise ValidationError(_("This food is retired."))
    return locked


@transaction.atomic
def food_item_update(*, food: FoodItem, by: User, **fields: Any) -> FoodItem:
    """Change a food of the list. Checks already recorded keep the value they used."""
    food = _own_food(by, food)
    unknown = set(fields) - set(FOOD_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a food: {sorted(unknown)}")
    fields = {**values_of(food, FOOD_FIELDS), **fields}
    _clean_food(food.organisation_id, fields, food)
    before = values_of(food, FOOD_FIELDS)
    for name, value in fields.items():
        setattr(food, name, value)
    changes = changes_of(food, FOOD_FIELDS, before)
    if changes:
        food.save()
        audit_event(
            by=by,
            action=AuditAction.UPDATE,
            target=FoodItem._meta.label,
            object_id=food.pk,
            changes=changes,
        )
    return food


@transaction.atomic
def food_item_retire(*, food: FoodItem, by: User) -> FoodItem:
    """Take a food off the checklist; checks that used it keep it."""
    food = _own_food(by, food)
    food.retired = True
    food.save(update_fields=["retired"])
    audit_event(
        by=by,
        action=AuditAction.UPDATE,
        target=FoodItem._meta.label,
        object_id=food.pk,
        changes={"retired": [False, True]},
    )
    return food


# --- Nutrition checks ------------------------------------------------------------------------


@transaction.atomic
def nutrition_check_record(
    *,
    patient: Patient,
    by: User,
    checked_on: date,
    sex: str,
    weight_kg: Decimal | float,
    ill: bool,
    servings: Mapping[int, float],
) -> NutritionCheck:
    """A food-frequency check with the patient: the calcium estimate from the servings of each
    food of the clinic's list in a usual week, and the day's targets for calcium, vitamin D
    (both by age and sex) and protein (by weight, higher during illness), all computed by
    `osteorehab.plans.nutrition` and stored with the inputs. Age is the patient's, in completed
    years on the day of the check."""
    _refuse_unless_clinician(by, _("Only the care team's clinicians record nutrition checks."))
    refuse(
        event_date_refusal(
            checked_on,
            date_of_birth=patient.date_of_birth,
            today=timezone.localdate(),
            field="checked_on",
        )
    )
    if not servings:
        raise ValidationError(_("Fill in the servings per week of each food on the list."))
    foods = {
        food.pk: food
        for food in FoodItem.objects.filter(
            organisation_id=patient.organisation_id, retired=False, pk__in=list(servings)
        )
    }
    if set(servings) - set(foods):
        raise ValidationError(_("Choose foods from your organisation's list."))
    age = age_on(patient.date_of_birth, checked_on)
    weekly = {str(food_id): count for food_id, count in servings.items()}
    mg_per_serving = {str(food_id): foods[food_id].mg_per_serving for food_id in servings}
    try:
        target = nutrition.calcium_target_mg(age, sex)
        vitamin_d = nutrition.vitamin_d_target_iu(age, sex)
        weight = float(weight_kg) if isinstance(weight_kg, Decimal) else weight_kg
        protein = nutrition.protein_target_g(weight, ill=ill)
        estimate = nutrition.calcium_intake_estimate(weekly, mg_per_serving)
    except InputError as error:
        raise input_error(error) from error
    check = NutritionCheck.objects.create(
        patient=patient,
        checked_on=checked_on,
        by=by,
        age=age,
        sex=sex,
        weight_kg=Decimal(str(weight_kg)),
        ill=ill,
        servings=weekly,
        mg_per_serving=mg_per_serving,
        estimate_mg=int(round_half_up(estimate.daily_mg)),
        target_mg=target.amount,
        vitamin_d_target_iu=vitamin_d.amount,
        protein_low_g=Decimal(str(protein.low_g)),
        protein_high_g=Decimal(str(protein.high_g)),
        reasons=[r.stored() for r in (target.reason, vitamin_d.reason, protein.reason)]
        + [estimate.reason.stored()],
    )
    audit_write(
        by=by,
        obj=check,
        patient_id=patient.pk,
        created=True,
        changes=values_of(check, CHECK_FIELDS),
    )
    plan_snapshot(patient=patient, by=by, reason="Nutrition check")
    return check
