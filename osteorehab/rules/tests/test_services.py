"""Finding and deciding proposals: stored once whatever the runs, decided only by the routed
role, applied through the plan's and psychology's own services, audited; the sweep resumes."""

import uuid
from datetime import date, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osteorehab.accounts.domain import Role
from osteorehab.alerts.models import Alert
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.assessments.services import assessment_record
from osteorehab.audit.models import AuditEvent
from osteorehab.logbook.services import check_in_record, exercise_log_record
from osteorehab.patients.models import Patient
from osteorehab.plans.domain import Facts, Item, items_of
from osteorehab.plans.exercises import Dose
from osteorehab.plans.models import PlanVersion
from osteorehab.plans.services import plan_version_save
from osteorehab.psychology.models import ModuleFrequency
from osteorehab.psychology.selectors import psych_plan
from osteorehab.rules import domain, services
from osteorehab.rules.models import Proposal, SweepRun
from osteorehab.rules.selectors import histories, in_program
from osteorehab.rules.tasks import rules_for_patient
from tests.factories import login_of, make_patient, member

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)


def gad7(patient: Patient, total_items: list[int], on: date, occasion=Occasion.FOLLOW_UP):
    return assessment_record(
        patient=patient,
        by=member(patient.care_team, Role.COUNSELLOR),
        code="gad7",
        answers={"items": total_items},
        administered_on=on,
        occasion=occasion,
    )


def anxious(team) -> Patient:
    """GAD-7 6 (mild) at baseline, 12 (moderate) at the check-up: the program's example."""
    patient = make_patient(team, login=True)
    gad7(patient, [1, 1, 1, 1, 1, 1, 0], date(2026, 2, 2), Occasion.BASELINE)
    gad7(patient, [2, 2, 2, 2, 2, 1, 1], date(2026, 2, 27))
    return patient


def find(*patients: Patient) -> list[Proposal]:
    return services.proposals_find(patients=list(patients), today=TODAY)


def test_a_firing_is_stored_once_with_its_audit_event_and_never_again(team):
    patient = anxious(team)
    (proposal,) = find(patient)
    assert (proposal.rule, proposal.role, proposal.status, proposal.urgency) == (
        "anxiety",
        "counsellor",
        "open",
        "routine",
    )
    ids = list(patient.assessments.order_by("id").values_list("id", flat=True))
    assert [p["id"] for p in proposal.evidence] == ids
    assert "GAD-7 6 on 2026-02-02, 12 on 2026-02-27" in proposal.why
    event = AuditEvent.objects.get(target="rules.Proposal")
    assert (event.user, event.action, event.changes["rule"]) == (None, "create", "anxiety")
    assert find(patient) == []  # the same data: nothing new
    assert Proposal.objects.count() == 1
    assert AuditEvent.objects.filter(target="rules.Proposal").count() == 1


def test_one_proposal_per_rule_waits_and_new_data_after_a_decision_proposes_again(team):
    patient = anxious(team)
    (first,) = find(patient)
    gad7(patient, [3, 3, 3, 3, 3, 2, 1], date(2026, 3, 1))  # 18: worse again
    assert find(patient) == []  # the first still waits: no second one beside it
    services.proposal_reject(
        proposal=first, by=member(team, Role.COUNSELLOR), reason="Seen this week"
    )
    (second,) = find(patient)
    assert [p["total"] for p in second.evidence] == [12, 18]


def test_the_counsellor_accepts_more_cognitive_sessions_and_the_plan_gets_a_version(team):
    patient = anxious(team)
    draft_plan(patient)
    (proposal,) = find(patient)
    before = {r.code: r.frequency for r in psych_plan(patient)}["cognitive_restructuring"]
    assert before == "fortnightly"  # the baseline's mild GAD-7 (local program rule)
    counsellor = member(team, Role.COUNSELLOR)
    services.proposal_accept(proposal=proposal, by=counsellor, note="Agreed with her")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decision_reason) == (
        "accepted",
        counsellor,
        "Agreed with her",
    )
    row = ModuleFrequency.objects.get()
    assert (row.module, row.frequency) == ("cognitive_restructuring", "weekly")
    version = proposal.plan_version
    assert version is not None
    assert version.number == 2
    psychology = {e["key"]: e["en"] for e in version.content["sections"]["psychology"]}
    assert psychology["cognitive_restructuring"].endswith("weekly")
    event = AuditEvent.objects.filter(target="rules.Proposal", action="update").get()
    assert event.changes["status"] == ["open", "accepted"]
    assert event.changes["plan_version"] == 2


def test_only_the_routed_role_decides_and_the_physician_an_urgent_one(team):
    patient = anxious(team)
    (proposal,) = find(patient)
    for role in (Role.PHYSICIAN, Role.THERAPIST, Role.NURSE):
        with pytest.raises(ValidationError, match="for the Psychological counsellor to decide"):
            services.proposal_reject(proposal=proposal, by=member(team, role), reason="No")
    with pytest.raises(ValidationError):
        services.proposal_reject(proposal=proposal, by=login_of(patient), reason="No")
    Proposal.objects.filter(pk=proposal.pk).update(urgency="urgent")
    services.proposal_reject(proposal=proposal, by=member(team, Role.PHYSICIAN), reason="Seen")
    with pytest.raises(ValidationError, match="already been decided"):
        services.proposal_accept(proposal=proposal, by=member(team, Role.COUNSELLOR))


