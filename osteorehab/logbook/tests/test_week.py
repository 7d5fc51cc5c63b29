"""The patient's week: the page links effort to gains, and the caregiver with the log shared
sees the same week."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from osteorehab.accounts.domain import Part, Role
from osteorehab.assessments.services import assessment_record
from osteorehab.plans.models import PlanVersion
from tests.factories import client_for, login_of, make_caregiver, make_patient, member

from .factories import log_exercise, make_plan

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 16)


@pytest.fixture
def patient(team):
    patient = make_patient(team, login=True, date_of_birth=date(1950, 3, 1), sex="female")
    version = make_plan(patient)
    # in force since Monday: the week has planned days behind it
    since = datetime(2026, 11, 16, 8, tzinfo=UTC)
    PlanVersion.objects.filter(pk=version.pk).update(created_at=since, approved_at=since)
    return patient


def chair_stands(patient, stands, on):
    assessment_record(
        patient=patient,
        by=member(patient.care_team, Role.THERAPIST),
        code="chair_stand_30s",
        answers={"stands": stands, "age": 76, "sex": "female"},
        administered_on=on,
    )


def test_the_week_page_shows_sessions_minutes_the_run_and_the_gains(patient):
    me = login_of(patient)
    # Monday: marching done; Tuesday: marching in part; Wednesday: skipped; Thursday, Friday:
    # nothing logged; Saturday (today): chin tucks and marching done.
    log_exercise(patient, me, day=MONDAY, exercise="seated_marching", minutes=10)
    log_exercise(patient, me, day=MONDAY, exercise="wall_push_up", minutes=None, sets=1, reps=10)
    log_exercise(
        patient,
        me,
        day=date(2026, 11, 17),
        exercise="seated_marching",
        completion="partly",
        minutes=6,
    )
    log_exercise(
        patient,
        me,
        day=date(2026, 11, 18),
        exercise="seated_marching",
        completion="skipped",
        skip_reason="no_time",
        minutes=None,
        effort=None,
        pain=None,
    )
    log_exercise(patient, me, exercise="chin_tucks", minutes=5)
    log_exercise(patient, me, exercise="seated_marching", minutes=10)
    chair_stands(patient, 8, date(2026, 9, 1))  # below the STEADI line (< 10, women 75-79)
    chair_stands(patient, 11, date(2026, 11, 14))

    response = client_for(me).get(reverse("logbook:week"))

    assert response.status_code == 200
    found = response.context["feedback"]
    # Mon marching + push-up, Tue marching, Wed marching, Thu push-up, Fri marching, Sat both
    assert (found.week.sessions.planned, found.week.sessions.done, found.week.sessions.partly) == (
        6,
        2,
        1,
    )
    assert (
        found.week.strength_days,
        found.week.strength_days_planned,
        found.week.strength_sets,
    ) == (1, 2, 1)
    # Thursday and Friday missed, two in a row: the run is today's session only
    assert (found.streak.days, found.streak.forgiven) == (1, 0)
    html = response.content.decode()
    assert "Sessions: 3 of 6 planned" in html
    assert "Strength: 1 of 2 days (1 sets)" in html
    assert "30-Second Chair Stand: up from 8 to 11." in html
    assert "At the start: Below the norm for age and sex. Not any more." in html
    assert "The line for your age: 10." in html
    assert "Your 30-Second Chair Stand left the range: Below the norm for age and sex." in html
    assert "1 day of exercise in a row" in html


def test_the_week_page_reads_in_chinese(patient):
    me = login_of(patient)
    chair_stands(patient, 8, date(2026, 9, 1))
    chair_stands(patient, 11, date(2026, 11, 14))
    client = client_for(me)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("logbook:week"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的一周" in html
    assert "30 秒坐站测试：从 8 提高到 11。" in html
    assert "刚开始时：低于同年龄同性别常模。现在已经不是了。" in html
    assert "Sessions:" not in html


def test_a_caregiver_sees_the_week_only_with_the_log_shared(patient):
    with_log = client_for(make_caregiver(patient, parts=[Part.LOG]))
    without = client_for(make_caregiver(patient, parts=[Part.PLAN]))
    url = reverse("family:person", args=[patient.pk])
    assert "This week so far" in with_log.get(url).content.decode()
    assert "This week so far" not in without.get(url).content.decode()


def test_another_patient_cannot_open_the_week_of_someone_else(team, patient):
    # the page is the user's own: another patient sees their own (empty) week
    other = make_patient(team, login=True)
    response = client_for(login_of(other)).get(reverse("logbook:week"))
    assert response.context["patient"] == other
    assert response.context["feedback"].week.sessions.planned == 0
