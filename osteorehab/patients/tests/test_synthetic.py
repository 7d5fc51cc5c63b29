"""The synthetic program for benchmarks (`osteorehab.patients.synthetic`): its shape, that it is
the same for a seed, and that the pages, the rules and the selectors read it as they read data
entered through the services."""

import itertools
import random
import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import models, transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from osteorehab.accounts.access import visible_patients
from osteorehab.accounts.domain import Role, missing_roles
from osteorehab.accounts.models import CareTeam, Site, User
from osteorehab.accounts.synthetic import clinician_with_caseload
from osteorehab.alerts.models import Alert
from osteorehab.assessments.domain import Profile
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.logbook.models import CheckIn, ExerciseLog
from osteorehab.logbook.selectors import in_force_from
from osteorehab.patients.demo import DEMO_PASSWORD
from osteorehab.patients.domain import TRANSITIONS, EpisodeStatus
from osteorehab.patients.models import Episode, Patient
from osteorehab.patients.synthetic import build_synthetic
from osteorehab.patients.synthetic_cohort import (
    DECLINE_FLOOR,
    TEAM_SIZES,
    Course,
    Person,
    person,
    team_sizes,
)
from osteorehab.plans import domain as plans
from osteorehab.plans.models import PlanVersion
from osteorehab.plans.selectors import library
from osteorehab.rules.models import Proposal
from osteorehab.rules.services import sweep_run
from tests.factories import client_for

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
PATIENTS, DAYS, SEED = 40, 120, 2026
ROWS = {
    "accounts.Organisation": 1,
    "accounts.Site": 4,
    "accounts.CareTeam": 10,
    # 10 teams of 4 clinicians, the lead, the administrator, 26 patients, the caregiver
    "accounts.User": 69,
    "accounts.CareTeamMember": 40,
    "patients.Patient": 40,
    "patients.Fracture": 42,
    "patients.Consent": 41,
    "patients.Episode": 40,
    "patients.EpisodeStatusChange": 111,
    "patients.Medication": 25,
    "patients.MedicationFill": 75,
    "patients.Caregiver": 1,
    "assessments.Assessment": 1446,
    "assessments.ImpactDecision": 34,
    "plans.Goal": 15,
    "plans.GoalRating": 20,
    "plans.CarePlan": 34,
    "plans.PlanVersion": 34,
    "followup.ScheduleItem": 2312,
    "logbook.ExerciseLog": 13324,
    "logbook.CheckIn": 1789,
    "logbook.FallReport": 4,
    "alerts.Alert": 1,
}


# ---- Who the patients are and how their months go (pure) ----


def drawn(n: int, first_day: date) -> Person:
    return person(n, random.Random(n), first_day=first_day, today=TODAY)  # noqa: S311


def test_from_1800_patients_the_first_nurses_have_caseloads_of_200_50_and_500():
    assert team_sizes(1800) == list(TEAM_SIZES)
    sizes = team_sizes(10_000)
    assert sizes[:3] == [200, 50, 500]
    assert sum(sizes) == 10_000
    assert len(sizes) == 56


def test_a_small_program_keeps_the_teams_proportions():
    assert team_sizes(30) == [3, 1, 8, 2, 1, 5, 3, 1, 4, 2]
    assert team_sizes(1) == [1]


@given(st.integers(min_value=1, max_value=20_000))
def test_every_patient_has_a_team_and_every_team_a_patient(patients):
    sizes = team_sizes(patients)
    assert sum(sizes) == patients
    assert min(sizes) >= 1


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=400))
def test_an_episode_moves_only_as_the_registry_allows_and_never_after_yesterday(draw, days):
    p = drawn(draw, TODAY - timedelta(days=days))
    statuses = [status for status, _on in p.steps]
    days_on = [on for _status, on in p.steps]
    assert statuses[0] is EpisodeStatus.REFERRED
    assert all(b in TRANSITIONS[a] for a, b in itertools.pairwise(statuses))
    assert days_on == sorted(days_on)
    assert TODAY - timedelta(days=days) <= days_on[0]
    assert days_on[-1] < TODAY
    assert (p.status is EpisodeStatus.WITHDRAWN) == bool(p.end_reason)
    assert p.started_on == p.on(EpisodeStatus.ACTIVE)
    if p.started_on is None:
        assert p.visits == ()
        assert p.falls == ()
        assert p.last_logged(TODAY) is None
    else:
        last = p.last_logged(TODAY)
        assert all(p.started_on <= day <= TODAY for day, _visit, _n in p.visits)
        assert all(p.started_on < fall.day <= last for fall in p.falls)  # type: ignore[operator]


