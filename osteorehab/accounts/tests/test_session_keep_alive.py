"""A session in use stays alive an hour past its last request, written at most once a minute."""

from datetime import datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from osteorehab.accounts.domain import Role
from tests.factories import client_for, expire_cached_session, member

START = datetime.fromisoformat("2026-11-21T09:00:00+00:00")
pytestmark = pytest.mark.django_db


def _session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in captured.captured_queries)


def _expiry(client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


@pytest.fixture
def nurse_client(team, settings, time_machine):
    settings.TWO_FACTOR_REQUIRED = False  # the session's life, not the login's second step
    time_machine.move_to(START, tick=False)
    return client_for(member(team, Role.NURSE))


def test_a_request_within_a_minute_of_the_last_write_writes_no_session(nurse_client, time_machine):
    time_machine.shift(timedelta(seconds=30))  # the login wrote the session
    assert _session_writes(nurse_client, "/caseload/") == 0
    assert _expiry(nurse_client) == START + timedelta(hours=1)


def test_a_request_a_minute_on_restarts_the_hour(nurse_client, time_machine):
    time_machine.shift(timedelta(minutes=10))
    assert _session_writes(nurse_client, "/caseload/") == 1
    assert _expiry(nurse_client) == START + timedelta(minutes=70)
    time_machine.shift(timedelta(seconds=59))
    assert _session_writes(nurse_client, "/caseload/") == 0


def test_a_session_left_alone_for_an_hour_ends(nurse_client, time_machine):
    time_machine.shift(timedelta(minutes=59, seconds=30))
    assert nurse_client.get("/caseload/").status_code == 200  # still alive: restarted here
    time_machine.shift(timedelta(minutes=61))
    expire_cached_session(nurse_client)
    answer = nurse_client.get("/caseload/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/login/")
