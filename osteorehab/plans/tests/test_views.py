"""The plan in the clinic: drafted from the profile, refused where it breaks a safety rule,
versioned with reasons, approved by the physician, printed for the patient; and the goals."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from osteorehab.accounts.domain import Part, Role
from osteorehab.assessments.services import assessment_record, impact_decide
from osteorehab.audit.models import AuditEvent
from osteorehab.logbook.services import exercise_log_record
from osteorehab.plans.library import EXERCISES
from osteorehab.plans.models import Exercise, PlanVersion
from osteorehab.rules.services import proposals_find
from tests.factories import client_for, login_of, make_caregiver, make_patient, member

pytestmark = pytest.mark.django_db
FACTS = {"recent_fracture": "no", "severe_kyphosis": "no", "acute_pain": "no"}


@pytest.fixture
def vertebral(team):
    """A woman with a vertebral fracture, severe osteoporosis on DXA, low fall risk, and the
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


def draft(client, patient, based_on=0):
    return client.post(
        reverse("plans:draft", args=[patient.pk]),
        {**FACTS, "reason": "Baseline plan", "based_on": based_on},
    )


def test_the_therapist_drafts_a_plan_that_respects_the_vertebral_fracture(team, vertebral):
    therapist = client_for(member(team, Role.THERAPIST))
    assert draft(therapist, vertebral).status_code == 302
    version = PlanVersion.objects.get(plan__patient=vertebral)
    assert (version.number, version.needs_approval, version.approved) == (1, True, False)
    codes = [item["exercise"] for item in version.content["items"]]
    chosen = Exercise.objects.filter(code__in=codes)
    assert chosen.count() == len(codes) >= 6
    assert not chosen.filter(spinal_flexion=True).exists()
    assert not chosen.filter(impact__in=["moderate", "high"]).exists()
    assert not chosen.filter(high_intensity=True).exists()
    assert {e.category for e in chosen} >= {"resistance", "balance", "posture", "aerobic"}
    assert version.content["facts"] == {
        "recent_fracture": False,
        "severe_kyphosis": False,
        "acute_pain": False,
    }
    page = therapist.get(reverse("plans:plan", args=[vertebral.pk]))
    assert page.status_code == 200
    assert "Waiting for the physician's approval." in page.content.decode()
    # the handout is for approved plans only
    assert therapist.get(reverse("plans:handout", args=[vertebral.pk])).status_code == 404


def test_a_contraindicated_exercise_is_refused_with_the_rule_and_nothing_is_saved(team, vertebral):
    therapist = client_for(member(team, Role.THERAPIST))
    draft(therapist, vertebral)
    flexion = Exercise.objects.filter(spinal_flexion=True).order_by("code")[0]
    response = therapist.post(
        reverse("plans:add", args=[vertebral.pk]),
        {"exercise": flexion.pk, "days": [0, 3], "reason": "Core work", "based_on": 1},
    )
    assert response.status_code == 400
    error = " ".join(response.context["form"].non_field_errors())
    assert f"{flexion.name_en} cannot be in this plan" in error
    assert "spine-sparing" in error
    assert PlanVersion.objects.filter(plan__patient=vertebral).count() == 1


def test_a_safe_exercise_is_added_as_a_new_version_with_what_changed(team, vertebral):
    therapist_user = member(team, Role.THERAPIST)
    therapist = client_for(therapist_user)
    draft(therapist, vertebral)
    extra = Exercise.objects.filter(category="flexibility", spinal_flexion=False).order_by("code")[
        0
    ]
    response = therapist.post(
        reverse("plans:add", args=[vertebral.pk]),
        {
            "exercise": extra.pk,
            "days": [1, 4],
            "minutes": 5,
            "reason": "Stiff calves",
            "based_on": 1,
        },
    )
    assert response.status_code == 302
    latest = PlanVersion.objects.get(plan__patient=vertebral, number=2)
    added = next(i for i in latest.content["items"] if i["exercise"] == extra.code)
    assert (added["days"], added["dose"]["minutes"]) == ([1, 4], 5)
    event = AuditEvent.objects.filter(target="plans.PlanVersion").latest("id")
    assert event.changes["changes"] == [f"added {extra.name_en}"]
    assert event.user == therapist_user
    page = therapist.get(reverse("plans:plan", args=[vertebral.pk])).content.decode()
    assert f"added {extra.name_en}" in page


