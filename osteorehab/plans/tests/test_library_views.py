"""The exercise library in the clinic: read by the clinical staff and the program lead, kept by
the therapist and the physician under the library's rules, every change audited with its old and
new values; a retired exercise leaves new prescriptions while old plans still name it."""

import ast
from dataclasses import replace
from pathlib import Path
from typing import cast

import pytest
from django.db import connection
from django.forms import ModelChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from osteorehab.accounts.domain import CLINICAL_ROLES, Part, Role
from osteorehab.assessments.services import assessment_record, impact_decide
from osteorehab.audit.models import AuditEvent
from osteorehab.plans import library_rules
from osteorehab.plans.exercises import Contraindication, Dose, Intensity
from osteorehab.plans.forms import ItemForm
from osteorehab.plans.library import EXERCISES
from osteorehab.plans.library_rules import link_problems, problems
from osteorehab.plans.models import Exercise, PlanVersion
from osteorehab.plans.selectors import library
from tests.factories import (
    client_for,
    login_of,
    make_caregiver,
    make_patient,
    make_user,
    member,
)

VERTEBRAL = Contraindication.VERTEBRAL_FRACTURE
RECENT = Contraindication.RECENT_FRACTURE
PAIN = Contraindication.ACUTE_PAIN
RESTRICTED = Contraindication.PHYSICIAN_RESTRICTED_IMPACT
LINKS = {code: (e.progression, e.regression) for code, e in EXERCISES.items()}


def without(code: str, *tags: Contraindication, **changes):
    exercise = EXERCISES[code]
    return replace(exercise, contraindications=exercise.contraindications - set(tags), **changes)


# The library's rules (no database)


def test_every_builtin_exercise_keeps_the_library_rules():
    for code, exercise in EXERCISES.items():
        assert problems(exercise) == [], code
        links = {c: link for c, link in LINKS.items() if c != code}
        found = link_problems(
            code,
            progression=exercise.progression,
            regression=exercise.regression,
            alternatives=exercise.alternatives,
            links=links,
        )
        assert found == [], code


@pytest.mark.parametrize(
    ("exercise", "field", "words"),
    [
        (
            without("curl_up", VERTEBRAL),
            "contraindications",
            "Tick “Vertebral fracture”: the exercise has spinal flexion or twisting.",
        ),
        (
            without("golfers_lift_floor", VERTEBRAL),
            "contraindications",
            "Tick “Vertebral fracture”: the exercise has lifting from or to the floor.",
        ),
        (
            without("vertical_jumps", RECENT),
            "contraindications",
            "Tick “Recent fracture”: the exercise has high intensity; impact above low.",
        ),
        (
            without("stamping", PAIN),
            "contraindications",
            "Tick “Acute pain”: the exercise has impact above low.",
        ),
        (
            without("brisk_walking", RESTRICTED),
            "contraindications",
            "Tick “Impact restricted by the physician”: the exercise has impact.",
        ),
        (
            replace(EXERCISES["seated_back_extension"], contraindications=frozenset({RESTRICTED})),
            "contraindications",
            "Untick “Impact restricted by the physician”: the exercise has no impact.",
        ),
        (
            replace(EXERCISES["seated_biceps_curl"], dose=Dose(sets=1, reps=12, reps_max=8)),
            "reps_max",
            "Up to 8 repetitions is fewer than the 12 to start with.",
        ),
        (
            replace(EXERCISES["seated_biceps_curl"], dose=Dose(sets=1, reps_max=8)),
            "reps",
            "Give the repetitions to start with as well.",
        ),
        (
            replace(EXERCISES["seated_biceps_curl"], dose=Dose(sets=6, reps=8)),
            "sets",
            "From 1 to 5 sets.",
        ),
        (
            replace(EXERCISES["seated_biceps_curl"], dose=Dose(minutes=0)),
            "minutes",
            "Must be more than 0.",
        ),
        (
            replace(EXERCISES["seated_biceps_curl"], dose=Dose(load_en="1 kg")),
            "load_zh",
            "Give the load in both languages.",
        ),
        (
            without("heel_drops", RESTRICTED, impact="none"),
            "impact",
            "An impact exercise must have some impact.",
        ),
        (
            replace(EXERCISES["liftmor_deadlift"], intensity=Intensity.MODERATE),
            "intensity",
            "High-intensity work is vigorous.",
        ),
        (
            replace(EXERCISES["tandem_stance"], supported=True),
            "supported",
            "Otago levels A and B hold on to a support; C and D do not.",
        ),
        (
            replace(EXERCISES["seated_back_extension"], muscle_groups=("back",)),
            "muscle_groups",
            "Only strength exercises and everyday movements name muscle groups.",
        ),
    ],
    ids=lambda value: value.code if hasattr(value, "code") else None,
)
def test_a_broken_rule_names_the_field_and_why(exercise, field, words):
    assert (field, words) in [(p.field, str(p.reason)) for p in problems(exercise)]


