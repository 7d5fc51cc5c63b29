"""Reliability of the write paths: a submission sent again, or ten times at the same moment, is
stored once; a write that fails half-way leaves nothing; database connections are checked before
they are reused.

The tests of simultaneous requests need PostgreSQL: real threads, each with its own connection,
meeting at a barrier. SQLite lets one writer in at a time (the others wait on the database lock
or fail with "database is locked"), which is not the race being tested, so they are skipped
there; CI runs them on PostgreSQL (DATABASE_URL).
"""

import ast
import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.signals import request_started
from django.db import connection, connections
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from osteorehab.accounts.domain import Part, Role
from osteorehab.accounts.models import User
from osteorehab.alerts.models import Alert
from osteorehab.assessments.instruments.chair_stand import CHAIR_STAND
from osteorehab.assessments.models import Assessment, Draft
from osteorehab.assessments.services import assessment_record, draft_answer, questionnaire_answer
from osteorehab.audit.models import AuditEvent
from osteorehab.contact.models import Message, Thread
from osteorehab.contact.services import message_send, thread_start
from osteorehab.education.services import assignment_complete, assignment_create
from osteorehab.family.models import Encouragement
from osteorehab.family.services import encouragement_send
from osteorehab.logbook.models import CheckIn, ExerciseLog, FallReport
from osteorehab.logbook.services import check_in_record, exercise_log_record, fall_report_record
from osteorehab.logbook.tests.factories import check_in_form, make_plan
from osteorehab.patients.models import Consent, Episode, Patient
from osteorehab.plans.education import MODULES_BY_CODE
from osteorehab.plans.models import CarePlan, GoalRating, PlanVersion
from osteorehab.plans.services import goal_create, goal_rate
from tests.factories import client_for, login_of, make_caregiver, make_patient, member

