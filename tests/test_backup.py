"""Backup and restore (`osteorehab backup` / `osteorehab restore`, osteorehab.core.backup): the
demo program backed up and restored comes back identical, table by table (row counts and a
SHA-256 over the rows in key order), on the database the tests run on (SQLite, and PostgreSQL
in CI); a database holding data is replaced only when forced; a missing pg_dump is named.
"""

import io
import sqlite3
from contextlib import closing

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from osteorehab.accounts.models import User
from osteorehab.cli import main
from osteorehab.core import backup
from osteorehab.patients.demo import build_demo
from osteorehab.patients.models import Patient
from tests.factories import make_patient

# The demo's smallest program with all its parts (fewer patients leave a scripted one out).
DEMO_PATIENTS = 10
# Committed for real: pg_dump reads the database from another session.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), stdout=out), out.getvalue()


@transactional
def test_the_demo_restored_into_an_empty_database_is_identical_table_by_table(tmp_path):
    build_demo(patients=DEMO_PATIENTS, seed=2026, today=timezone.localdate(), earlier_year=True)
    demo = backup.table_checksums()
    file = tmp_path / "program.backup"
    status, said = _cli("backup", str(file))
    assert status == 0
    assert said.startswith(f"Backed up {len(demo)} tables, {sum(n for n, _ in demo.values())}")
    assert demo["patients_patient"][0] == DEMO_PATIENTS
    call_command("flush", interactive=False, verbosity=0)  # a new server's empty database
    assert not backup.holds_data()
    status, said = _cli("restore", str(file))
    assert (status, said.split(" ")[0]) == (0, "Restored")
    assert backup.table_checksums() == demo
    assert User.objects.filter(username="physician").exists()  # the demo's logins work again
    if connection.vendor == "sqlite":  # the backup is a database of its own, readable as is
        with closing(sqlite3.connect(file)) as copy:
            (count,) = copy.execute("SELECT COUNT(*) FROM patients_patient").fetchone()
        assert count == DEMO_PATIENTS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["program.backup"]  # no partial left


@transactional
def test_a_database_holding_data_is_replaced_only_when_forced(team, tmp_path, capsys):
    make_patient(team, given_name="Ann")
    kept = backup.table_checksums()
    file = tmp_path / "program.backup"
    backup.backup(file)
    Patient.objects.update(given_name="Changed")
    changed = backup.table_checksums()
    assert [table for table in kept if kept[table] != changed[table]] == ["patients_patient"]
    status, _said = _cli("restore", str(file))
    assert status == 2
    assert "the database holds data" in capsys.readouterr().err
    assert backup.table_checksums() == changed  # refused: nothing replaced
    assert _cli("restore", str(file), "--force")[0] == 0
    assert backup.table_checksums() == kept
    assert Patient.objects.get().given_name == "Ann"


@transactional
def test_a_failed_backup_leaves_no_file_and_a_wrong_file_is_not_restored(tmp_path):
    with pytest.raises(backup.BackupError, match="is not a directory"):
        backup.backup(tmp_path / "missing" / "program.backup")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    before = backup.table_checksums()
    with pytest.raises(backup.BackupError, match=r"notes\.txt"):
        backup.restore(not_a_backup)
    with pytest.raises(backup.BackupError, match="no such backup file"):
        backup.restore(tmp_path / "absent.backup")
    assert backup.table_checksums() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_without_pg_dump_on_path_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(backup.BackupError, match=r"pg_dump was not found on PATH; install"):
        backup.tool("pg_dump")
