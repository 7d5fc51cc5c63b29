"""Loading the synthetic program: the same program for a seed, and the command that loads it
into an empty database (each test loads its own; `test_synthetic` reads a shared one)."""

import json
import re
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models, transaction

from osteorehab.accounts.domain import CLINICAL_ROLES
from osteorehab.accounts.models import User
from osteorehab.logbook.models import CheckIn, FallReport
from osteorehab.patients.models import Medication, Patient
from osteorehab.patients.synthetic import build_synthetic
from osteorehab.plans.models import Goal

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


class Rollback(Exception):
    pass


def snapshot(seed: int) -> dict[str, list[tuple]]:
    """Every row of a small program, each id counted from its table's first (so that two loads
    compare whatever ids the database gave), the password hashes (salted) left out."""
    found = {}
    try:
        with transaction.atomic():
            program = build_synthetic(patients=20, days=42, seed=seed, today=TODAY, now=NOW)
            loaded = [apps.get_model(label) for label in program.rows]
            first = {m: m.objects.aggregate(first=models.Min("pk"))["first"] for m in loaded}
            # ids named in words: a plan's parts ("goal-12"), an alert's source ("... #12")
            named = {
                "goal-": first.get(Goal),
                "medication-": first.get(Medication),
                "logbook.FallReport #": first.get(FallReport),
                "logbook.CheckIn #": first.get(CheckIn),
            }

            def relative(value: object) -> str:
                text = value if isinstance(value, str) else json.dumps(value)
                return re.sub(
                    r"(goal-|medication-|logbook\.\w+ #)(\d+)",
                    lambda m: f"{m[1]}{int(m[2]) - (named[m[1]] or 0)}",
                    text,
                )

            for model in loaded:
                fields = [f for f in model._meta.concrete_fields if f.name != "password"]
                values = model.objects.order_by("pk").values_list(*(f.attname for f in fields))
                found[model._meta.label] = [
                    tuple(
                        v - first[f.related_model if f.is_relation else model]
                        if v is not None and (f.primary_key or f.is_relation)
                        else relative(v)
                        if isinstance(v, str | dict | list)
                        else v
                        for f, v in zip(fields, row, strict=True)
                    )
                    for row in values
                ]
            raise Rollback
    except Rollback:
        return found


def test_the_same_seed_gives_the_same_program_and_another_seed_another():
    first = snapshot(2026)
    assert sum(map(len, first.values())) == 3021
    assert first == snapshot(2026)
    assert snapshot(2027)["patients.Patient"] != first["patients.Patient"]


def test_the_command_loads_the_synthetic_program_into_an_empty_database_only():
    out = StringIO()
    call_command("load_demo", "--patients", "30", "--days", "14", stdout=out)
    text = out.getvalue()
    assert "Loaded 30 patients with 14 days of history in" in text
    assert "Caseloads: nurse 3, nurse2 1, nurse3 8 (and 7 more teams)." in text
    assert "password for all: rehab-demo-2026" in text
    assert Patient.objects.count() == 30
    roles = set(User.objects.values_list("role", flat=True))
    assert {role.value for role in CLINICAL_ROLES} <= roles
    with pytest.raises(CommandError, match="already holds a program"):
        call_command("load_demo", "--patients", "30", "--days", "14", stdout=out)
    assert Patient.objects.count() == 30


def test_the_command_refuses_nonsense_sizes():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("load_demo", "--patients", "0", "--days", "14", stdout=StringIO())
    assert not Patient.objects.exists()
