"""No patient data in the logs or on error pages.

The demo program's patients go through the main flows (the caseload and its search, records,
plans, logs, progress, reports, FHIR and the API, registering and editing, the patient's own
log and check-in, the caregiver's pages, reminders) and the error paths (404, 403, a failing
form, and a 500 raised in a view by the kind of bug that puts a value in an exception's
message), with every logger at DEBUG. Neither the log records nor what the project's log
handler writes, nor any error page, may carry a patient's name, date of birth, phone number or
record number.

This module is also the URL configuration of its own requests: the project's URLs and one view
that fails while it holds a patient's record.
"""

import io
import logging
import uuid
from datetime import date, datetime
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse
from django.utils import formats, timezone, translation

from osteorehab.accounts.access import patient_for
from osteorehab.accounts.models import User
from osteorehab.core.logs import UNSAID
from osteorehab.patients.demo import build_demo
from osteorehab.patients.models import Patient
from osteorehab.reminders.services import reminders_send
from tests.factories import client_for

DEMO_DAY = date(2026, 11, 21)


def failing(request: HttpRequest, patient_id: int, bug: str) -> HttpResponse:
    """A view with a bug, after it read the patient: the exception's message holds their data,
    as Python's and the database's own messages do."""
    patient = patient_for(request, patient_id)  # type: ignore[arg-type]
    if bug == "int":
        int(patient.name)  # ValueError: invalid literal for int() with base 10: '<the name>'
    elif bug == "date":
        date.fromisoformat(f"{patient.date_of_birth:%d/%m/%Y}")  # Invalid isoformat string: …
    elif bug == "unique":  # the database names the duplicate key's value
        with transaction.atomic():
            Patient.objects.create(
                organisation=patient.organisation,
                care_team=patient.care_team,
                family_name=patient.family_name,
                given_name=patient.given_name,
                date_of_birth=patient.date_of_birth,
                record_number=patient.record_number,
            )
    raise KeyError(patient.phone)


urlpatterns = [
    path("failing/<int:patient_id>/<str:bug>/", failing),
    path("", include("config.urls")),
]


def identifiers(patient: Patient) -> set[str]:
    """How a patient's identity can be written: the name every way round, the date of birth
    in each language's formats and ISO, the phone number and the record number."""
    family, given, born = patient.family_name, patient.given_name, patient.date_of_birth
    found = {patient.name, f"{family} {given}", f"{given} {family}", f"{family}{given}"}
    found |= {born.isoformat(), f"{born:%d/%m/%Y}", f"{born:%m/%d/%Y}", f"{born:%Y/%m/%d}"}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            found |= {formats.date_format(born), formats.date_format(born, "SHORT_DATE_FORMAT")}
    found |= {patient.phone, patient.phone.replace(" ", ""), patient.record_number}
    return {text for text in found if len(text) >= 2}


def leaks(text: str, patients: list[Patient]) -> list[str]:
    return sorted({i for p in patients for i in identifiers(p) if i in text})


@pytest.fixture
def demo(db):
    build_demo(patients=12, seed=2026, today=DEMO_DAY)
    return list(Patient.objects.order_by("pk"))


def console() -> logging.StreamHandler:
    """The project's log handler (settings.LOGGING)."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    assert isinstance(handler, logging.StreamHandler)
    return handler


@pytest.fixture
def every_logger_at_debug(caplog):
    """Every logger there is, and the root, at DEBUG: what would be logged if one turned all
    of them up."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def written():
    """What the project's log handler writes, as it writes it."""
    stream, handler = io.StringIO(), console()
    # swapped, not setStream(): that flushes the stream it replaces, which pytest's output
    # capture may have closed by now
    earlier, handler.stream = handler.stream, stream
    yield stream
    handler.stream = earlier


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """What the records say: their messages, and their exceptions as the project's log handler
    writes them (the exception object itself is in the record, for that handler to format)."""
    return "\n".join(console().format(record) for record in caplog.records)


def staff(username: str) -> Client:
    return client_for(User.objects.get(username=username))


def body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