def test_an_unsupported_otago_level_c_calls_for_the_high_fall_risk_tag():
    found = problems(without("tandem_stance", Contraindication.HIGH_FALL_RISK))
    assert [str(p.reason) for p in found] == [
        "Tick “High fall risk”: the exercise has Otago level C or D without support."
    ]


def test_links_may_not_name_the_exercise_itself_nor_loop():
    assert [
        (p.field, str(p.reason))
        for p in link_problems(
            "sit_to_stand",
            progression="sit_to_stand",
            regression="sit_to_stand",
            alternatives=["sit_to_stand"],
            links=LINKS,
        )
    ] == [
        ("progression", "An exercise cannot be its own progression."),
        ("regression", "An exercise cannot be its own regression."),
        ("alternatives", "An exercise cannot be its own alternative."),
    ]
    looped = link_problems(
        "sit_to_stand",
        progression="sit_to_stand_hands",  # whose progression is sit_to_stand
        regression="sit_to_stand_hands",
        alternatives=[],
        links=LINKS,
    )
    assert [(p.field, str(p.reason)) for p in looped] == [
        (
            "progression",
            "Following the progressions comes back round: "
            "sit_to_stand → sit_to_stand_hands → sit_to_stand.",
        )
    ]


def test_the_rules_module_imports_nothing_from_django():
    tree = ast.parse(Path(library_rules.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith(("django", "osteorehab.core"))
        if isinstance(node, ast.Import):
            assert not any(alias.name.startswith("django") for alias in node.names)


# The pages


def url(name, *args):
    return reverse(f"plans:{name}", args=args)


def names_listed(response) -> list[str]:
    return [row["exercise"].code for row in response.context["rows"]]


NEW = {
    "code": "seated_band_chest_press",
    "category": "resistance",
    "name_en": "Seated band chest press",
    "name_zh": "坐姿弹力带推胸",
    "instructions_en": "1. Sit tall.\n2. Press the band forward.\n3. Return slowly.",
    "instructions_zh": "1. 坐直。\n2. 向前推弹力带。\n3. 慢慢收回。",
    "sets": 1,
    "reps": 8,
    "reps_max": 12,
    "equipment": ["chair", "band"],
    "muscle_groups": ["chest", "arms"],
    "impact": "none",
    "intensity": "moderate",
    "source": "Too Fit To Fracture, 8-12 reps [clinical-reference 4.1]",
}


@pytest.fixture
def therapist(team):
    return member(team, Role.THERAPIST)


@pytest.mark.django_db
def test_the_list_filters_by_category_impact_tag_and_words_in_either_language(team):
    client = client_for(member(team, Role.NURSE))
    every = client.get(url("exercises"))
    assert every.status_code == 200
    assert len(names_listed(every)) == Exercise.objects.count() == len(EXERCISES)

    balance = names_listed(client.get(url("exercises"), {"category": "balance"}))
    assert balance == list(
        Exercise.objects.filter(category="balance").values_list("code", flat=True)
    )
    assert "tandem_stance" in balance
    assert "brisk_walking" not in balance

    high = names_listed(client.get(url("exercises"), {"impact": "high"}))
    assert sorted(high) == ["jumping_chin_up_drop_landing", "vertical_jumps"]

    kyphosis = names_listed(client.get(url("exercises"), {"tag": "severe_kyphosis"}))
    assert sorted(kyphosis) == sorted(
        code
        for code, e in EXERCISES.items()
        if Contraindication.SEVERE_KYPHOSIS in e.contraindications
    )

    both = names_listed(
        client.get(url("exercises"), {"category": "impact", "tag": "vertebral_fracture"})
    )
    assert "vertical_jumps" in both
    assert "brisk_marching_on_the_spot" not in both  # low impact: no vertebral tag

    assert names_listed(client.get(url("exercises"), {"q": "Brisk walking"})) == ["brisk_walking"]
    chinese = EXERCISES["brisk_walking"].name_zh
    assert names_listed(client.get(url("exercises"), {"q": chinese})) == ["brisk_walking"]
    tai_chi = names_listed(client.get(url("exercises"), {"q": "太极"}))
    assert len(tai_chi) >= 5
    assert all(EXERCISES[code].category == "tai_chi" for code in tai_chi[:5])

    wrong = client.get(url("exercises"), {"category": "no_such_category"})
    assert names_listed(wrong) == []
    assert "category" in wrong.context["form"].errors


@pytest.mark.django_db
def test_the_list_shows_names_in_the_users_language_in_one_query(team):
    client = client_for(member(team, Role.COUNSELLOR))
    page = client.get(url("exercises"), headers={"accept-language": "zh-hans"})
    body = page.content.decode()
    assert EXERCISES["brisk_walking"].name_zh in body
    assert EXERCISES["brisk_walking"].name_en not in body
    assert "椎体骨折" in body  # the vertebral fracture tag, in Chinese
    # as many queries for the whole library as for one exercise: none per row
    with CaptureQueriesContext(connection) as everything:
        client.get(url("exercises"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("exercises"), {"q": "brisk_walking"})
    assert len(everything.captured_queries) == len(one.captured_queries)
    listing = [q["sql"] for q in everything.captured_queries if '"plans_exercise"' in q["sql"]]
    assert len(listing) == 1


@pytest.mark.django_db
def test_the_detail_shows_both_languages_dose_links_and_source(team):
    client = client_for(member(team, Role.PHYSICIAN))
    exercise = Exercise.objects.get(code="sit_to_stand_hands")
    page = client.get(url("exercise", exercise.pk))
    assert page.status_code == 200
    body = page.content.decode()
    for line in EXERCISES["sit_to_stand_hands"].instructions_zh.split("\n"):
        assert line in body
    assert EXERCISES["sit_to_stand_hands"].instructions_en.split("\n")[0] in body
    assert "1 set(s) of 8-12 repetitions" in body
    harder = Exercise.objects.get(code="sit_to_stand")
    assert f'href="{url("exercise", harder.pk)}"' in body
    assert exercise.source in body


@pytest.mark.django_db
def test_the_therapist_adds_an_exercise_and_the_audit_keeps_its_values(therapist):
    client = client_for(therapist)
    easier = Exercise.objects.get(code="wall_push_up")
    response = client.post(url("exercise-new"), {**NEW, "regression": easier.pk})
    assert response.status_code == 302
    added = Exercise.objects.get(code="seated_band_chest_press")
    assert response["Location"] == url("exercise", added.pk)
    assert (added.builtin, added.retired, added.regression) == (False, False, easier)
    assert added.equipment == ["chair", "band"]
    assert added.muscle_groups == ["chest", "arms"]
    event = AuditEvent.objects.get(target="plans.Exercise")
    assert (event.action, event.user, event.object_id) == ("create", therapist, str(added.pk))
    assert event.patient_id is None
    assert event.changes["code"] == [None, "seated_band_chest_press"]
    assert event.changes["regression"] == [None, "wall_push_up"]
    assert event.changes["reps_max"] == [None, 12]
    assert "seated_band_chest_press" in library()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"reps": 12, "reps_max": 8}, "reps_max", "is fewer than the 12 to start with"),
        ({"spinal_flexion": "on"}, "contraindications", "Tick “Vertebral fracture”"),
        ({"floor_lift": "on"}, "contraindications", "lifting from or to the floor"),
        (
            {"high_intensity": "on", "intensity": "vigorous"},
            "contraindications",
            "Tick “Vertebral fracture”: the exercise has high intensity.",
        ),
        ({"category": "impact", "muscle_groups": []}, "impact", "must have some impact"),
        (
            {"impact": "moderate", "contraindications": ["physician_restricted_impact"]},
            "contraindications",
            "Tick “Vertebral fracture”: the exercise has impact above low.",
        ),
        ({"code": "wall_push_up"}, "code", "already exists"),
        ({"code": "Seated Press"}, "code", "Lower-case letters and digits"),
        ({"name_zh": ""}, "name_zh", "This field is required."),
    ],
)
@pytest.mark.django_db
def test_an_exercise_breaking_a_rule_is_refused_on_its_field(therapist, changes, field, words):
    response = client_for(therapist).post(url("exercise-new"), {**NEW, **changes})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert any(words in error for error in errors[field]), errors[field]
    assert not Exercise.objects.filter(name_en=NEW["name_en"]).exists()
    assert not AuditEvent.objects.filter(target="plans.Exercise").exists()


