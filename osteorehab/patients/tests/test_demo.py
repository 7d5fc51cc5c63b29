from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from osteorehab.accounts.access import visible_patients
from osteorehab.accounts.domain import CLINICAL_ROLES, Role, missing_roles
from osteorehab.accounts.models import CareTeam, User
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