@pytest.mark.django_db
def test_the_main_flows_log_no_patient_data(demo, every_logger_at_debug, written, settings):
    settings.SMS_SENDER = "osteorehab.reminders.sms.ConsoleSender"
    nurse, lead = staff("nurse"), staff("lead")
    own = Patient.objects.get(user__username="patient")
    pages = [reverse("patients:caseload")]
    pages += [f"{reverse('patients:caseload')}?q={p.family_name}{p.given_name}" for p in demo]
    for patient in demo:
        pages += [
            reverse(name, args=[patient.pk])
            for name in (
                "patients:record",
                "assessments:list",
                "plans:plan",
                "logbook:overview",
                "outcomes:progress",
                "outcomes:clinician-report",
                "contact:threads",
                "fhir:everything",
                "api:patient-detail",
            )
        ]
    for url in pages:
        assert nurse.get(url).status_code == 200, url
    assert lead.get(reverse("outcomes:dashboard")).status_code == 200
    assert lead.get(reverse("outcomes:export")).status_code == 200
    assert lead.get(reverse("audit:search"), {"patient": own.pk}).status_code == 200
    registered = nurse.post(
        reverse("patients:register"),
        {
            "family_name": "Quennell",
            "given_name": "Ottoline",
            "date_of_birth": "1948-07-09",
            "sex": "female",
            "phone": "+86 139 2222 3333",
            "preferred_language": "en",
            "care_team": own.care_team_id,
            "program_consent": "on",
            "consent_on": "2026-11-20",
            "referred_on": "2026-11-20",
        },
    )
    assert registered.status_code == 302
    new = Patient.objects.get(family_name="Quennell")
    patient = client_for(own.user)
    for url in ("patients:me", "logbook:today", "logbook:week", "outcomes:my-progress"):
        assert patient.get(reverse(url)).status_code == 200, url
    check_in = {
        "client_key": str(uuid.uuid4()),
        "day": timezone.localdate().isoformat(),
        "mood": 3,
        "confidence": 6,
        "fatigue": 4,
        "sleep": "fair",
        "pain": 2,
        "back_pain_new": "no",
        "falls": 0,
        "near_falls": 0,
    }
    assert patient.post(reverse("logbook:check-in"), check_in).status_code == 302
    assert patient.post(reverse("logbook:check-in"), {**check_in, "pain": 11}).status_code == 400
    caregiver = staff("caregiver")
    assert caregiver.get(reverse("family:person", args=[own.pk])).status_code == 200
    reminders_send(now=timezone.make_aware(datetime.combine(DEMO_DAY, datetime.min.time())))
    every = [*demo, new]
    assert leaks(logged(every_logger_at_debug), every) == []
    assert "Exception while resolving variable" in written.getvalue()  # DEBUG lines too
    assert leaks(written.getvalue(), every) == []


@pytest.mark.django_db
def test_error_pages_and_their_log_lines_carry_no_patient_data(
    demo, every_logger_at_debug, written, settings
):
    settings.ROOT_URLCONF = __name__
    nurse, caregiver = staff("nurse"), staff("caregiver")
    own = Patient.objects.get(user__username="patient")
    other = next(p for p in demo if p != own)
    answers = {
        # 404: a patient that does not exist, and one out of the caregiver's reach
        "404": nurse.get(reverse("patients:record", args=[10**6])),
        "404 out of reach": caregiver.get(reverse("patients:record", args=[other.pk])),
        # 403: a caregiver at a clinician's page of the patient they follow
        "403": caregiver.get(reverse("patients:edit", args=[own.pk])),
        # a failing form, its wrong values shown back to the nurse only, never logged
        "400": nurse.post(
            reverse("patients:edit", args=[own.pk]),
            {"family_name": own.family_name, "date_of_birth": "2099-01-01", "version": 1},
        ),
    }
    assert [r.status_code for r in answers.values()] == [404, 404, 403, 400]
    for name, response in list(answers.items())[:3]:
        assert leaks(body(response), demo) == [], name
    failing_client = client_for(User.objects.get(username="nurse"))
    failing_client.raise_request_exception = False
    for bug in ("int", "date", "unique", "key"):
        response = failing_client.get(f"/failing/{own.pk}/{bug}/")
        assert response.status_code == 500, bug
        assert leaks(body(response), demo) == [], bug
    errors = [r for r in every_logger_at_debug.records if r.levelno >= logging.ERROR]
    assert len(errors) == 4  # each 500 logged once, with its traceback
    text = logged(every_logger_at_debug)
    assert leaks(text, demo) == []
    assert text.count(UNSAID) >= 4
    for error in ("builtins.ValueError", "builtins.KeyError", "django.db.utils.IntegrityError"):
        assert f"{error}: {UNSAID}" in text
    assert written.getvalue().count("Internal Server Error: /failing/") == 4
    assert leaks(written.getvalue(), demo) == []