def form_data(exercise: Exercise) -> dict:
    """The edit form as the page fills it for this exercise."""
    data = {
        name: getattr(exercise, name)
        for name in (
            "category",
            "name_en",
            "name_zh",
            "instructions_en",
            "instructions_zh",
            "load_en",
            "load_zh",
            "impact",
            "intensity",
            "otago_level",
            "source",
        )
    }
    for name in ("sets", "reps", "reps_max", "hold_seconds", "minutes", "impacts"):
        data[name] = getattr(exercise, name) or ""
    for name in ("high_intensity", "spinal_flexion", "floor_lift", "supported"):
        if getattr(exercise, name):
            data[name] = "on"
    data |= {
        "equipment": exercise.equipment,
        "muscle_groups": exercise.muscle_groups,
        "contraindications": exercise.contraindications,
        "progression": exercise.progression_id or "",
        "regression": exercise.regression_id or "",
        "alternatives": [a.pk for a in exercise.alternatives.all()],
    }
    return data


@pytest.mark.django_db
def test_a_builtin_exercise_is_edited_stays_builtin_and_keeps_its_code(therapist):
    client = client_for(therapist)
    exercise = Exercise.objects.get(code="seated_biceps_curl")
    assert client.get(url("exercise-edit", exercise.pk)).status_code == 200
    before = exercise.name_en
    data = {
        **form_data(exercise),
        "equipment": sorted(exercise.equipment),  # the same, in the form's order
        "name_en": "Seated biceps curl with a band",
        "reps_max": 10,
        "code": "renamed",  # the field is disabled: ignored
    }
    response = client.post(url("exercise-edit", exercise.pk), data)
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert (exercise.code, exercise.builtin) == ("seated_biceps_curl", True)
    assert (exercise.name_en, exercise.reps_max) == ("Seated biceps curl with a band", 10)
    event = AuditEvent.objects.get(target="plans.Exercise")
    assert event.action == "update"
    assert event.changes == {
        "name_en": [before, "Seated biceps curl with a band"],
        "reps_max": [12, 10],
    }


