"""Two clinicians saving at once, through the pages they use: both loaded the same version, both
press Save at the same moment. In every trial one change is saved and the other clinician is
told, in their own language, that someone else saved first; no trial loses a change silently.

Each trial posts the version the form shows (its hidden field, checked against the page once):
fetching the page in every trial would double the test's time and test nothing more.

Real threads with their own PostgreSQL connections, released together; skipped on SQLite,
which lets one writer in at a time (CI runs it on PostgreSQL: DATABASE_URL).
"""

import html
import re
from collections import Counter
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from osteorehab.accounts.domain import Role
from osteorehab.logbook.tests.factories import make_plan
from osteorehab.patients.models import Patient
from osteorehab.plans.domain import items_of
from osteorehab.plans.models import Exercise, PlanVersion
from tests.factories import client_for, make_patient, member
from tests.test_reliability import at_once

TRIALS = 100
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="simultaneous writers need PostgreSQL (SQLite locks the whole database for one "
        "writer); CI runs this on PostgreSQL (DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _clinicians(team: Any) -> list[Client]:
    """The therapist reads English; the physician reads Chinese (their language cookie, as
    set at login)."""
    therapist = client_for(member(team, Role.THERAPIST))
    physician = client_for(member(team, Role.PHYSICIAN))
    physician.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return [therapist, physician]


def _hidden(page: str, name: str) -> int:
    found = re.search(rf'name="{name}" value="(\d+)"', page)
    assert found, f"the form carries no {name}"
    return int(found.group(1))


# What each clinician's conflict message says, in their language.
PLAN_CONFLICT = [
    "saved version {number} of the plan at",
    "保存了计划的第 {number} 版：您的修改未保存",
]
RECORD_CONFLICT = [
    "Someone else changed this record while you were editing.",
    "在您编辑期间，其他人修改了这份档案。",
]


def _latest(patient: Patient) -> PlanVersion:
    return PlanVersion.objects.filter(plan__patient=patient).latest("number")


def test_two_clinicians_changing_the_plan_at_once_never_lose_a_change(team):
    patient = make_patient(team)
    make_plan(patient)
    clients = _clinicians(team)
    # each changes the minutes of their own exercise: the therapist chin tucks, the physician
    # seated marching
    exercises = ["chin_tucks", "seated_marching"]
    pks = [Exercise.objects.get(code=code).pk for code in exercises]
    url = reverse("plans:add", args=[patient.pk])
    for client, code in zip(clients, exercises, strict=True):
        assert _hidden(client.get(url, {"code": code}).content.decode(), "based_on") == 1
    outcomes: Counter[str] = Counter()
    for trial in range(TRIALS):
        number = _latest(patient).number  # the version both forms show
        before = {i.exercise: i for i in items_of(_latest(patient).content)}
        minutes = [1 + trial % 60, 61 + trial % 60]

        def save(i: int, trial: int = trial, number: int = number, minutes: list = minutes) -> Any:
            return clients[i].post(
                url,
                {
                    "exercise": pks[i],
                    "days": [0, 2, 4],
                    "minutes": minutes[i],
                    "reason": f"trial {trial}",
                    "based_on": number,
                },
            )

        responses = at_once(2, save)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [302, 400], (trial, statuses)
        winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
        loser = 1 - winner
        refusal = html.unescape(responses[loser].content.decode())
        assert PLAN_CONFLICT[loser].format(number=number + 1) in refusal, trial
        assert _latest(patient).number == number + 1  # exactly one saved
        after = {i.exercise: i for i in items_of(_latest(patient).content)}
        assert after[exercises[winner]].dose.minutes == minutes[winner]  # the saved change
        assert after[exercises[loser]] == before[exercises[loser]]  # the other untouched
        outcomes["saved"] += 1
        outcomes["conflict told"] += 1
    assert outcomes == {"saved": TRIALS, "conflict told": TRIALS}
    assert _latest(patient).number == 1 + TRIALS


def _record_form(patient: Patient, version: int, **changes: str) -> dict[str, Any]:
    """The edit form as the page fills it, with one change."""
    return {
        "family_name": patient.family_name,
        "given_name": patient.given_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "phone": patient.phone,
        "preferred_language": patient.preferred_language,
        "record_number": patient.record_number,
        "diagnosis_on": "",
        "relevant_conditions": patient.relevant_conditions,
        "version": version,
        **changes,
    }


def test_two_clinicians_editing_a_record_at_once_never_lose_a_change(team):
    patient = make_patient(team)
    clients = _clinicians(team)
    url = reverse("patients:edit", args=[patient.pk])
    for client in clients:
        assert _hidden(client.get(url).content.decode(), "version") == 1
    fields = ["phone", "relevant_conditions"]  # the therapist's change, the physician's
    for trial in range(TRIALS):
        patient.refresh_from_db()
        shown = patient.version  # the version both forms show
        forms = [
            _record_form(patient, shown, phone=f"555-{trial:04d}"),
            _record_form(patient, shown, relevant_conditions=f"Hypertension (trial {trial})"),
        ]
        values = [form[field] for form, field in zip(forms, fields, strict=True)]

        def save(i: int, forms: list = forms) -> Any:
            return clients[i].post(url, forms[i])

        responses = at_once(2, save)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [302, 400], (trial, statuses)
        winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
        loser = 1 - winner
        assert RECORD_CONFLICT[loser] in html.unescape(responses[loser].content.decode())
        before = {name: getattr(patient, name) for name in fields}
        patient.refresh_from_db()
        assert patient.version == shown + 1
        assert getattr(patient, fields[winner]) == values[winner]
        assert getattr(patient, fields[loser]) == before[fields[loser]]
    assert patient.version == 1 + TRIALS
