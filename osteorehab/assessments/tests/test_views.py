import html
import io
import json
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.alerts.models import Alert
from osteorehab.assessments.instruments.base import Reason
from osteorehab.assessments.models import Assessment, Draft
from osteorehab.audit.models import AuditEvent
from osteorehab.cli import main as cli
from tests.factories import client_for, login_of, make_caregiver, make_patient, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)


def cli_result(code: str, answers: dict) -> dict:
    out = io.StringIO()
    assert cli(["score", code], stdin=io.StringIO(json.dumps(answers)), stdout=out) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("code", "form", "answers"),
    [
        (
            "phq9",
            {f"q{n}": v for n, v in enumerate([2, 2, 2, 2, 2, 1, 1, 1, 0], 1)},
            {"items": [2, 2, 2, 2, 2, 1, 1, 1, 0]},
        ),
        (
            "gds15",
            {"q1": "no", "q2": "yes", "q3": "", **{f"q{n}": "no" for n in range(4, 16)}},
            {"items": ["no", "yes", None, *["no"] * 12]},
        ),
        (
            "chair_stand_30s",
            {"stands": "10", "age": "72", "sex": "female"},
            {"stands": 10, "age": 72, "sex": "female"},
        ),
        ("gait_speed", {"distance_m": "4", "seconds": "5.2"}, {"distance_m": 4, "seconds": 5.2}),
        (
            "bone_density",
            {
                "site": "femoral_neck",
                "sex": "female",
                "age": "67",
                "bmd_g_cm2": "0.558",
                "fragility_fracture": "false",
                "postmenopausal": "true",
            },
            {
                "site": "femoral_neck",
                "sex": "female",
                "age": 67,
                "bmd_g_cm2": 0.558,
                "fragility_fracture": False,
                "postmenopausal": True,
            },
        ),
    ],
)
def test_the_web_form_and_the_command_line_give_identical_results(team, code, form, answers):
    patient = make_patient(team)
    client = client_for(member(team, Role.THERAPIST))
    response = client.post(
        reverse("assessments:new", args=[patient.pk, code]),
        {"administered_on": "2026-11-20", "occasion": "baseline", **form},
    )
    assert response.status_code == 302, response.context["form"].errors
    assessment = Assessment.objects.get()
    assert assessment.answers == answers
    stored = dict(assessment.result)
    # kept beside the English reasons: their templates, to show them in the reader's language
    assert [Reason.from_stored(why) for why in stored.pop("why")] == stored["reasons"]
    assert stored == cli_result(code, answers)


def test_a_bad_measurement_is_refused_on_its_field(team):
    patient = make_patient(team)
    response = client_for(member(team, Role.THERAPIST)).post(
        reverse("assessments:new", args=[patient.pk, "tug"]),
        {"administered_on": "2026-11-20", "occasion": "baseline", "seconds": "0.2"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"seconds": ["Enter a value from 1 to 600."]}
    assert not Assessment.objects.exists()


def test_the_baseline_page_shows_each_roles_battery_and_what_is_done(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.NURSE))
    client.post(
        reverse("assessments:new", args=[patient.pk, "tug"]),
        {"administered_on": "2026-11-20", "occasion": "baseline", "seconds": "14"},
    )
    battery = dict(client.get(reverse("assessments:list", args=[patient.pk])).context["battery"])
    therapist = {instrument.code: done for instrument, done in battery["Rehabilitation therapist"]}
    assert therapist["tug"] is True
    assert therapist["chair_stand_30s"] is False
    assert [i.code for i, _ in battery["Patient"]] == ["see", "tsk17", "short_fes_i", "confidence"]


