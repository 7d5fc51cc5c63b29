"""Writing the exercise library, and applying a program preset to a plan.

Every add, edit and retirement of an exercise is checked by the library's rules
(`library_rules.py`) and recorded with its old and new values. An exercise is never deleted and
its code never changes: plan versions name their exercises by code, so an old version still reads
after the exercise is edited or retired. A preset reaches a plan only through
`services.plan_version_save`, where the safety layer checks it against that patient.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import CLINICAL_ROLES, Role
from osteorehab.accounts.models import User
from osteorehab.assessments.instruments.base import Reason
from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event
from osteorehab.patients.models import Patient

from . import domain, library_rules
from .models import Exercise, PlanVersion, Preset
from .services import PLAN_AUTHORS, plan_version_save

LIBRARY_READERS = (*CLINICAL_ROLES, Role.LEAD)
LIBRARY_EDITORS = PLAN_AUTHORS  # those who write plans keep the library they are written from

# What a staff member writes; `builtin` and `retired` are never set through an edit.
EXERCISE_FIELDS = (
    "code",
    "category",
    "name_en",
    "name_zh",
    "instructions_en",
    "instructions_zh",
    "sets",
    "reps",
    "reps_max",
    "hold_seconds",
    "minutes",
    "impacts",
    "load_en",
    "load_zh",
    "source",
    "equipment",
    "muscle_groups",
    "impact",
    "intensity",
    "high_intensity",
    "spinal_flexion",
    "floor_lift",
    "supported",
    "otago_level",
    "contraindications",
)
LINK_FIELDS = ("progression", "regression", "alternatives")


def _may_edit(by: User) -> None:
    if by.role not in LIBRARY_EDITORS:
        raise ValidationError(
            _("Only the rehabilitation therapist or the physician changes the exercise library.")
        )


def snapshot(exercise: Exercise) -> dict[str, Any]:
    """The exercise's values as the audit trail keeps them; links by code."""
    values = {name: getattr(exercise, name) for name in EXERCISE_FIELDS}
    values["progression"] = exercise.progression.code if exercise.progression else None
    values["regression"] = exercise.regression.code if exercise.regression else None
    values["alternatives"] = sorted(a.code for a in exercise.alternatives.all())
    return values


def _write(exercise: Exercise, fields: dict[str, Any]) -> None:
    """Set the fields, save, and refuse (rolling back) whatever breaks a rule of the library,
    each problem on its field."""
    unknown = set(fields) - {*EXERCISE_FIELDS, *LINK_FIELDS}
    if unknown:
        raise TypeError(f"not fields of an exercise: {sorted(unknown)}")
    alternatives = list(fields.pop("alternatives", None) or [])
    for name in ("equipment", "muscle_groups"):
        # the same choices in another order (a form lists them in its own) change nothing
        if name in fields and set(fields[name]) == set(getattr(exercise, name)):
            del fields[name]
    for name, value in fields.items():
        setattr(exercise, name, value)
    exercise.equipment = list(dict.fromkeys(exercise.equipment))
    exercise.muscle_groups = list(dict.fromkeys(exercise.muscle_groups))
    exercise.contraindications = sorted(set(exercise.contraindications))
    exercise.save()
    exercise.alternatives.set(alternatives)
    codes = dict(Exercise.objects.values_list("pk", "code"))
    found = library_rules.problems(exercise.to_domain(codes))
    others = Exercise.objects.exclude(pk=exercise.pk).values_list(
        "code", "progression__code", "regression__code"
    )
    found += library_rules.link_problems(
        exercise.code,
        progression=exercise.progression.code if exercise.progression else None,
        regression=exercise.regression.code if exercise.regression else None,
        alternatives=[a.code for a in alternatives],
        links={code: (progression, regression) for code, progression, regression in others},
    )
    if found:
        errors: dict[str, list[str]] = {}
        for problem in found:
            errors.setdefault(problem.field, []).append(problem.reason.translated(gettext))
        raise ValidationError(errors)


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


@transaction.atomic
def exercise_create(*, by: User, **fields: Any) -> Exercise:
    """A new exercise in the library, if it breaks none of the library's rules."""
    _may_edit(by)
    exercise = Exercise()
    _write(exercise, fields)
    audit_event(
        by=by,
        action=AuditAction.CREATE,
        target=Exercise._meta.label,
        object_id=exercise.pk,
        changes=_changes({}, snapshot(exercise)),
    )
    return exercise


@transaction.atomic
def exercise_update(*, exercise: Exercise, by: User, **fields: Any) -> Exercise:
    """An exercise edited (a built-in one too: it stays built-in); its code never changes."""
    _may_edit(by)
    locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if fields.pop("code", locked.code) != locked.code:
        raise ValidationError({"code": _("The code cannot change: plans name the exercise by it.")})
    before = snapshot(locked)
    _write(locked, fields)
    changes = _changes(before, snapshot(locked))
    if changes:
        audit_event(
            by=by,
            action=AuditAction.UPDATE,
            target=Exercise._meta.label,
            object_id=locked.pk,
            changes=changes,
        )
    return locked


@transaction.atomic
def exercise_retire(*, exercise: Exercise, by: User, reason: str) -> Exercise:
    """Retire an exercise: it leaves new prescriptions, presets and the plan builder's choices,
    while plan versions that hold it still name it."""
    _may_edit(by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the exercise is retired.")})
    locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if locked.retired:
        raise ValidationError(_("This exercise is already retired."))
    locked.retired = True
    locked.save(update_fields=["retired"])
    audit_event(
        by=by,
        action=AuditAction.UPDATE,
        target=Exercise._meta.label,
        object_id=locked.pk,
        changes={"retired": [False, True], "reason": reason.strip()},
    )
    return locked


def preset_items(preset: Preset, *, author: str) -> list[domain.Item]:
    """The preset as plan items, each saying where it came from."""
    return [
        domain.Item(
            item.exercise.code,
            tuple(sorted(set(item.days))),
            item.dose(),
            Reason(
                "from the preset “{preset}”, chosen by {author}",
                preset=preset.name_en,
                author=author,
            ),
        )
        for item in preset.items.select_related("exercise")
    ]


@transaction.atomic
def plan_preset_apply(
    *,
    patient: Patient,
    by: User,
    preset: Preset,
    facts: domain.Facts,
    reason: str,
    based_on: int,
) -> PlanVersion:
    """The preset's exercises replace the plan's as a new version (the version in force stays in
    the history), saved like any change: refused, naming each rule, where an exercise breaks one
    for this patient."""
    if preset.retired:
        raise ValidationError({"preset": _("This preset is retired.")})
    return plan_version_save(
        patient=patient,
        by=by,
        items=preset_items(preset, author=by.full_name),
        facts=facts,
        reason=reason,
        based_on=based_on,
    )