ROOT = Path(__file__).resolve().parent.parent
CONCURRENT = 10
KEY_FIELD = r'name="client_key" value="([0-9a-f-]{36})"'
# Committed for real, so that other threads (and the failure tests' rollbacks) see it; the data
# migrations' rows (the exercise library) are restored after the flush that ends each test.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="simultaneous writers need PostgreSQL (SQLite locks the whole database for one "
    "writer); CI runs this on PostgreSQL (DATABASE_URL)",
)


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released together; each thread has its own database
    connection (Django's are per thread), closed when it ends. The results, or the exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # the test reads it
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


# ---- What the patient's side writes, each once per key ----


def _today() -> Any:
    return timezone.localdate()


def _exercise_log(patient: Patient, key: uuid.UUID) -> Model:
    return exercise_log_record(
        patient=patient,
        by=login_of(patient),
        client_key=key,
        day=_today(),
        exercise="chin_tucks",
        plan_version=1,
        completion="done",
        minutes=5,
        effort=4,
    )


def _check_in(patient: Patient, key: uuid.UUID) -> Model:
    return check_in_record(
        patient=patient,
        by=login_of(patient),
        client_key=key,
        day=_today(),
        mood=2,
        confidence=5,
        fatigue=4,
        sleep="poor",
        pain=8,
        back_pain_new=True,  # with severe pain: one alert
        falls=0,
        near_falls=0,
    )


def _fall(patient: Patient, key: uuid.UUID) -> Model:
    return fall_report_record(
        patient=patient,
        by=login_of(patient),
        client_key=key,
        happened_on=_today(),
        place="home_inside",
        injury=True,  # one alert
        injury_what="wrist",
        could_get_up=True,
        saw_doctor=False,
    )


def _thread(patient: Patient, key: uuid.UUID) -> Model:
    return thread_start(
        patient=patient, by=login_of(patient), topic="medical", body="Calcium?", client_key=key
    )


def _message(patient: Patient, key: uuid.UUID) -> Model:
    thread = Thread.objects.get(patient=patient)
    return message_send(thread=thread, by=login_of(patient), body="Thank you", client_key=key)


def _encouragement(patient: Patient, key: uuid.UUID) -> Model:
    caregiver = User.objects.get(caregiving__patient=patient)
    return encouragement_send(patient=patient, by=caregiver, text="Well done!", client_key=key)


def _goal_rating(patient: Patient, key: uuid.UUID) -> Model:
    goal = patient.goals.get()
    return goal_rate(goal=goal, by=login_of(patient), level=0, rated_on=_today(), client_key=key)


def _chair_stand(patient: Patient, key: uuid.UUID) -> Model:
    return assessment_record(
        patient=patient,
        by=login_of(patient),
        code=CHAIR_STAND.code,
        answers={"stands": 11, "age": patient.age, "sex": patient.sex},
        administered_on=_today(),
        self_reported=True,
        client_key=key,
    )


def _questionnaire(patient: Patient, key: uuid.UUID) -> Model | None:
    """The last answer of the confidence questionnaire (one item), begun under `key`."""
    return questionnaire_answer(
        patient=patient,
        by=login_of(patient),
        code="confidence",
        item="rating",
        answer=6,
        client_key=key,
    )


def _prepare(patient: Patient, key: uuid.UUID) -> None:
    """What each kind of entry needs first: a plan, a conversation, a caregiver, a goal, a
    questionnaire begun."""
    make_plan(patient)
    thread_start(patient=patient, by=login_of(patient), topic="other", body="Hello")
    make_caregiver(patient, parts=[Part.LOG])
    goal_create(
        patient=patient,
        by=member(patient.care_team, Role.THERAPIST),
        statement="Walk to the market",
        phase="medium",
        measure="",
        importance=3,
        difficulty=2,
        baseline_level=-1,
        level_minus_2="a",
        level_minus_1="b",
        level_0="c",
        level_plus_1="d",
        level_plus_2="e",
    )
    draft = Draft.objects.create(patient=patient, instrument="confidence", client_key=key)
    assert draft.answers == {}


# name: (write, the model it stores, the alerts it raises)
ENTRIES: dict[str, tuple[Callable[[Patient, uuid.UUID], Any], type[Model], int]] = {
    "exercise log": (_exercise_log, ExerciseLog, 0),
    "check-in": (_check_in, CheckIn, 1),
    "fall report": (_fall, FallReport, 1),
    "new conversation": (_thread, Thread, 0),
    "message": (_message, Message, 0),
    "encouragement": (_encouragement, Encouragement, 0),
    "goal rating": (_goal_rating, GoalRating, 0),
    "chair stand": (_chair_stand, Assessment, 0),
    "questionnaire": (_questionnaire, Assessment, 0),
}


def _stored(model: type[Model], key: uuid.UUID) -> list[Model]:
    return list(model._default_manager.filter(client_key=key))


def _audited(model: type[Model], rows: list[Model]) -> int:
    return AuditEvent.objects.filter(
        target=model._meta.label, object_id__in=[str(row.pk) for row in rows], action="create"
    ).count()


@pytest.fixture
def prepared(team):
    patient = make_patient(team, login=True)
    key = uuid.uuid4()
    _prepare(patient, key)
    return patient, key


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENTRIES)
def test_an_entry_sent_again_with_its_key_is_stored_once(prepared, name):
    patient, key = prepared
    write, model, alerts = ENTRIES[name]
    alerts_before = Alert.objects.count()
    first, again = write(patient, key), write(patient, key)
    rows = _stored(model, key)
    assert (len(rows), first.pk, again.pk) == (1, rows[0].pk, rows[0].pk)
    assert _audited(model, rows) == 1
    assert Alert.objects.count() - alerts_before == alerts


@pytest.mark.django_db
def test_every_patient_side_form_carries_a_key_of_its_own(prepared):
    """The pages render the key (a template that forgets the hidden field would send none, and
    its entries would not be deduplicated), a new one each time the page is shown."""
    patient, _key = prepared
    thread = Thread.objects.get(patient=patient)
    pages = {
        reverse("logbook:check-in"): login_of(patient),
        reverse("assessments:questionnaire", args=["phq9"]): login_of(patient),
        reverse("assessments:chair-stand-test"): login_of(patient),
        reverse("plans:my-goal-rate", args=[patient.goals.get().pk]): login_of(patient),
        reverse("contact:thread-new", args=[patient.pk]) + "?topic=medical": login_of(patient),
        reverse("contact:thread", args=[patient.pk, thread.pk]): login_of(patient),
        reverse("family:encourage", args=[patient.pk]): User.objects.get(
            caregiving__patient=patient
        ),
    }
    for url, user in pages.items():
        client = client_for(user)
        keys = [re.findall(KEY_FIELD, client.get(url).content.decode()) for _ in range(2)]
        assert [len(found) for found in keys] == [1, 1], url
        assert keys[0] != keys[1], url


@needs_postgresql
@transactional
@pytest.mark.parametrize("name", ENTRIES)
def test_ten_simultaneous_submissions_with_one_key_store_one_entry(prepared, name):
    patient, key = prepared
    write, model, alerts = ENTRIES[name]
    alerts_before = Alert.objects.count()
    results = at_once(CONCURRENT, lambda _i: write(patient, key))
    rows = _stored(model, key)
    assert [type(r).__name__ for r in results if isinstance(r, Exception)] == []
    assert len(rows) == 1
    assert {result.pk for result in results} == {rows[0].pk}  # every request answered with it
    assert _audited(model, rows) == 1
    assert Alert.objects.count() - alerts_before == alerts
    if name == "questionnaire":
        assert not Draft.objects.filter(patient=patient).exists()