def test_a_rejection_needs_a_reason(team):
    (proposal,) = find(anxious(team))
    with pytest.raises(ValidationError):
        services.proposal_reject(proposal=proposal, by=member(team, Role.COUNSELLOR), reason=" ")
    proposal.refresh_from_db()
    assert proposal.status == "open"


# ---- Exercise proposals ----

CYCLE = Item("stationary_cycling", (0, 1, 2, 4, 5), Dose(minutes=10), domain.Reason.joined(()))
PUSH = Item("wall_push_up", (0, 3), Dose(sets=2, reps=8, reps_max=12), domain.Reason.joined(()))


def draft_plan(patient: Patient) -> PlanVersion:
    return plan_version_save(
        patient=patient,
        by=member(patient.care_team, Role.PHYSICIAN),
        items=[CYCLE, PUSH],
        facts=Facts(domain.History().facts.profile, False, False, False),
        reason="Test plan",
        based_on=0,
    )


def tired(patient: Patient) -> None:
    """Cycling at effort 9 on three days of the last week."""
    for back in (5, 4, 2):  # Wed, Thu... the walks of the week before today
        exercise_log_record(
            patient=patient,
            by=login_of(patient),
            client_key=uuid.uuid4(),
            day=TODAY - timedelta(days=back),
            exercise="stationary_cycling",
            plan_version=1,
            completion="done",
            minutes=10,
            effort=9,
            pain=1,
        )


def test_the_therapist_modifies_a_fatigue_proposal_and_the_plan_gets_a_version(team):
    patient = make_patient(team, login=True)
    draft_plan(patient)
    tired(patient)
    (proposal,) = find(patient)
    (item,) = proposal.proposed.items
    # no impact allowed (no bone density, no physician's decision): brisk walking is not offered
    assert (proposal.rule, item.to_exercise, item.alternatives) == (
        "fatigue",
        "seated_marching",
        (),
    )
    therapist = member(team, Role.THERAPIST)
    shorter = domain.ItemChange(
        item.exercise, item.step, item.dose_from, "stationary_cycling", Dose(minutes=8), item.reason
    )
    services.proposal_modify(
        proposal=proposal, by=therapist, change=domain.Change(items=(shorter,)), reason="Shorter"
    )
    proposal.refresh_from_db()
    assert proposal.status == "modified"
    assert proposal.applied == domain.Change(items=(shorter,))
    latest = PlanVersion.objects.get(number=2)
    assert proposal.plan_version == latest
    cycle = next(i for i in items_of(latest.content) if i.exercise == "stationary_cycling")
    assert (cycle.days, cycle.dose.minutes) == (CYCLE.days, 8)
    assert "Shorter" in latest.reason


def test_a_modification_may_only_choose_an_exercise_offered(team):
    patient = make_patient(team, login=True)
    draft_plan(patient)
    tired(patient)
    (proposal,) = find(patient)
    (item,) = proposal.proposed.items
    wrong = domain.Change(
        items=(
            domain.ItemChange(
                item.exercise, item.step, item.dose_from, "deadlift", item.dose, item.reason
            ),
        )
    )
    with pytest.raises(ValidationError, match="Choose one of the exercises offered"):
        services.proposal_modify(
            proposal=proposal, by=member(team, Role.THERAPIST), change=wrong, reason="x"
        )
    assert PlanVersion.objects.count() == 1


def test_a_proposal_for_a_plan_changed_since_is_refused_not_applied(team):
    patient = make_patient(team, login=True)
    version = draft_plan(patient)
    tired(patient)
    (proposal,) = find(patient)
    plan_version_save(
        patient=patient,
        by=member(team, Role.THERAPIST),
        items=[Item("stationary_cycling", CYCLE.days, Dose(minutes=15), CYCLE.reason), PUSH],
        facts=Facts(domain.History().facts.profile, False, False, False),
        reason="Longer walks",
        based_on=version.number,
    )
    with pytest.raises(ValidationError, match="plan has changed since"):
        services.proposal_accept(proposal=proposal, by=member(team, Role.THERAPIST))
    assert PlanVersion.objects.count() == 2


def test_sessions_before_an_accepted_step_do_not_propose_it_again(team):
    patient = make_patient(team, login=True)
    draft_plan(patient)
    tired(patient)
    (proposal,) = find(patient)
    services.proposal_accept(proposal=proposal, by=member(team, Role.THERAPIST))
    assert find(patient) == []


# ---- Safety: the alert reaches the clinicians, once ----