def test_the_profile_reads_scores_with_their_cut_offs_and_the_safety_constraints(team):
    patient = make_patient(team)
    patient.fractures.create(site="vertebra", occurred_on=date(2024, 5, 1))
    client = client_for(member(team, Role.PHYSICIAN))
    client.post(
        reverse("assessments:new", args=[patient.pk, "bone_density"]),
        {
            "administered_on": "2026-11-20",
            "occasion": "baseline",
            "site": "femoral_neck",
            "sex": "female",
            "age": "76",
            "bmd_g_cm2": "0.558",
            "fragility_fracture": "true",
            "postmenopausal": "true",
        },
    )
    page = client.get(reverse("assessments:profile", args=[patient.pk]))
    assert page.context["bone"].figures["who_class"] == "severe_osteoporosis"
    assert page.context["profile"].vertebral_fracture is True
    assert page.context["constraints"]
    assert "clinical-reference 3.1" in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = html.unescape(
        client.get(reverse("assessments:profile", args=[patient.pk])).content.decode()
    )
    # the judgements, the constraints' facts and the flags in the reader's language
    assert "T -2.5 <= -2.5 且有脆性骨折：严重（确立的）骨质疏松" in chinese
    assert "椎体骨折" in chinese
    assert "with a fragility fracture" not in chinese


def test_a_patient_answers_one_question_per_screen_resumes_and_item9_shows_crisis_information(team):
    patient = make_patient(team, login=True)
    client = client_for(login_of(patient))
    url = reverse("assessments:questionnaire", args=["phq9"])
    first = client.get(url)
    assert first.context["number"] == 1
    for n in range(1, 5):
        client.post(url if n == 1 else f"{url}?q=q{n}", {"answer": "1"})
    assert Draft.objects.get().answers == {"q1": 1, "q2": 1, "q3": 1, "q4": 1}
    resumed = client.get(url)  # coming back later starts at the first unanswered question
    assert resumed.context["number"] == 5
    for n in range(5, 9):
        client.post(f"{url}?q=q{n}", {"answer": "0"})
    crisis = client.post(f"{url}?q=q9", {"answer": "2"}, follow=True)
    assert "call your local emergency number" in crisis.content.decode()
    done_url = crisis.redirect_chain[-1][0]
    assert "call your local emergency number" in client.get(done_url).content.decode()  # reload
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.self_reported, assessment.recorded_by) == (
        6,
        True,
        patient.user,
    )
    assert Alert.objects.get().roles == ["counsellor", "physician"]
    assert not Draft.objects.exists()


def test_a_caregiver_sees_assessments_only_when_progress_is_shared(team):
    patient = make_patient(team, login=True)
    url = reverse("assessments:profile", args=[patient.pk])
    assert client_for(make_caregiver(patient, parts=[Part.PROGRAM])).get(url).status_code == 403
    other = make_patient(team, login=True)
    assert (
        client_for(make_caregiver(other, parts=[Part.PROGRESS]))
        .get(reverse("assessments:profile", args=[other.pk]))
        .status_code
        == 200
    )


def test_an_urgent_alert_shows_on_the_caseload_and_is_acknowledged(team):
    patient = make_patient(team, family_name="Alerted")
    counsellor = client_for(member(team, Role.COUNSELLOR))
    counsellor.post(
        reverse("assessments:new", args=[patient.pk, "phq9"]),
        {
            "administered_on": "2026-11-20",
            "occasion": "baseline",
            **{f"q{n}": "0" for n in range(1, 9)},
            "q9": "1",
        },
    )
    assert "Urgent alert" in counsellor.get(reverse("patients:caseload")).content.decode()
    alert = Alert.objects.get()
    done = counsellor.post(
        reverse("alerts:acknowledge", args=[patient.pk, alert.pk]), {"action_taken": "Called; safe"}
    )
    assert done["Location"] == reverse("alerts:list")
    assert "Urgent alert" not in counsellor.get(reverse("patients:caseload")).content.decode()


def test_a_timed_test_can_be_checked_against_the_norm_before_it_is_saved(team):
    patient = make_patient(team, date_of_birth=date(1954, 1, 1), sex="female")
    client = client_for(member(team, Role.THERAPIST))
    url = reverse("assessments:new", args=[patient.pk, "chair_stand_30s"])
    form = client.get(url).context["form"]
    assert (form.initial["age"], form.initial["sex"]) == (72, "female")
    checked = client.post(
        url,
        {
            "administered_on": "2026-11-20",
            "occasion": "baseline",
            "stands": "9",
            "age": "72",
            "sex": "female",
            "preview": "1",
        },
    )
    assert checked.context["preview"].figures["norm"] == 10  # women 70-74: below average if < 10
    assert checked.context["preview"].band == "below_norm"
    assert not Assessment.objects.exists()


