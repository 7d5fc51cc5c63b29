"""The sweep at scale: a batch's histories in a fixed number of queries whatever the patients'
plans and logs, only the sessions the rules read, the same firings as from every session;
and the sweep fanned out to the workers in shares, each firing stored once."""

import uuid
from dataclasses import replace
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osteorehab.logbook.models import EnteredAs, ExerciseLog
from osteorehab.patients.models import Patient
from osteorehab.plans.domain import RECENT_SESSIONS
from osteorehab.plans.selectors import library
from osteorehab.rules import domain, services
from osteorehab.rules.models import Proposal
from osteorehab.rules.selectors import histories
from tests.factories import login_of, make_patient

from .test_services import TODAY, anxious, draft_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)


def exercising(team, *, days: int = 20) -> Patient:
    """A plan in force, and cycling logged every day of the last `days` (easy, then hard)."""
    patient = make_patient(team, login=True)
    draft_plan(patient)
    ExerciseLog.objects.bulk_create(
        ExerciseLog(
            patient=patient,
            day=TODAY - timedelta(days=back),
            exercise="stationary_cycling",
            plan_version=1,
            completion="done",
            minutes=10,
            effort=9 if back < 5 else 3,
            pain=1,
            entered_by=login_of(patient),
            entered_as=EnteredAs.PATIENT,
            client_key=uuid.uuid4(),
        )
        for back in range(days)
    )
    return patient


def test_a_batch_with_plans_and_logs_reads_its_histories_in_a_fixed_number_of_queries(team):
    patients = [exercising(team) for _ in range(6)]
    with CaptureQueriesContext(connection) as few:
        histories(patients[:2], TODAY)
    with CaptureQueriesContext(connection) as many:
        found = histories(patients, TODAY)
    assert len(many) == len(few)
    assert len(found[patients[0].pk].weeks) == domain.ADHERENCE_WEEKS


def test_a_history_holds_the_sessions_the_rules_read_and_fires_as_with_every_session(team):
    patient = exercising(team)
    history = histories([patient], TODAY)[patient.pk]
    assert len(history.sessions) == RECENT_SESSIONS  # each exercise's last, of 20 logged
    assert max(s.day for s in history.sessions) == TODAY
    every = tuple(
        domain.Logged(
            log.pk,
            log.day,
            log.exercise,
            log.plan_version,
            log.completion,
            log.effort,
            log.pain,
            log.skip_reason,
        )
        for log in ExerciseLog.objects.filter(patient=patient)
    )
    exercises = library()
    firings = domain.evaluate(history, TODAY, exercises)
    assert {f.rule for f in firings} >= {"fatigue"}  # effort 9 on the last five days
    assert firings == domain.evaluate(replace(history, sessions=every), TODAY, exercises)


def test_the_fanned_out_sweep_stores_each_firing_once_however_often_it_runs(team):
    patients = [anxious(team) for _ in range(5)]
    assert services.sweep_shares(batch=2) == [
        [patients[0].pk, patients[1].pk],
        [patients[2].pk, patients[3].pk],
        [patients[4].pk],
    ]
    out = StringIO()
    call_command("rules_sweep", "--fan-out", "--batch", "2", stdout=out)  # run inline in tests
    assert out.getvalue().strip() == "Queued 3 tasks for 5 patients."
    assert Proposal.objects.count() == 5
    call_command("rules_sweep", "--fan-out", "--batch", "2", stdout=StringIO())
    assert Proposal.objects.count() == 5
    with pytest.raises(CommandError, match="--fan-out sweeps today"):
        call_command("rules_sweep", "--fan-out", "--date", date(2026, 3, 1).isoformat())