@needs_postgresql
@transactional
def test_the_check_in_form_sent_ten_times_at_once_is_one_check_in(team):
    patient = make_patient(team, login=True)
    clients = [client_for(login_of(patient)) for _ in range(CONCURRENT)]
    key = str(uuid.uuid4())
    form = {"client_key": key, **check_in_form(_today())}
    responses = at_once(CONCURRENT, lambda i: clients[i].post(reverse("logbook:check-in"), form))
    entry = CheckIn.objects.get()
    done = reverse("logbook:check-in-done", args=[entry.pk])
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, done)] * CONCURRENT


@needs_postgresql
@transactional
def test_the_api_answers_ten_simultaneous_posts_of_one_entry_with_the_same_entry(team):
    patient = make_patient(team, login=True)
    make_plan(patient)
    clients = [client_for(login_of(patient)) for _ in range(CONCURRENT)]
    body = {
        "client_key": str(uuid.uuid4()),
        "day": _today().isoformat(),
        "exercise": "chin_tucks",
        "plan_version": 1,
        "completion": "done",
        "minutes": 5,
        "effort": 4,
    }
    url = f"/api/patients/{patient.pk}/exercise-logs"
    responses = at_once(
        CONCURRENT, lambda i: clients[i].post(url, body, content_type="application/json")
    )
    entry = ExerciseLog.objects.get()
    assert [(r.status_code, r.json()["id"]) for r in responses] == [(201, entry.pk)] * CONCURRENT


@needs_postgresql
@transactional
def test_a_passed_quiz_sent_ten_times_at_once_counts_one_attempt(team):
    patient = make_patient(team, login=True)
    lesson = assignment_create(
        patient=patient, by=member(team, Role.NURSE), module="osteoporosis_basics"
    )
    right = {q.code: q.answer for q in MODULES_BY_CODE["osteoporosis_basics"].quiz}
    results = at_once(
        CONCURRENT,
        lambda _i: assignment_complete(assignment=lesson, by=login_of(patient), answers=right),
    )
    lesson.refresh_from_db()
    assert [type(r).__name__ for r in results] == ["Assignment"] * CONCURRENT
    assert (lesson.attempts, lesson.passed, lesson.completed_on) == (1, True, _today())
    assert AuditEvent.objects.filter(target="education.Assignment", action="update").count() == 1


@pytest.mark.django_db
def test_the_last_answer_sent_again_lands_on_the_same_assessment_and_begins_no_draft(team):
    """The last answer's request sent again after the first one was answered (the phone did not
    see the answer): it lands on the same assessment, with no questionnaire begun anew."""
    patient = make_patient(team, login=True)
    client = client_for(login_of(patient))
    url = reverse("assessments:questionnaire", args=["confidence"])
    page = client.get(url)
    key = str(page.context["form"].initial["client_key"])
    first = client.post(f"{url}?q=rating", {"answer": "6", "client_key": key})
    again = client.post(f"{url}?q=rating", {"answer": "6", "client_key": key})
    assessment = Assessment.objects.get()
    done = reverse("assessments:questionnaire-done", args=[assessment.pk])
    assert (first["Location"], again["Location"]) == (done, done)
    assert (str(assessment.client_key), assessment.answers) == (key, {"items": [6]})
    assert not Draft.objects.exists()


@pytest.mark.django_db
def test_a_draft_keeps_the_key_of_the_page_its_first_answer_came_from(team):
    patient = make_patient(team, login=True)
    key = uuid.uuid4()
    first = draft_answer(patient=patient, code="phq9", item="q1", answer=1, client_key=key)
    second = draft_answer(patient=patient, code="phq9", item="q2", answer=0, client_key=None)
    assert (first.client_key, second.client_key, second.answers) == (key, key, {"q1": 1, "q2": 0})


# ---- A write that fails half-way leaves nothing ----