def test_the_first_self_report_is_the_baseline_and_later_ones_follow_ups(team):
    patient = make_patient(team, login=True)
    client = client_for(login_of(patient))
    url = reverse("assessments:questionnaire", args=["confidence"])
    for _ in range(2):
        client.post(url, {"answer": "6"})
    assert list(Assessment.objects.order_by("id").values_list("occasion", flat=True)) == [
        "baseline",
        "follow_up",
    ]


def test_a_mistaken_assessment_is_marked_entered_in_error_not_changed(team):
    patient = make_patient(team)
    client = client_for(member(team, Role.THERAPIST))
    client.post(
        reverse("assessments:new", args=[patient.pk, "tug"]),
        {"administered_on": "2026-11-20", "occasion": "baseline", "seconds": "31"},
    )
    assessment = Assessment.objects.get()
    retract = reverse("assessments:retract", args=[patient.pk, assessment.pk])
    assert (
        retract
        in client.get(
            reverse("assessments:detail", args=[patient.pk, assessment.pk])
        ).content.decode()
    )
    assert client.post(retract, {"reason": "Timed the wrong patient"}).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.error_reason, assessment.total) == ("Timed the wrong patient", 31)  # kept
    assert client.get(reverse("assessments:list", args=[patient.pk])).context["assessments"] == []
    assert client.get(reverse("assessments:profile", args=[patient.pk])).context["rows"] == []
    caregiver = make_caregiver(make_patient(team, login=True), parts=list(Part))
    assert client_for(caregiver).get(retract).status_code == 404


def test_the_fall_risk_form_takes_the_therapists_gait_speed_and_tug(team):
    patient = make_patient(team)
    therapist = client_for(member(team, Role.THERAPIST))
    for code, field, value in (("gait_speed", "m_per_s", "0.7"), ("tug", "seconds", "16")):
        therapist.post(
            reverse("assessments:new", args=[patient.pk, code]),
            {"administered_on": "2026-11-20", "occasion": "baseline", field: value},
        )
    page = client_for(member(team, Role.PHYSICIAN)).get(
        reverse("assessments:new", args=[patient.pk, "falls_risk_wfg"])
    )
    form = page.context["form"]
    assert (form["gait_speed_m_s"].value(), form["tug_seconds"].value()) == ("0.7", "16")
    assert "Filled in from earlier measurements" in page.content.decode()


def test_the_physician_decides_on_impact_and_the_profile_follows(team):
    patient = make_patient(team)
    url = reverse("assessments:impact", args=[patient.pk])
    assert client_for(member(team, Role.THERAPIST)).get(url).status_code == 403
    physician = client_for(member(team, Role.PHYSICIAN))
    profile = reverse("assessments:profile", args=[patient.pk])
    before = physician.get(profile).context
    assert before["profile"].physician_impact is None
    limit = next(c for c in before["constraints"] if c.code == "physician_impact_limit")
    assert "not recorded" in limit.reason

    missing = physician.post(url, {"level": "low", "decided_on": "2026-11-20"})
    assert missing.status_code == 400
    assert "reason" in missing.context["form"].errors
    assert not patient.impact_decisions.exists()

    physician.post(url, {"level": "low", "reason": "T -2.8", "decided_on": "2026-11-10"})
    physician.post(url, {"level": "high", "reason": "Scan improved", "decided_on": "2026-11-20"})
    after = physician.get(profile).context
    assert after["profile"].physician_impact == "high"
    assert "physician_impact_limit" not in [c.code for c in after["constraints"]]
    assert [d.level for d in patient.impact_decisions.all()] == ["high", "low"]  # history kept
    assert (
        AuditEvent.objects.filter(
            target="assessments.ImpactDecision", patient_id=patient.pk
        ).count()
        == 2
    )
