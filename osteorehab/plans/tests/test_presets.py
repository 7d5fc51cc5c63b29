"""Program presets: four built-in starting weeks drawn from the built-in library, read by the
care team, applied to a plan by the therapist or the physician — and refused, naming each rule,
where an exercise of the preset breaks a safety rule for that patient."""

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from osteorehab.accounts.domain import Part, Role
from osteorehab.assessments.domain import IMPACT_LEVELS, Profile
from osteorehab.assessments.instruments.base import Reason
from osteorehab.assessments.services import assessment_record, impact_decide
from osteorehab.audit.models import AuditEvent
from osteorehab.plans import domain, presets
from osteorehab.plans.exercises import Dose
from osteorehab.plans.library import EXERCISES
from osteorehab.plans.models import Exercise, PlanVersion, Preset, PresetItem
from osteorehab.plans.presets import (
    FALL_RISK_SUPPORTED,
    FRAIL_FALLS,
    OSTEOPENIA_ACTIVE,
    PRESETS,
    VERTEBRAL_EARLY,
)
from tests.factories import client_for, login_of, make_caregiver, make_patient, member

CJK = re.compile(r"[\u4e00-\u9fff]")
FACTS = {"recent_fracture": "no", "severe_kyphosis": "no", "acute_pain": "no"}


def codes(preset: presets.Preset) -> list[str]:
    return [item.exercise for item in preset.items]


def refused(preset: presets.Preset, profile: Profile) -> dict[str, list[str]]:
    why = Reason.from_stored(["chosen in a test", {}])  # not a literal: not for translation
    items = [domain.Item(code, (0,), Dose(), why) for code in codes(preset)]
    facts = domain.Facts(profile, recent_fracture=False, severe_kyphosis=False, acute_pain=False)
    found = domain.check(items, facts, EXERCISES)
    return {code: [v.rule for v in violations] for code, violations in found.items()}


VERTEBRAL_PROFILE = Profile(
    who_class="osteoporosis",
    lowest_t_score=-3.0,
    vertebral_fracture=True,
    fragility_fractures=1,
    recent_fracture_weeks=30,
    fall_risk="low",
    pain_nrs=2,
    physician_impact="low",
    frail=False,
)
HIGH_FALL_RISK_PROFILE = Profile(
    who_class="osteoporosis",
    lowest_t_score=-2.7,
    vertebral_fracture=False,
    fragility_fractures=1,
    fall_risk="high",
    physician_impact="none",
    frail=False,
)
OSTEOPENIA_PROFILE = Profile(
    who_class="osteopenia",
    lowest_t_score=-1.8,
    vertebral_fracture=False,
    fragility_fractures=0,
    fall_risk="low",
    physician_impact="high",
    frail=False,
)
FRAIL_PROFILE = Profile(
    who_class="osteoporosis",
    lowest_t_score=-2.9,
    vertebral_fracture=True,
    fragility_fractures=2,
    fall_risk="high",
    physician_impact=None,  # not decided yet: no impact
    frail=True,
)


# The built-in presets (no database)


def test_four_presets_named_and_described_in_both_languages():
    assert [p.name_en for p in PRESETS] == [
        "Vertebral fracture, early phase",
        "High fall risk, supported balance first",
        "Osteopenia, active",
        "Frail, falls focus",
    ]
    for preset in PRESETS:
        assert CJK.search(preset.name_zh)
        assert CJK.search(preset.description_zh)
        assert not CJK.search(preset.name_en + preset.description_en)
        assert len(preset.items) >= 8


def test_every_item_is_a_builtin_exercise_once_on_days_of_the_week():
    for preset in PRESETS:
        assert len(set(codes(preset))) == len(preset.items), preset.name_en
        for item in preset.items:
            assert item.exercise in EXERCISES, item.exercise
            assert item.days
            assert list(item.days) == sorted(set(item.days))
            assert set(item.days) <= set(range(7))