def test_a_habit_tails_off_to_its_floor_and_stops_for_good():
    people = [drawn(n, date(2026, 1, 1)) for n in range(400)]
    declining = next(p for p in people if p.course is Course.DECLINING and p.started_on)
    assert declining.started_on is not None
    later = declining.started_on + timedelta(days=365)
    later += timedelta(days=(7 - later.weekday()) % 7)  # a Monday
    assert declining.habit_on(later) == pytest.approx(declining.habit * DECLINE_FLOOR)
    stopping = next(p for p in people if p.course is Course.DROPS_OFF and p.started_on)
    assert stopping.habit_on(stopping.stops_on) == 0.0  # type: ignore[arg-type]
    assert Counter(p.course for p in people)[Course.STEADY] > len(people) / 2


@pytest.mark.django_db
def test_the_prescription_reads_neither_pain_nor_the_weeks_since_a_fracture():
    """What lets the synthetic plans draft once per profile without them (plans.synthetic)."""
    base = Profile("osteoporosis", -2.8, True, 2, 30, "high", 6.0, "low", True)
    every = library()

    def drafted(profile: Profile) -> dict:
        facts = plans.Facts(profile, False, False, False)
        return plans.content(plans.prescribe(facts, every).items, facts, {})

    other = Profile("osteoporosis", -2.8, True, 2, 400, "high", 0.0, "low", True)
    assert (
        drafted(base) == drafted(other) == drafted(Profile(**{**base.__dict__, "pain_nrs": None}))
    )


# ---- One program in the database, read by every test below (and rolled back after them) ----