def test_two_clinicians_editing_at_once_cannot_overwrite_each_other(team, vertebral):
    therapist = client_for(member(team, Role.THERAPIST))
    physician = client_for(member(team, Role.PHYSICIAN))
    draft(therapist, vertebral)
    extra = Exercise.objects.filter(category="flexibility", spinal_flexion=False).order_by("code")[
        0
    ]
    payload = {"exercise": extra.pk, "days": [2], "reason": "Stretch", "based_on": 1}
    assert therapist.post(reverse("plans:add", args=[vertebral.pk]), payload).status_code == 302
    late = physician.post(reverse("plans:add", args=[vertebral.pk]), payload)  # from version 1
    assert late.status_code == 400
    error = " ".join(late.context["form"].non_field_errors())
    assert "saved version 2 of the plan" in error
    assert PlanVersion.objects.filter(plan__patient=vertebral).count() == 2


def test_the_physician_approves_and_the_patient_gets_the_handout(team, vertebral):
    draft(client_for(member(team, Role.THERAPIST)), vertebral)
    physician = client_for(member(team, Role.PHYSICIAN))
    assert (
        client_for(member(team, Role.NURSE))
        .post(reverse("plans:approve", args=[vertebral.pk]), {"number": 1})
        .status_code
        == 302
    )
    assert not PlanVersion.objects.get().approved  # the nurse's attempt is refused
    physician.post(reverse("plans:approve", args=[vertebral.pk]), {"number": 1})
    version = PlanVersion.objects.get()
    assert version.approved
    assert version.approved_by is not None
    assert version.approved_by.role == Role.PHYSICIAN
    patient = client_for(login_of(vertebral))
    pdf = patient.get(reverse("plans:handout", args=[vertebral.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_handout_is_in_the_patients_language(team, vertebral):
    vertebral.preferred_language = "zh-hans"
    vertebral.save()
    draft(client_for(member(team, Role.PHYSICIAN)), vertebral)  # the physician's own: approved
    pdf = client_for(member(team, Role.NURSE)).get(reverse("plans:handout", args=[vertebral.pk]))
    assert b"STSong-Light" in pdf.content


def test_only_the_therapist_and_physician_change_the_plan(team, vertebral):
    for role in (Role.NURSE, Role.COUNSELLOR):
        response = draft(client_for(member(team, role)), vertebral)
        assert response.status_code == 404, role
    carer = make_caregiver(vertebral, parts=[Part.PLAN])
    assert client_for(carer).get(reverse("plans:plan", args=[vertebral.pk])).status_code == 200
    assert draft(client_for(carer), vertebral).status_code == 403
    assert not PlanVersion.objects.exists()


def test_a_plan_saved_before_the_profile_changed_shows_the_rule_it_now_breaks(team):
    patient = make_patient(team)
    physician = member(team, Role.PHYSICIAN)
    today = timezone.localdate()
    impact_decide(patient=patient, by=physician, level="high", reason="ok", decided_on=today)
    client = client_for(member(team, Role.THERAPIST))
    draft(client, patient)
    # a later decision lowers the impact allowed: walking-type aerobic is now above it
    impact_decide(patient=patient, by=physician, level="none", reason="pain", decided_on=today)
    page = client.get(reverse("plans:plan", args=[patient.pk]))
    version = PlanVersion.objects.get()
    has_impact = Exercise.objects.filter(
        code__in=[i["exercise"] for i in version.content["items"]], impact__in=["low", "moderate"]
    )
    if has_impact.exists():
        assert "This plan breaks a safety rule since the profile changed" in page.content.decode()


def test_goals_with_levels_ratings_and_the_gas_t_score(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.THERAPIST))
    levels = {
        "level_minus_2": "Does not leave the flat",
        "level_minus_1": "Walks to the lift",
        "level_0": "Walks to the market with a stick",
        "level_plus_1": "Walks to the market and back",
        "level_plus_2": "Walks there and back with shopping",
    }
    for statement, importance in (("Walk to the market without fear", 3), ("Carry my grandson", 2)):
        response = client.post(
            reverse("plans:goal-new", args=[patient.pk]),
            {
                "statement": statement,
                "phase": "medium",
                "measure": "short_fes_i",
                "importance": importance,
                "difficulty": 2,
                "baseline_level": -1,
                **levels,
            },
        )
        assert response.status_code == 302
    market, grandson = patient.goals.order_by("id")
    assert market.target_on == timezone.localdate() + timedelta(weeks=6)
    assert market.weight == 6
    page = client.get(reverse("plans:goals", args=[patient.pk]))
    assert page.context["attainment"].total == 37.73  # both at -1, weights 6 and 4 (1.11)
    client.post(
        reverse("plans:goal-rate", args=[patient.pk, market.pk]),
        {"level": 1, "rated_on": timezone.localdate().isoformat(), "note": "Walked it twice"},
    )
    client.post(
        reverse("plans:goal-rate", args=[patient.pk, grandson.pk]),
        {"level": 0, "rated_on": timezone.localdate().isoformat()},
    )
    for day, items in ((date(2026, 10, 1), [3, 3, 3, 2, 3, 3, 2]), (date(2026, 11, 1), [2] * 7)):
        assessment_record(
            patient=patient,
            by=member(team, Role.NURSE),
            code="short_fes_i",
            answers={"items": items},
            administered_on=day,
        )
    page = client.get(reverse("plans:goals", args=[patient.pk]))
    assert page.context["attainment"].total == 57.36  # +1 (weight 6) and 0 (weight 4)
    assert "Short FES-I: 19 on 2026-10-01, now 14 (2026-11-01)." in page.content.decode()
    assert "Walk to the market without fear" in page.content.decode()


def test_a_goal_cannot_be_rated_before_it_was_set_nor_in_the_future(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.NURSE))
    client.post(
        reverse("plans:goal-new", args=[patient.pk]),
        {
            "statement": "Sleep through the night without pain",
            "phase": "short",
            "importance": 2,
            "difficulty": 1,
            "baseline_level": -2,
            "level_minus_2": "a",
            "level_minus_1": "b",
            "level_0": "c",
            "level_plus_1": "d",
            "level_plus_2": "e",
        },
    )
    goal = patient.goals.get()
    url = reverse("plans:goal-rate", args=[patient.pk, goal.pk])
    for day in (timezone.localdate() - timedelta(days=3), timezone.localdate() + timedelta(days=1)):
        response = client.post(url, {"level": 0, "rated_on": day.isoformat()})
        assert response.status_code == 400
        assert "rated_on" in response.context["form"].errors
    assert not goal.ratings.exists()


def test_every_built_in_exercise_fits_the_database_columns():
    """SQLite does not enforce a CharField's length; PostgreSQL does."""
    limits: dict[str, int] = {
        f.name: f.max_length for f in Exercise._meta.concrete_fields if f.max_length is not None
    }
    for exercise in EXERCISES.values():
        values = {**vars(exercise), **vars(exercise.dose)}
        for name, limit in limits.items():
            value = values.get(name)
            assert not isinstance(value, str) or len(value) <= limit, (exercise.code, name)


def test_the_plan_gathers_its_other_parts_and_a_new_goal_makes_a_new_version(team, vertebral):
    vertebral.medications.create(drug="alendronate", started_on=date(2025, 1, 6))
    draft(client_for(member(team, Role.PHYSICIAN)), vertebral)  # approved: the physician's own
    first = PlanVersion.objects.get()
    assert [e["en"] for e in first.content["sections"]["medication"]] == [
        "Alendronate since 2025-01-06"
    ]
    # every patient is offered the core psychological modules (a local program rule)
    assert first.content["sections"]["psychology"]
    nurse = client_for(member(team, Role.NURSE))
    nurse.post(
        reverse("plans:goal-new", args=[vertebral.pk]),
        {
            "statement": "Walk to the market without fear",
            "phase": "short",
            "importance": 2,
            "difficulty": 2,
            "baseline_level": -1,
            "level_minus_2": "a",
            "level_minus_1": "b",
            "level_0": "c",
            "level_plus_1": "d",
            "level_plus_2": "e",
        },
    )
    second = PlanVersion.objects.get(number=2)
    assert second.content["items"] == first.content["items"]
    assert (second.reason, second.author_role, second.approved) == (
        "Goal set: Walk to the market without fear",
        "nurse",
        True,  # the exercise is unchanged: the physician's approval stands
    )
    event = AuditEvent.objects.filter(target="plans.PlanVersion").latest("id")
    target = (timezone.localdate() + timedelta(weeks=2)).isoformat()
    assert event.changes["changes"] == [
        f"Goals: added Walk to the market without fear (by {target}, weight 4)"
    ]
    page = client_for(member(team, Role.THERAPIST)).get(reverse("plans:plan", args=[vertebral.pk]))
    assert "Walk to the market without fear (by" in page.content.decode()


def test_changing_an_item_starts_from_its_days_and_dose(team, vertebral):
    therapist = client_for(member(team, Role.THERAPIST))
    draft(therapist, vertebral)
    item = PlanVersion.objects.get().content["items"][0]
    page = therapist.get(reverse("plans:add", args=[vertebral.pk]), {"code": item["exercise"]})
    form = page.context["form"]
    assert form.initial["days"] == item["days"]
    assert form.initial["sets"] == item["dose"]["sets"]
    assert form.initial["exercise"] == Exercise.objects.get(code=item["exercise"]).pk


def test_easy_logged_sessions_propose_a_step_up_the_therapist_accepts(team, vertebral):
    draft(client_for(member(team, Role.PHYSICIAN)), vertebral)  # approved
    version = PlanVersion.objects.get()
    strength = next(i for i in version.content["items"] if i["dose"].get("sets") == 1)
    day = timezone.localdate()
    for n in range(3):  # three sessions in a row, done, effort 3 of 10
        exercise_log_record(
            patient=vertebral,
            by=login_of(vertebral),
            client_key=uuid.uuid4(),
            day=day - timedelta(days=7 * (3 - n)),
            exercise=strength["exercise"],
            plan_version=1,
            completion="done",
            sets=1,
            reps=10,
            effort=3,
            pain=1,
        )
    proposals_find(patients=[vertebral], today=day)  # the rules, as after each log entry
    therapist = client_for(member(team, Role.THERAPIST))
    page = therapist.get(reverse("plans:plan", args=[vertebral.pk]))
    card = next(
        c
        for c in page.context["proposals"]
        if c.items[0]["change"].exercise == strength["exercise"]
    )
    item = card.items[0]["change"]
    assert (item.step, item.dose.sets, card.can_decide) == ("up", 2, True)
    assert PlanVersion.objects.count() == 1  # proposed, not applied
    therapist.post(
        reverse("rules:accept", args=[vertebral.pk, card.proposal.pk]),
        {"note": "Easy for three weeks"},
    )
    latest = PlanVersion.objects.get(number=2)
    item = next(i for i in latest.content["items"] if i["exercise"] == strength["exercise"])
    assert item["dose"]["sets"] == 2
    assert latest.reason.endswith("Easy for three weeks")