def test_every_preset_trains_strength_balance_and_aerobic_at_the_guidelines_frequency():
    for preset in PRESETS:
        by_category: dict[str, list[presets.PresetItem]] = {}
        for item in preset.items:
            by_category.setdefault(EXERCISES[item.exercise].category, []).append(item)
        assert all(len(i.days) >= 2 for i in by_category["resistance"]), preset.name_en
        assert all(len(i.days) == 7 for i in by_category["balance"]), preset.name_en
        balance = [i for c in ("balance", "gait", "tai_chi") for i in by_category.get(c, [])]
        assert sum(i.minutes or 0 for i in balance) >= domain.BALANCE_MIN_PER_DAY
        aerobic = by_category["aerobic"]
        assert all(len(i.days) == 5 and (i.minutes or 0) >= 10 for i in aerobic)


def test_the_vertebral_fracture_preset_spares_the_spine_and_has_no_impact():
    for code in codes(VERTEBRAL_EARLY):
        exercise = EXERCISES[code]
        assert not exercise.spinal_flexion, code
        assert not exercise.floor_lift, code
        assert not exercise.high_intensity, code
        assert IMPACT_LEVELS.index(exercise.impact) <= IMPACT_LEVELS.index("low"), code
        assert exercise.impact == "none", code  # a physician's "low" still refuses low impact


@pytest.mark.parametrize(
    ("preset", "profile"),
    [
        (VERTEBRAL_EARLY, VERTEBRAL_PROFILE),
        (FALL_RISK_SUPPORTED, HIGH_FALL_RISK_PROFILE),
        (OSTEOPENIA_ACTIVE, OSTEOPENIA_PROFILE),
        (FRAIL_FALLS, FRAIL_PROFILE),
    ],
    ids=lambda value: getattr(value, "name_en", None),
)
def test_each_preset_passes_the_safety_layer_for_the_patient_it_is_for(preset, profile):
    assert refused(preset, profile) == {}


def test_the_active_preset_is_refused_after_a_vertebral_fracture():
    found = refused(OSTEOPENIA_ACTIVE, VERTEBRAL_PROFILE)
    assert found["heel_drops"] == ["contraindication", "impact"]
    # brisk walking is within the physician's "low" and the brisk-walking ceiling (4.2)
    assert set(found) == {"heel_drops"}


def test_the_presets_module_imports_nothing_from_django():
    tree = ast.parse(Path(presets.__file__).read_text(encoding="utf-8"))
    modules = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [m for m in modules if m.startswith(("django", "osteorehab.core"))]


# In the database and the clinic


@pytest.fixture
def vertebral(team):
    """A woman with a vertebral fracture, osteoporosis on DXA, low fall risk, and the
    physician's decision: impact no more than brisk walking."""
    patient = make_patient(team, login=True)
    patient.fractures.create(site="vertebra", occurred_on=date(2025, 3, 1))
    physician = member(team, Role.PHYSICIAN)
    today = timezone.localdate()
    dxa = {
        "site": "femoral_neck",
        "sex": "female",
        "age": patient.age,
        "t_score": -3.0,
        "fragility_fracture": True,
        "postmenopausal": True,
    }
    falls = {"falls_12m": 0, "concern_about_falling": False, "unsteady": False}
    for code, answers in (("bone_density", dxa), ("falls_risk_wfg", falls)):
        assessment_record(
            patient=patient, by=physician, code=code, answers=answers, administered_on=today
        )
    impact_decide(patient=patient, by=physician, level="low", reason="T -3.0", decided_on=today)
    return patient


def drafted(team, patient) -> PlanVersion:
    client_for(member(team, Role.THERAPIST)).post(
        reverse("plans:draft", args=[patient.pk]),
        {**FACTS, "reason": "Baseline plan", "based_on": 0},
    )
    return PlanVersion.objects.get(plan__patient=patient)


def builtin(preset: presets.Preset) -> Preset:
    return Preset.objects.get(name_en=preset.name_en)


def apply(client, patient, preset: Preset, based_on: int, **extra):
    return client.post(
        reverse("plans:preset-apply", args=[patient.pk]),
        {"preset": preset.pk, "reason": "Start the program", "based_on": based_on, **extra},
    )


def plan_codes(version: PlanVersion) -> list[str]:
    return [item["exercise"] for item in version.content["items"]]


@pytest.mark.django_db
def test_the_migration_loads_the_builtin_presets():
    assert list(Preset.objects.values_list("name_en", flat=True)) == [p.name_en for p in PRESETS]
    for data in PRESETS:
        preset = builtin(data)
        assert (preset.name_zh, preset.created_by, preset.retired) == (data.name_zh, None, False)
        items = preset.items.select_related("exercise")
        assert [i.exercise.code for i in items] == codes(data)
        assert [i.days for i in items] == [list(i.days) for i in data.items]


