"""List pages and patient pages take a fixed number of queries, whatever the size (issue #8).

A synthetic program (`patients.synthetic`) of 30 patients with six months of history, all in
the nurse's care team, the adjustment rules swept over it (the proposals) and an audit event for
each patient. Each page is read once to warm the caches, then its queries are counted: the
lists with the 30 patients and then with 3 of them left (the others moved out of sight), the
patient pages for the patient with the longest history with all of it and then with its last
month only. The same number each time, while the lists and the history shrink. Not timings:
the benchmarks (bench/) time the pages."""

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Count, Min
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice
from huey.contrib.djhuey import HUEY

from osteorehab.accounts.models import CareTeam, Organisation, Site, User
from osteorehab.assessments.models import Assessment
from osteorehab.audit.models import AuditAction
from osteorehab.audit.services import audit_event
from osteorehab.followup.models import ScheduleItem
from osteorehab.followup.selectors import due_items, follow_ups
from osteorehab.logbook.models import CheckIn, ExerciseLog, FallReport
from osteorehab.logbook.tests.factories import check_in_form
from osteorehab.patients.models import Patient
from osteorehab.patients.synthetic import build_synthetic
from osteorehab.rules.models import Proposal
from osteorehab.rules.services import sweep_run
from tests.factories import login_of, make_patient

TODAY = date(2026, 11, 20)
NOW = datetime.fromisoformat("2026-11-20T09:00:00+00:00")
SMALL, LARGE, DAYS = 3, 30, 180  # patients, and days of history
SHORT_HISTORY = 30  # days
TRANSACTION = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")
PATIENT_LINK = re.compile(r'href="/patients/(\d+)/')
# page -> (who reads it, its address)
LISTS = {
    "caseload": ("nurse", "/caseload/"),
    "proposals": ("lead", "/proposals/"),
    "follow-ups": ("nurse", "/followup/"),
    "work queue": ("nurse", "/work/"),
    "audit": ("lead", "/audit/"),
}
# the same for the patient with the longest history (`{}`)
PATIENT_PAGES = {
    "record": ("nurse", "/patients/{}/"),
    "progress": ("nurse", "/patients/{}/progress/"),
    "log": ("nurse", "/patients/{}/log/"),
}


def _client(user: User) -> Client:
    """A session past two-factor login, as production asks of staff."""
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _read(client: Client, url: str) -> dict[str, Any]:
    client.get(url)  # the first reading fills the caches (content types, the session)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    statements = [q["sql"] for q in captured.captured_queries if not TRANSACTION.match(q["sql"])]
    html = response.content.decode()
    return {
        "queries": len(statements),  # BEGIN, COMMIT and savepoints aside
        "sql": [statement[:120] for statement in statements],  # shown when a test fails
        "patients": len(set(PATIENT_LINK.findall(html))),
        "rows": html.count("<tr") + html.count("<li"),
    }


def _history_cut(patient_id: int, days: int) -> None:
    """The patient's log, check-ins, falls and assessments of the last `days` days only."""
    since = TODAY - timedelta(days=days)
    for rows, day in (
        (ExerciseLog.objects, "day"),
        (CheckIn.objects, "day"),
        (FallReport.objects, "happened_on"),
        (Assessment.objects, "administered_on"),
    ):
        rows.filter(patient_id=patient_id, **{f"{day}__lt": since}).delete()


def _few_left(count: int) -> None:
    """Every patient but `count` moved to another organisation, out of the staff's sight: those
    kept have the most kinds of open proposal between them, so that the short lists hold rows of
    each kind the long ones do."""
    kinds = (
        Proposal.objects.open()
        .values("patient_id")
        .annotate(kinds=Count("rule", distinct=True))
        .order_by("-kinds", "patient_id")
    )
    kept = [row["patient_id"] for row in kinds[:count]]
    organisation = Organisation.objects.create(name="Elsewhere")
    site = Site.objects.create(organisation=organisation, name="Elsewhere")
    team = CareTeam.objects.create(site=site, name="Elsewhere")
    Patient.objects.exclude(pk__in=kept).update(organisation=organisation, care_team=team)