def _fail(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("the database went away half-way")


@transactional
def test_a_plan_version_that_fails_at_its_audit_row_leaves_no_plan(team, monkeypatch):
    patient = make_patient(team)
    therapist = client_for(member(team, Role.THERAPIST))
    monkeypatch.setattr("osteorehab.plans.services.audit_write", _fail)
    with pytest.raises(RuntimeError):
        therapist.post(
            reverse("plans:draft", args=[patient.pk]),
            {
                "recent_fracture": "no",
                "severe_kyphosis": "no",
                "acute_pain": "no",
                "reason": "Baseline plan",
                "based_on": 0,
            },
        )
    assert (CarePlan.objects.count(), PlanVersion.objects.count()) == (0, 0)


@transactional
def test_a_registration_that_fails_at_its_episode_leaves_no_patient(team, monkeypatch):
    nurse = client_for(member(team, Role.NURSE))
    before = (Patient.objects.count(), Consent.objects.count(), Episode.objects.count())
    audit_before = AuditEvent.objects.filter(action="create").count()
    monkeypatch.setattr("osteorehab.patients.services.episode_open", _fail)
    with pytest.raises(RuntimeError):
        nurse.post(
            reverse("patients:register"),
            {
                "family_name": "Lee",
                "given_name": "Ann",
                "date_of_birth": "1944-02-29",
                "sex": "female",
                "preferred_language": "en",
                "program_consent": "on",
                "consent_on": _today().isoformat(),
                "referred_on": _today().isoformat(),
                "care_team": team.pk,
            },
        )
    after = (Patient.objects.count(), Consent.objects.count(), Episode.objects.count())
    assert after == before
    assert AuditEvent.objects.filter(action="create").count() == audit_before


@transactional
def test_a_check_in_whose_alert_fails_is_not_kept_half(team, monkeypatch):
    patient = make_patient(team, login=True)
    monkeypatch.setattr("osteorehab.logbook.services.alert_raise", _fail)
    with pytest.raises(RuntimeError):
        _check_in(patient, uuid.uuid4())
    assert (CheckIn.objects.count(), Alert.objects.count()) == (0, 0)
    assert not AuditEvent.objects.filter(target="logbook.CheckIn").exists()


@transactional
def test_a_form_refused_on_one_field_saves_nothing_of_the_others(team):
    patient = make_patient(team, login=True)
    client = client_for(login_of(patient))
    response = client.post(
        reverse("logbook:check-in"),
        {
            "client_key": str(uuid.uuid4()),
            "day": _today().isoformat(),
            "mood": "4",
            "confidence": "7",
            "fatigue": "3",
            "sleep": "good",
            "pain": "11",  # out of 0..10
            "back_pain_new": "yes",
            "falls": "0",
            "near_falls": "0",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["pain"]
    assert (CheckIn.objects.count(), Alert.objects.count()) == (0, 0)


# Public service functions that write without being one transaction of their own, and why.
NOT_ATOMIC = {
    # audit rows: always written inside the transaction of the write they record
    "audit_event": "inside its caller's transaction",
    "audit_write": "inside its caller's transaction",
    "record_reads": "one insert of read events, written after the response",
    # a background job whose progress must be seen while it runs (its own docstring)
    "patients_import_run": "commits its progress batch by batch on purpose",
    "notifications_mark_read": "one UPDATE statement",
    "reminder_claim": "its insert is one savepoint (transaction.atomic inside)",
}


def _writes(source: str) -> bool:
    calls = (".create(", ".save(", ".update(", ".delete(", "_or_create(", "bulk_create(")
    return any(call in source for call in calls)


def test_every_service_that_writes_is_one_transaction():
    """ATOMIC_REQUESTS is off (a refused request keeps its DENIED audit row), so each service,
    the one write path of a request, is @transaction.atomic: a request that writes is one
    transaction, whole or not at all."""
    loose = []
    for path in sorted(ROOT.glob("osteorehab/**/*services*.py")):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            decorators = [ast.unparse(d) for d in node.decorator_list]
            if "transaction.atomic" in decorators or not _writes(ast.unparse(node)):
                continue
            if node.name not in NOT_ATOMIC:
                loose.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert loose == []
    assert not settings.DATABASES["default"].get("ATOMIC_REQUESTS")


# ---- Connections ----


def test_connections_are_kept_a_minute_and_checked_before_reuse():
    database = settings.DATABASES["default"]
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a dropped connection is a server's (SQLite has none); CI runs this on PostgreSQL "
    "(DATABASE_URL)",
)
@transactional
def test_a_request_after_the_database_dropped_the_connection_gets_a_new_one(team):
    """The server restarted (or a proxy cut the idle connection) between two requests: the
    next request checks the kept connection, finds it dead and opens a new one, instead of
    failing with "server closed the connection"."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (old_pid,) = cursor.fetchone()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    request_started.send(sender=None)  # what each request begins with
    assert Patient.objects.count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (new_pid,) = cursor.fetchone()
    assert new_pid != old_pid
