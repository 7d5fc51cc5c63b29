"""Adherence counted by the database (`logbook.adherence`) is the adherence the log's day rows
give in Python (`selectors.adherence`): on a table of cases, and on generated plans and logs."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osteorehab.logbook.adherence import Span, adherence_of
from osteorehab.logbook.domain import Adherence
from osteorehab.logbook.models import EnteredAs, ExerciseLog
from osteorehab.logbook.selectors import adherence
from osteorehab.patients.models import Patient
from osteorehab.plans.models import PlanVersion
from tests.factories import login_of, make_patient

from .factories import ITEMS, make_plan

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 21)  # a Saturday
MONDAY = date(2026, 11, 9)  # of the last complete week but one
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CODES = ("chin_tucks", "wall_push_up", "seated_marching", "bridge")  # bridge: never planned


def in_force(version: PlanVersion, day: date, *, approved: bool = True) -> None:
    """The version written (and approved, where it needs it) at 09:00 on `day`."""
    moment = datetime.combine(day, time(9), tzinfo=UTC)
    PlanVersion.objects.filter(pk=version.pk).update(
        created_at=moment, approved_at=moment if version.needs_approval and approved else None
    )


def log(patient: Patient, day: date, exercise: str, completion: str) -> None:
    ExerciseLog.objects.create(
        patient=patient,
        day=day,
        exercise=exercise,
        plan_version=1,
        completion=completion,
        skip_reason="other" if completion == "skipped" else "",
        entered_by=login_of(patient),
        entered_as=EnteredAs.PATIENT,
        client_key=uuid.uuid4(),
    )


@pytest.fixture
def patient(team):
    return make_patient(team, login=True)


def counted(patient: Patient, since: date, until: date) -> Adherence:
    return adherence_of([Span(patient.pk, since, until)])[Span(patient.pk, since, until)].adherence


def test_a_week_of_the_plan_counts_its_planned_days_and_how_they_went(patient):
    in_force(make_plan(patient), MONDAY - timedelta(days=30))
    # Monday: push-ups done, marching partly (partly); Tuesday: marching done (done);
    # Wednesday: marching skipped (missed); Thursday: push-ups done then skipped, the latest
    # entry counting (missed); Friday: a bridge, not planned (missed); Saturday: chin tucks and
    # marching done (done); Sunday: chin tucks partly (partly).
    for day, exercise, completion in (
        (0, "wall_push_up", "done"),
        (0, "seated_marching", "partly"),
        (1, "seated_marching", "done"),
        (2, "seated_marching", "skipped"),
        (3, "wall_push_up", "done"),
        (3, "wall_push_up", "skipped"),
        (4, "bridge", "done"),
        (5, "chin_tucks", "done"),
        (5, "seated_marching", "done"),
        (6, "chin_tucks", "partly"),
    ):
        log(patient, MONDAY + timedelta(days=day), exercise, completion)
    week = counted(patient, MONDAY, MONDAY + timedelta(days=6))
    assert week == Adherence(planned=7, done=2, partly=2)
    assert week == adherence(patient, MONDAY, MONDAY + timedelta(days=6))
    tally = adherence_of([Span(patient.pk, MONDAY, MONDAY)])[Span(patient.pk, MONDAY, MONDAY)]
    assert (tally.adherence, tally.entries) == (Adherence(1, 0, 1), 2)


def test_a_version_counts_from_the_day_it_came_into_force_and_one_waiting_not_at_all(patient):
    first = make_plan(patient, ITEMS[:1])  # chin tucks on Saturday and Sunday
    in_force(first, MONDAY - timedelta(days=30))
    marching = make_plan(patient, ITEMS[2:])  # marching on five days, from Wednesday
    in_force(marching, MONDAY + timedelta(days=2))
    waiting = make_plan(patient, ITEMS, approved=False)  # not approved: not in force
    in_force(waiting, MONDAY, approved=False)
    # Monday, Tuesday: nothing planned (chin tucks' days); Wednesday to Sunday the marching
    # version: Wednesday, Friday, Saturday planned (days 2, 4, 5)
    assert counted(patient, MONDAY, MONDAY + timedelta(days=6)) == Adherence(3, 0, 0)
    assert counted(patient, MONDAY - timedelta(days=7), MONDAY - timedelta(days=1)) == Adherence(
        2, 0, 0
    )


def test_a_later_version_in_force_before_an_earlier_one_keeps_it_out(patient):
    first = make_plan(patient, ITEMS[:1])
    second = make_plan(patient, ITEMS[2:])
    in_force(second, MONDAY - timedelta(days=30))
    in_force(first, MONDAY)  # approved after version 2: version 2 stays in force
    assert counted(patient, MONDAY, MONDAY + timedelta(days=6)) == Adherence(5, 0, 0)


def test_spans_without_a_plan_or_backwards_count_nothing(patient, team):
    other = make_patient(team)
    spans = [Span(other.pk, MONDAY, TODAY), Span(patient.pk, TODAY, MONDAY)]
    found = adherence_of(spans)
    assert [found[span].adherence for span in spans] == [Adherence(0, 0, 0)] * 2
    assert adherence_of([]) == {}


VERSION = st.tuples(
    st.sets(st.sampled_from(range(len(ITEMS))), min_size=1, max_size=3),  # which items
    st.integers(min_value=-40, max_value=0),  # in force from this many days before today
    st.booleans(),  # approved
)
ENTRY = st.tuples(
    st.integers(min_value=-40, max_value=0),
    st.sampled_from(CODES),
    st.sampled_from(("done", "partly", "skipped")),
)


@EXAMPLES
@given(
    versions=st.lists(VERSION, min_size=0, max_size=3),
    entries=st.lists(ENTRY, max_size=60),
    spans=st.lists(
        st.tuples(st.integers(min_value=-45, max_value=0), st.integers(min_value=0, max_value=30)),
        min_size=1,
        max_size=4,
    ),
)
def test_the_database_counts_what_the_day_rows_count(patient, versions, entries, spans):
    for chosen, offset, approved in versions:
        version = make_plan(patient, tuple(ITEMS[n] for n in sorted(chosen)), approved=approved)
        in_force(version, TODAY + timedelta(days=offset), approved=approved)
    for offset, exercise, completion in entries:
        log(patient, TODAY + timedelta(days=offset), exercise, completion)
    wanted: list[Span] = [
        Span(patient.pk, TODAY + timedelta(days=start), TODAY + timedelta(days=start + length))
        for start, length in spans
    ]
    found: dict[Span, Any] = adherence_of(wanted)
    try:
        for span in wanted:
            assert found[span].adherence == adherence(patient, span.since, span.until)
            assert (
                found[span].entries
                == ExerciseLog.objects.filter(
                    patient=patient, day__gte=span.since, day__lte=span.until
                ).count()
            )
    finally:
        ExerciseLog.objects.filter(patient=patient).delete()
        PlanVersion.objects.filter(plan__patient=patient).delete()
