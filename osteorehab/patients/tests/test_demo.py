from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from osteorehab.accounts.access import visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Role, missing_roles
from osteorehab.accounts.models import CareTeam, User
from osteorehab.assessments.domain import BASELINE_BATTERY
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.patients.demo import build_demo
from osteorehab.patients.domain import EpisodeStatus
from osteorehab.patients.models import Episode, Patient

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 21)


def test_the_demo_program_has_a_full_team_every_status_and_a_caregiver():
    demo = build_demo(today=TODAY)
    assert demo.patients == Patient.objects.count() == 12
    assert set(Episode.objects.values_list("status", flat=True)) == set(EpisodeStatus)
    assert set(User.objects.values_list("role", flat=True)) == set(Role)
    team = CareTeam.objects.get()
    assert missing_roles(team.members.values_list("role", flat=True)) == []
    nurse = User.objects.get(username="nurse")
    assert visible_patients(nurse).count() == 12
    caregiver = User.objects.get(username="caregiver")
    assert list(visible_patients(caregiver)) == [Patient.objects.get(user__username="patient")]
    assert Episode.objects.filter(status="withdrawn").exclude(end_reason="").count() == 2
    # weeks of history: every episode's changes are in order and none in the future
    for episode in Episode.objects.prefetch_related("changes"):
        days = [c.on for c in episode.changes.all()]
        assert days == sorted(days)
        assert days[-1] == episode.status_since <= TODAY


def test_the_demo_has_baselines_check_ups_and_impact_decisions_from_each_patients_team():
    build_demo(today=TODAY)
    assessed = Patient.objects.exclude(episodes__status=EpisodeStatus.REFERRED)
    for patient in assessed:
        baseline = set(
            patient.assessments.filter(occasion=Occasion.BASELINE).values_list(
                "instrument", flat=True
            )
        )
        assert baseline == {code for codes in BASELINE_BATTERY.values() for code in codes}
        # recorded by the patient's own care team (or the patient on their phone)
        recorders = set(patient.assessments.values_list("recorded_by", flat=True))
        allowed = {*patient.care_team.members.values_list("pk", flat=True), patient.user_id}
        assert recorders <= allowed
    started = Patient.objects.filter(episodes__changes__to_status=EpisodeStatus.ACTIVE)
    assert started.exists()
    for patient in started:
        assert patient.impact_decisions.count() == 1
    # the bi-weekly check-ups since the program started, none in the future
    follow_ups = Assessment.objects.filter(occasion=Occasion.FOLLOW_UP, instrument="gad7")
    assert follow_ups.count() > 10
    assert all(a.administered_on <= TODAY for a in follow_ups)
    # never a PHQ-9 item 9 above 0 without the alert it calls for
    assert not [a for a in Assessment.objects.filter(instrument="phq9") if a.answers["items"][8]]
    assert Assessment.objects.filter(self_reported=True, patient__user__username="patient").exists()


class Rollback(Exception):
    pass


def program_built(seed: int) -> list[tuple]:
    try:
        with transaction.atomic():
            build_demo(seed=seed, today=TODAY)
            built = list(
                Patient.objects.order_by("pk").values_list(
                    "family_name",
                    "given_name",
                    "date_of_birth",
                    "episodes__status",
                    "fractures__site",
                )
            )
            raise Rollback
    except Rollback:
        return built


def test_the_same_seed_gives_the_same_program():
    assert program_built(7) == program_built(7)
    assert program_built(7) != program_built(8)


def test_a_larger_program_gets_a_complete_team_per_two_hundred_patients():
    build_demo(patients=450, today=TODAY)
    teams = CareTeam.objects.all()
    assert teams.count() == 2
    for team in teams:
        assert missing_roles(team.members.values_list("role", flat=True)) == []
        nurse = team.members.get(role=Role.NURSE)
        assert visible_patients(nurse).count() == team.patients.count() > 200
    assert all(
        role.value in set(User.objects.values_list("role", flat=True)) for role in CLINICAL_ROLES
    )


def test_loading_the_demo_twice_keeps_the_data_and_prints_the_logins():
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    call_command("load_demo", "--if-empty", stdout=out)
    assert Patient.objects.count() == 12
    text = out.getvalue()
    assert "Loaded 12 patients" in text
    assert "keeping it" in text
    assert "password for all: rehab-demo-2026" in text