@pytest.mark.django_db
def test_a_preset_items_dose_is_its_own_or_else_the_exercises():
    preset = builtin(VERTEBRAL_EARLY)
    extension = preset.items.get(exercise__code="seated_back_extension").dose()
    assert (extension.minutes, extension.hold_seconds) == (5, 3)  # the preset's, the exercise's
    row = preset.items.get(exercise__code="seated_band_row").dose()
    assert (row.sets, row.reps, row.reps_max) == (1, 8, 12)
    item = PresetItem(preset=preset, exercise=Exercise.objects.get(code="wall_push_up"), reps=10)
    assert (item.dose().reps, item.dose().reps_max) == (10, None)


@pytest.mark.django_db
def test_the_care_team_reads_the_presets_in_its_language(team):
    client = client_for(member(team, Role.NURSE))
    listed = client.get(reverse("plans:presets"))
    assert listed.status_code == 200
    body = listed.content.decode()
    assert all(p.name_en in body for p in PRESETS)
    chinese = client.get(reverse("plans:presets"), headers={"accept-language": "zh-hans"})
    assert all(p.name_zh in chinese.content.decode() for p in PRESETS)
    preset = builtin(VERTEBRAL_EARLY)
    detail = client.get(reverse("plans:preset", args=[preset.pk])).content.decode()
    assert EXERCISES["seated_band_row"].name_en in detail
    assert "Mon Thu" in detail  # strength on two days, not consecutive
    assert "1 set(s) of 8-12 repetitions" in detail
    patient = make_patient(team, login=True)
    for user in (login_of(patient), make_caregiver(patient, parts=list(Part))):
        page = client_for(user).get(reverse("plans:preset", args=[preset.pk]))
        assert page.status_code == 403


@pytest.mark.django_db
def test_the_therapist_applies_the_vertebral_preset_to_a_vertebral_fracture(team, vertebral):
    drafted(team, vertebral)
    therapist = member(team, Role.THERAPIST)
    client = client_for(therapist)
    plan_page = client.get(reverse("plans:plan", args=[vertebral.pk])).content.decode()
    assert reverse("plans:preset-apply", args=[vertebral.pk]) in plan_page
    form = client.get(reverse("plans:preset-apply", args=[vertebral.pk]))
    assert "recent_fracture" not in form.context["form"].fields  # taken from the plan in force
    response = apply(client, vertebral, builtin(VERTEBRAL_EARLY), based_on=1)
    assert response.status_code == 302
    version = PlanVersion.objects.get(plan__patient=vertebral, number=2)
    assert plan_codes(version) == codes(VERTEBRAL_EARLY)  # replaced, not added to
    assert version.reason == "Start the program"
    assert version.content["facts"] == {
        "recent_fracture": False,
        "severe_kyphosis": False,
        "acute_pain": False,
    }
    first = domain.items_of(version.content)[0]
    assert str(first.reason) == (
        f"from the preset “Vertebral fracture, early phase”, chosen by {therapist.full_name}"
    )
    assert (first.dose.minutes, first.dose.hold_seconds) == (5, 3)
    event = AuditEvent.objects.filter(target="plans.PlanVersion").latest("id")
    assert event.user == therapist
    assert event.patient_id == vertebral.pk
    assert f"added {EXERCISES['shoulder_blade_squeeze'].name_en}" in event.changes["changes"]
    page = client.get(reverse("plans:plan", args=[vertebral.pk])).content.decode()
    assert "This plan breaks a safety rule" not in page
    assert "from the preset" in page


@pytest.mark.django_db
def test_a_preset_can_be_a_patients_first_plan_with_the_three_facts(team, vertebral):
    client = client_for(member(team, Role.PHYSICIAN))
    preset = builtin(VERTEBRAL_EARLY)
    unanswered = apply(client, vertebral, preset, based_on=0)
    assert unanswered.status_code == 400
    assert set(unanswered.context["form"].errors) == {
        "recent_fracture",
        "severe_kyphosis",
        "acute_pain",
    }
    assert not PlanVersion.objects.exists()
    response = apply(client, vertebral, preset, based_on=0, **FACTS)
    assert response.status_code == 302
    version = PlanVersion.objects.get(plan__patient=vertebral)
    assert (version.number, version.approved) == (1, True)  # the physician's own
    assert plan_codes(version) == codes(VERTEBRAL_EARLY)


