"""Migrations run back and forward on a database holding a program: with the demo loaded, every
app of the project is migrated back to before its first migration (one plan: Django's executor
orders the reversals, dependants first, and takes back the contrib apps' migrations that depend
on ours), then everything forward again: the same tables, the built-in library loaded again. A
migration that cannot be reversed (a RunPython without reverse_code), or whose reversal fails on
the rows that exist (a column made NOT NULL again over empty values), fails here; and the models
match the migrations.

Slow on purpose (under a minute): it is in `make test` like every other test.
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from osteorehab.patients.demo import build_demo
from osteorehab.patients.models import Patient
from osteorehab.plans.library import EXERCISES
from osteorehab.plans.models import Exercise

DEMO_PATIENTS = 10  # the demo's smallest program with all its parts


def _tables(labels: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(n for n in names if any(n.startswith(f"{label}_") for label in labels))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_app_migrates_back_to_zero_and_forward_again_with_a_program_loaded():
    build_demo(patients=DEMO_PATIENTS, seed=2026, today=timezone.localdate(), earlier_year=True)
    executor = MigrationExecutor(connection)
    ours = sorted(
        config.label
        for config in apps.get_app_configs()
        if config.name.startswith("osteorehab.") and config.label in executor.loader.migrated_apps
    )
    assert {"accounts", "audit", "patients", "plans", "logbook", "rules"} <= set(ours)
    tables = _tables(ours)
    assert Patient.objects.count() == DEMO_PATIENTS
    plan = executor.migration_plan([(label, None) for label in ours])
    applied = {key for key in executor.loader.applied_migrations if key[0] in ours}
    assert {(m.app_label, m.name) for m, _backwards in plan} >= applied  # every one taken back
    assert all(backwards for _migration, backwards in plan)
    executor.migrate([(label, None) for label in ours])
    assert _tables(ours) == []
    call_command("migrate", verbosity=0)
    assert _tables(ours) == tables
    assert Patient.objects.count() == 0
    assert Exercise.objects.filter(builtin=True).count() == len(EXERCISES)  # data migrations too
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