@pytest.mark.django_db
def test_an_edit_that_closes_a_loop_of_progressions_is_refused(therapist):
    client = client_for(therapist)
    exercise = Exercise.objects.get(code="sit_to_stand")
    easier = Exercise.objects.get(code="sit_to_stand_hands")
    response = client.post(
        url("exercise-edit", exercise.pk), {**form_data(exercise), "progression": easier.pk}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["progression"] == [
        "Following the progressions comes back round: "
        "sit_to_stand → sit_to_stand_hands → sit_to_stand."
    ]
    itself = client.post(
        url("exercise-edit", exercise.pk), {**form_data(exercise), "regression": exercise.pk}
    )
    assert "regression" in itself.context["form"].errors  # not among the choices
    exercise.refresh_from_db()
    assert (exercise.progression, exercise.regression) == (None, easier)
    assert not AuditEvent.objects.filter(target="plans.Exercise").exists()


@pytest.fixture
def planned(team):
    """A patient whose plan holds stationary cycling (saved by the physician: approved)."""
    patient = make_patient(team)
    physician = member(team, Role.PHYSICIAN)
    today = timezone.localdate()
    dxa = {
        "site": "femoral_neck",
        "sex": "female",
        "age": patient.age,
        "t_score": -1.5,
        "fragility_fracture": False,
        "postmenopausal": True,
    }
    assessment_record(
        patient=patient, by=physician, code="bone_density", answers=dxa, administered_on=today
    )
    impact_decide(patient=patient, by=physician, level="low", reason="ok", decided_on=today)
    cycling = Exercise.objects.get(code="stationary_cycling")
    response = client_for(physician).post(
        url("draft", patient.pk),
        {
            "recent_fracture": "no",
            "severe_kyphosis": "no",
            "acute_pain": "no",
            "reason": "Baseline",
            "based_on": 0,
        },
    )
    assert response.status_code == 302
    client_for(physician).post(
        url("add", patient.pk),
        {"exercise": cycling.pk, "days": [0, 2], "reason": "Knees", "based_on": 1},
    )
    version = PlanVersion.objects.get(plan__patient=patient, number=2)
    assert "stationary_cycling" in [item["exercise"] for item in version.content["items"]]
    return patient


@pytest.mark.django_db
def test_a_retired_exercise_leaves_new_plans_but_old_versions_still_name_it(team, planned):
    therapist = member(team, Role.THERAPIST)
    client = client_for(therapist)
    cycling = Exercise.objects.get(code="stationary_cycling")
    refused = client.post(url("exercise-retire", cycling.pk), {"reason": "  "})
    assert refused.status_code == 400
    assert "reason" in refused.context["form"].errors
    response = client.post(url("exercise-retire", cycling.pk), {"reason": "No bikes at home"})
    assert response.status_code == 302
    cycling.refresh_from_db()
    assert cycling.retired
    assert "stationary_cycling" not in library()
    assert "stationary_cycling" in library(include_retired=True)
    choices = cast(ModelChoiceField, ItemForm().fields["exercise"]).queryset
    assert choices is not None
    assert not choices.filter(pk=cycling.pk).exists()
    event = AuditEvent.objects.get(target="plans.Exercise")
    assert event.changes == {"retired": [False, True], "reason": "No bikes at home"}
    # the plan that holds it still shows its name
    plan = client.get(url("plan", planned.pk)).content.decode()
    assert cycling.name_en in plan
    # hidden from the list unless asked for, and marked on its page
    assert "stationary_cycling" not in names_listed(client.get(url("exercises")))
    shown = names_listed(client.get(url("exercises"), {"retired": "on", "q": "cycling"}))
    assert shown == ["stationary_cycling"]
    detail = client.get(url("exercise", cycling.pk)).content.decode()
    assert "No bikes at home" in detail
    assert url("exercise-retire", cycling.pk) not in detail
    again = client.post(url("exercise-retire", cycling.pk), {"reason": "Twice"})
    assert again.status_code == 400
    assert AuditEvent.objects.filter(target="plans.Exercise").count() == 1


@pytest.mark.django_db
def test_nurse_counsellor_and_lead_read_the_library_but_do_not_change_it(team):
    exercise = Exercise.objects.get(code="seated_biceps_curl")
    lead = make_user(Role.LEAD, team.site.organisation)
    for user in (member(team, Role.NURSE), member(team, Role.COUNSELLOR), lead):
        client = client_for(user)
        listed = client.get(url("exercises"))
        assert listed.status_code == 200
        assert url("exercise-new") not in listed.content.decode()
        detail = client.get(url("exercise", exercise.pk))
        assert detail.status_code == 200
        assert url("exercise-edit", exercise.pk) not in detail.content.decode()
        for name, args in (
            ("exercise-new", ()),
            ("exercise-edit", (exercise.pk,)),
            ("exercise-retire", (exercise.pk,)),
        ):
            assert client.get(url(name, *args)).status_code == 403, (user.role, name)
        assert client.post(url("exercise-new"), NEW).status_code == 403
        edit = {**form_data(exercise), "name_en": "Changed"}
        assert client.post(url("exercise-edit", exercise.pk), edit).status_code == 403
        assert client.post(url("exercise-retire", exercise.pk), {"reason": "x"}).status_code == 403
    exercise.refresh_from_db()
    assert (exercise.name_en, exercise.retired) == (EXERCISES["seated_biceps_curl"].name_en, False)
    assert not Exercise.objects.filter(code=NEW["code"]).exists()


@pytest.mark.django_db
def test_patients_family_and_the_administrator_cannot_open_the_library(team):
    patient = make_patient(team, login=True)
    exercise = Exercise.objects.get(code="seated_biceps_curl")
    admin = make_user(Role.ADMIN, team.site.organisation)
    for user in (login_of(patient), make_caregiver(patient, parts=list(Part)), admin):
        client = client_for(user)
        for address in (url("exercises"), url("exercise", exercise.pk), url("presets")):
            assert client.get(address).status_code == 403, (user.role, address)
        assert client.post(url("exercise-new"), NEW).status_code == 403
    anonymous = client_for(None).get(url("exercises"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_menu_links_the_library_for_staff_only(team):
    nurse_page = client_for(member(team, Role.NURSE)).get(url("exercises")).content.decode()
    assert f'href="{url("exercises")}"' in nurse_page
    patient = make_patient(team, login=True)
    home = client_for(login_of(patient)).get(reverse("patients:me")).content.decode()
    assert url("exercises") not in home


def test_every_clinical_role_and_the_lead_read_and_two_write():
    from osteorehab.plans.library_services import LIBRARY_EDITORS, LIBRARY_READERS

    assert set(LIBRARY_READERS) == {*CLINICAL_ROLES, Role.LEAD}
    assert set(LIBRARY_EDITORS) == {Role.THERAPIST, Role.PHYSICIAN}