@pytest.fixture(scope="module")
def program(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_synthetic(patients=PATIENTS, days=DAYS, seed=SEED, today=TODAY, now=NOW)
        transaction.set_rollback(True)


def test_a_small_program_has_these_rows(program, db):
    assert program.rows == ROWS
    for label, count in ROWS.items():
        assert apps.get_model(label).objects.count() == count
    statuses = Counter(Episode.objects.values_list("status", flat=True))
    assert statuses == {"active": 32, "referred": 5, "withdrawn": 2, "assessment": 1}
    assert Episode.objects.filter(status="withdrawn").exclude(end_reason="").count() == 2


def test_patients_are_spread_over_four_sites_and_teams_of_set_sizes(program, db):
    assert Site.objects.count() == 4
    teams = CareTeam.objects.order_by("pk")
    assert [t.patients.count() for t in teams] == team_sizes(PATIENTS)
    assert len({t.site_id for t in teams}) == 4
    for team in teams:
        assert missing_roles(team.members.values_list("role", flat=True)) == []
    assert program.caseloads == {
        "nurse": 4, "nurse2": 1, "nurse3": 11, "nurse4": 3, "nurse5": 2,
        "nurse6": 7, "nurse7": 3, "nurse8": 1, "nurse9": 6, "nurse10": 2,
    }  # fmt: skip
    assert visible_patients(User.objects.get(username="nurse3")).count() == 11
    assert clinician_with_caseload(Role.NURSE, 5).username == "nurse9"  # type: ignore[union-attr]
    assert clinician_with_caseload(Role.NURSE, 12) is None
    assert visible_patients(User.objects.get(username="lead")).count() == PATIENTS
    for username in ("counsellor", "therapist", "physician", "nurse", "lead", "admin"):
        # hashed (with Argon2, as in use) before the tests' fast hasher was set
        assert Argon2PasswordHasher().verify(
            DEMO_PASSWORD, User.objects.get(username=username).password
        )
    patient = Patient.objects.get(user__username="patient")
    assert visible_patients(User.objects.get(username="caregiver")).get() == patient


def test_most_keep_up_their_exercise_a_tail_does_not_and_some_stop(program, db):
    shares, stopped = [], 0
    for episode in Episode.objects.filter(changes__to_status=EpisodeStatus.ACTIVE):
        started = episode.changes.get(to_status=EpisodeStatus.ACTIVE).on
        logs = ExerciseLog.objects.filter(patient_id=episode.patient_id)
        exercised = logs.exclude(completion="skipped").values("day").distinct().count()
        shares.append(exercised / max(1, (TODAY - started).days))
        stopped += not logs.filter(day__gte=TODAY - timedelta(days=14)).exists()
    assert len(shares) == 34
    assert statistics.median(shares) >= 0.75
    assert sum(share < 0.5 for share in shares) == 4
    assert stopped == 2  # the two withdrawn after they stopped writing anything
    assert ExerciseLog.objects.filter(completion="partly").exists()
    assert ExerciseLog.objects.filter(completion="skipped").exclude(skip_reason="").exists()


def test_the_rows_are_those_the_services_would_write(program, db):
    for assessment in Assessment.objects.order_by("pk")[:300]:
        result = INSTRUMENTS[assessment.instrument].score(assessment.answers)
        assert assessment.result == result.stored()
        assert (assessment.total, assessment.band) == (result.total, result.band or "")
    phq9 = Assessment.objects.filter(instrument="phq9")
    assert all(a.answers["items"][8] == 0 for a in phq9)  # no safety signal left unattended
    every = library(include_retired=True)
    for version in PlanVersion.objects.select_related("plan"):
        items = plans.items_of(version.content)
        assert items
        assert version.approved
        assert set(version.content["sections"]) == set(plans.SECTIONS)
        patient_id = version.plan.patient_id
        started = Episode.objects.get(patient_id=patient_id).changes.get(to_status="active").on
        assert in_force_from(version) == started
        logged = ExerciseLog.objects.filter(patient_id=patient_id).values_list(
            "exercise", flat=True
        )
        assert set(logged) <= {item.exercise for item in items} <= set(every)
    baseline = Assessment.objects.filter(occasion=Occasion.BASELINE)
    assert baseline.filter(self_reported=True).exists()
    assert baseline.filter(self_reported=False, note="Entered from the paper form").exists()
    assert set(CheckIn.objects.values_list("entered_as", flat=True)) == {"patient", "nurse_paper"}
    for alert in Alert.objects.all():
        model, pk = alert.source.removeprefix("logbook.").split(" #")
        assert apps.get_model("logbook", model).objects.filter(pk=int(pk), patient=alert.patient)


def test_the_caseload_progress_dashboard_and_rules_read_it(program, db, time_machine):
    time_machine.move_to(NOW, tick=False)
    nurse = User.objects.get(username="nurse3")
    page = client_for(nurse).get(reverse("patients:caseload"))
    assert page.status_code == 200
    listed = page.content.decode()
    assert all(p.family_name in listed for p in visible_patients(nurse))
    most = (
        Assessment.objects.filter(occasion=Occasion.FOLLOW_UP, instrument="gad7")
        .values("patient_id")
        .annotate(n=models.Count("id"))
        .order_by("-n", "patient_id")[0]
    )
    patient = Patient.objects.get(pk=most["patient_id"])
    therapist = patient.care_team.members.get(role=Role.THERAPIST)
    progress = client_for(therapist).get(reverse("outcomes:progress", args=[patient.pk]))
    assert progress.status_code == 200
    assert 'class="trend"' in progress.content.decode()
    lead = client_for(User.objects.get(username="lead"))
    assert lead.get(reverse("outcomes:dashboard")).status_code == 200
    sweep_run(today=TODAY)
    kinds = set(Proposal.objects.values_list("rule", flat=True))
    assert {"progress", "easy-sessions", "adherence", "overdue", "pain"} <= kinds