def test_item9_above_zero_proposes_an_urgent_review_and_reuses_the_alert(team):
    patient = make_patient(team)
    assessment_record(
        patient=patient,
        by=member(team, Role.COUNSELLOR),
        code="phq9",
        answers={"items": [1, 1, 1, 1, 0, 0, 0, 0, 1]},
        administered_on=TODAY,
    )
    assert Alert.objects.count() == 1  # raised at once, by the assessment
    (proposal,) = find(patient)
    assert (proposal.rule, proposal.urgency, proposal.subject) == (
        "depression",
        "urgent",
        f"item9:{patient.assessments.get().pk}",
    )
    assert Alert.objects.count() == 1  # not a second one


def test_a_safety_signal_entered_without_its_alert_gets_one_once(team):
    patient = make_patient(team)
    instrument = INSTRUMENTS["phq9"]
    answers = {"items": [0, 0, 0, 0, 0, 0, 0, 0, 2]}
    Assessment.scored(  # e.g. an import: no service, no alert
        instrument=instrument,
        answers=answers,
        result=instrument.score(answers),
        patient=patient,
        administered_on=TODAY,
        recorded_by=member(team, Role.NURSE),
    ).save()
    find(patient)
    alert = Alert.objects.get()
    assert (alert.kind, alert.roles) == ("self_harm_thoughts", ["counsellor", "physician"])
    find(patient)
    assert Alert.objects.count() == 1


# ---- Running it ----


def test_new_data_runs_the_rules_for_the_patient_once_it_is_committed(
    team, django_capture_on_commit_callbacks
):
    patient = make_patient(team, login=True)
    gad7(patient, [1, 1, 1, 1, 1, 1, 0], date(2026, 2, 2))
    with django_capture_on_commit_callbacks(execute=True):
        gad7(patient, [2, 2, 2, 2, 2, 1, 1], date(2026, 2, 27))
    assert list(Proposal.objects.values_list("rule", flat=True)) == ["anxiety"]
    with django_capture_on_commit_callbacks(execute=True):
        check_in_record(
            patient=patient,
            by=login_of(patient),
            client_key=uuid.uuid4(),
            day=TODAY,
            mood=3,
            confidence=5,
            fatigue=3,
            sleep="good",
            pain=1,
            back_pain_new=False,
            falls=0,
            near_falls=0,
        )
    assert Proposal.objects.count() == 1  # run again, nothing new
    rules_for_patient(patient.pk)
    assert Proposal.objects.count() == 1


def test_a_patient_out_of_the_program_is_not_run(team):
    patient = anxious(team)
    patient.episodes.update(status="discharged")
    rules_for_patient(patient.pk)
    assert not Proposal.objects.exists()


def test_the_sweep_goes_batch_by_batch_and_resumes_after_a_crash(team):
    patients = [anxious(team) for _ in range(5)]
    real = services.proposals_find
    calls = []

    def crashing(**kwargs):
        calls.append(kwargs["patients"])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    with mock.patch.object(services, "proposals_find", crashing), pytest.raises(RuntimeError):
        services.sweep_run(today=TODAY, batch=2)
    run = SweepRun.objects.get()
    assert (run.done, run.total, run.last_patient_id, run.finished_at) == (
        2,
        5,
        patients[1].pk,
        None,
    )
    assert Proposal.objects.count() == 2  # the crashed batch wrote nothing
    seen = []
    resumed = services.sweep_run(today=TODAY, batch=2, progress=lambda r: seen.append(r.done))
    assert resumed.pk == run.pk
    assert resumed.finished_at is not None
    assert (resumed.done, resumed.proposals) == (5, 5)
    assert seen == [4, 5, 5]
    assert Proposal.objects.count() == 5
    again = services.sweep_run(today=TODAY, batch=2)  # the day's sweep is done: nothing to do
    assert again.pk == run.pk
    fresh = services.sweep_run(today=TODAY, batch=2, again=True)
    assert (fresh.done, fresh.proposals, Proposal.objects.count()) == (5, 0, 5)


def test_a_batchs_history_is_a_fixed_number_of_queries(team):
    patients = [anxious(team) for _ in range(6)]
    with CaptureQueriesContext(connection) as few:
        histories(patients[:2], TODAY)
    with CaptureQueriesContext(connection) as many:
        found = histories(patients, TODAY)
    assert len(many) == len(few) <= 12
    assert len(found[patients[0].pk].assessments) == 2


def test_the_command_sweeps_and_says_how_long_it_took(team):
    anxious(team)
    out = StringIO()
    call_command("rules_sweep", "--date", "2026-03-02", stdout=out)
    assert out.getvalue().startswith("Sweep of 2026-03-02: 1/1 patients, 1 new proposals, in ")
    assert out.getvalue().rstrip().endswith(" s.")
    again = StringIO()
    call_command("rules_sweep", "--date", "2026-03-02", stdout=again)
    assert again.getvalue().startswith("The sweep of 2026-03-02 had finished already (1/1")


def test_a_patient_back_in_the_program_after_an_earlier_episode_is_run(team):
    patient = anxious(team)
    patient.episodes.update(status="discharged", end_reason="")
    patient.episodes.create(referred_on=date(2026, 2, 1), status_since=date(2026, 2, 1))
    assert list(in_program()) == [patient]
    rules_for_patient(patient.pk)
    assert Proposal.objects.get().rule == "anxiety"