@pytest.mark.django_db
def test_an_impact_preset_is_refused_for_a_vertebral_fracture_naming_each_rule(team, vertebral):
    drafted(team, vertebral)
    client = client_for(member(team, Role.THERAPIST))
    response = apply(client, vertebral, builtin(OSTEOPENIA_ACTIVE), based_on=1)
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    heel_drops = next(e for e in errors if e.startswith(EXERCISES["heel_drops"].name_en))
    assert "cannot be in this plan: contraindicated with " in heel_drops
    assert "contraindicated with vertebral fracture" in heel_drops
    assert (
        "Moderate impact: stamps, hops, jumps, jogging is more than allowed "
        "(Low impact: no more than brisk walking)"
    ) in heel_drops
    assert not any(e.startswith(EXERCISES["brisk_walking"].name_en) for e in errors)
    assert len(errors) == 1
    assert PlanVersion.objects.filter(plan__patient=vertebral).count() == 1


@pytest.mark.django_db
def test_a_high_impact_preset_is_refused_and_nothing_is_saved(team, vertebral):
    drafted(team, vertebral)
    jumps = Preset.objects.create(name_en="Jumps", name_zh="跳跃")
    for code in ("seated_back_extension", "vertical_jumps"):
        jumps.items.create(exercise=Exercise.objects.get(code=code), days=[1, 3])
    client = client_for(member(team, Role.PHYSICIAN))
    response = apply(client, vertebral, jumps, based_on=1)
    assert response.status_code == 400
    [error] = response.context["form"].non_field_errors()
    assert error.startswith("Vertical jumps cannot be in this plan: ")
    assert "High impact is more than allowed" in error
    assert "high-intensity work is not part of a home plan" in error
    versions = PlanVersion.objects.filter(plan__patient=vertebral)
    assert versions.count() == 1
    assert "vertical_jumps" not in plan_codes(versions.get())
    assert not AuditEvent.objects.filter(target="plans.PlanVersion", object_id="2").exists()


@pytest.mark.django_db
def test_a_preset_holding_a_retired_exercise_is_refused_by_name(team, vertebral):
    drafted(team, vertebral)
    Exercise.objects.filter(code="seated_marching").update(retired=True)
    response = apply(
        client_for(member(team, Role.THERAPIST)), vertebral, builtin(VERTEBRAL_EARLY), 1
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        f"{EXERCISES['seated_marching'].name_en} cannot be in this plan: "
        "not in the exercise library"
    ]


@pytest.mark.django_db
def test_a_stale_or_retired_preset_is_refused(team, vertebral):
    drafted(team, vertebral)
    client = client_for(member(team, Role.THERAPIST))
    stale = apply(client, vertebral, builtin(VERTEBRAL_EARLY), based_on=0)
    assert stale.status_code == 400
    assert "saved version 1 of the plan" in " ".join(stale.context["form"].non_field_errors())
    retired = builtin(FRAIL_FALLS)
    retired.retired = True
    retired.save()
    response = apply(client, vertebral, retired, based_on=1)
    assert "preset" in response.context["form"].errors
    assert PlanVersion.objects.filter(plan__patient=vertebral).count() == 1


@pytest.mark.django_db
def test_only_the_therapist_and_physician_apply_a_preset(team, vertebral):
    drafted(team, vertebral)
    preset = builtin(VERTEBRAL_EARLY)
    address = reverse("plans:preset-apply", args=[vertebral.pk])
    for role in (Role.NURSE, Role.COUNSELLOR):
        client = client_for(member(team, role))
        assert client.get(address).status_code == 404, role
        assert apply(client, vertebral, preset, based_on=1).status_code == 404, role
        plan_page = client.get(reverse("plans:plan", args=[vertebral.pk])).content.decode()
        assert address not in plan_page
    for user in (login_of(vertebral), make_caregiver(vertebral, parts=[Part.PLAN])):
        assert apply(client_for(user), vertebral, preset, based_on=1).status_code == 403
    assert PlanVersion.objects.filter(plan__patient=vertebral).count() == 1