def _pages() -> dict[str, dict[str, Any]]:
    """Each page's figures in a program of LARGE patients, then of the SMALL number left."""
    found: dict[str, dict[str, Any]] = {}
    with transaction.atomic():
        build_synthetic(patients=LARGE, days=DAYS, seed=8, today=TODAY, now=NOW)
        nurse = User.objects.get(username="nurse")
        Patient.objects.update(care_team=nurse.care_teams.get())
        sweep_run(today=TODAY)
        for patient in Patient.objects.all():
            audit_event(by=nurse, action=AuditAction.READ, target="test", patient_id=patient.pk)
        clients = {name: _client(User.objects.get(username=name)) for name in ("nurse", "lead")}
        for page, (who, url) in LISTS.items():
            found[f"{page}, {LARGE}"] = _read(clients[who], url)
        longest = CheckIn.objects.values("patient_id").annotate(first=Min("day")).order_by("first")
        patient_id, first = longest[0]["patient_id"], longest[0]["first"]
        found["history"] = {"days": (TODAY - first).days}
        for page, (who, url) in PATIENT_PAGES.items():
            found[f"{page}, long"] = _read(clients[who], url.format(patient_id))
        _history_cut(patient_id, SHORT_HISTORY)
        for page, (who, url) in PATIENT_PAGES.items():
            found[f"{page}, short"] = _read(clients[who], url.format(patient_id))
        _few_left(SMALL)
        for page, (who, url) in LISTS.items():
            found[f"{page}, {SMALL}"] = _read(clients[who], url)
        transaction.set_rollback(True)  # nothing of it stays
    return found


@pytest.fixture(scope="module")
def pages(django_db_setup: None, django_db_blocker: Any) -> dict[str, dict[str, Any]]:
    """Each page read as `_pages` says, once for the module."""
    immediate = HUEY.immediate
    HUEY.immediate = True  # the jobs the pages start run inline, as in the other tests
    try:
        with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
            return _pages()
    finally:
        HUEY.immediate = immediate


@pytest.mark.parametrize("page", list(LISTS))
def test_a_list_page_takes_as_many_queries_for_30_patients_as_for_3(pages, page):
    few, many = pages[f"{page}, {SMALL}"], pages[f"{page}, {LARGE}"]
    assert many["queries"] == few["queries"], (few["sql"], many["sql"])
    if page == "audit":  # 50 events a page, a full page both times (staff's events included)
        assert many["rows"] == few["rows"] > 50
    else:
        assert many["patients"] > few["patients"] or many["rows"] > few["rows"]


@pytest.mark.parametrize("page", list(PATIENT_PAGES))
def test_a_patient_page_takes_as_many_queries_for_a_month_of_history_as_for_six(pages, page):
    """The same patient, with the history of the last month only and then all of it."""
    short, long = pages[f"{page}, short"], pages[f"{page}, long"]
    assert pages["history"]["days"] > 150
    assert long["queries"] == short["queries"], (short["sql"], long["sql"])


def test_the_caseload_takes_at_most_twelve_queries(pages):
    assert pages[f"caseload, {LARGE}"]["queries"] <= 12


@pytest.mark.django_db
def test_a_check_in_takes_at_most_six_queries(team, time_machine):
    """Session, user, the patient, the key looked up, the entry and its audit row."""
    time_machine.move_to(NOW, tick=False)
    patient = make_patient(team, login=True)
    client = Client()
    client.force_login(login_of(patient))
    form = check_in_form(TODAY)
    client.post("/me/check-in/", {**form, "client_key": str(uuid.uuid4())})
    time_machine.shift(timedelta(seconds=5))  # within the minute: the session is not written
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/me/check-in/", {**form, "client_key": str(uuid.uuid4())})
    assert response.status_code == 302
    queries = [q["sql"] for q in captured.captured_queries if not TRANSACTION.match(q["sql"])]
    assert len(queries) <= 6, queries
    assert CheckIn.objects.filter(patient=patient).count() == 2


@pytest.mark.django_db
def test_the_follow_ups_of_a_caseload_page_are_the_most_urgent_else_the_next_in_two_queries(
    django_assert_num_queries,
):
    """What `due_items` puts first for each patient, else the patient's next item not yet open
    (the one due first): read as plain values, in two queries however long the schedules."""
    build_synthetic(patients=12, days=90, seed=8, today=TODAY, now=NOW)
    ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True))
    urgent: dict[int, tuple[int, str]] = {}
    for s in due_items(Patient.objects.filter(pk__in=ids), TODAY):
        urgent.setdefault(s.item.patient_id, (s.item.pk, s.status))
    upcoming = (
        ScheduleItem.objects.in_open_episodes()
        .not_cancelled()
        .filter(opens_on__gt=TODAY)
        .order_by("-due_on", "-pk")
    )
    following = {item.patient_id: (item.pk, "upcoming") for item in upcoming}
    with django_assert_num_queries(2):
        found = follow_ups(ids, TODAY)
    assert {pk: (s.id, s.status) for pk, s in found.items()} == {**following, **urgent}
    assert len(urgent) > 3  # both kinds are shown
    assert set(following) - set(urgent)
