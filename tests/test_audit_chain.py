"""The audit trail's tamper evidence (osteorehab.audit.domain): every row inserted with its MAC
in one query, sealed into the hash chain by the sealer alone, and `audit verify` naming the
first row changed, deleted, forged, copied or moved behind the application's back in SQL."""

import io
import ipaddress
import threading
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from huey.contrib.djhuey import HUEY
from hypothesis import given
from hypothesis import strategies as st

from osteorehab import cli
from osteorehab.accounts.domain import Role
from osteorehab.audit import domain
from osteorehab.audit.models import AppendOnlyError, AuditAction, AuditEvent
from osteorehab.audit.services import SealConflict, audit_event, audit_seal, audit_verify
from osteorehab.audit.tasks import audit_seal_pending
from tests.factories import client_for, make_org, make_patient, make_team, member

KEY, OLD_KEY = domain.key_of("current secret"), domain.key_of("old secret")


# ---- The pure chain ----


def rows(count: int) -> list[dict]:
    return [
        {
            "id": n,
            "at": datetime(2026, 1, 1, 9, 0, n, 1000 * n, tzinfo=UTC),
            "user_id": 7,
            "username": "nurse7",
            "role": "nurse",
            "patient_id": 40 + n,
            "action": "read",
            "target": "patients:record",
            "object_id": "",
            "changes": {"dose_mg": 2.5, "site": "hip", "sets": [3, 1.0]},
            "ip": "10.0.0.1",
        }
        for n in range(1, count + 1)
    ]


def sealed(count: int, key: bytes = KEY) -> list[dict]:
    written = [{**row, "row_mac": domain.row_mac(key, row)} for row in rows(count)]
    links = domain.chain(written, after_seq=0, after_hash=domain.GENESIS, key=key)
    return [
        {**row, "seq": link.seq, "prev_hash": link.prev_hash, "hash": link.hash}
        for row, link in zip(written, links, strict=True)
    ]


def test_an_untouched_chain_checks_and_reports_its_head():
    chain = sealed(5)
    verdict = domain.check(chain, [], [KEY])
    assert (verdict.sealed, verdict.unsealed, verdict.broken) == (5, 0, None)
    assert (verdict.head_seq, verdict.head_hash) == (5, chain[-1]["hash"])
    assert chain[0]["prev_hash"] == domain.GENESIS
    assert [row["seq"] for row in chain] == [1, 2, 3, 4, 5]


def test_the_canonical_form_reads_the_same_from_either_database():
    """The MAC is computed before the INSERT; the check reads the row back, where PostgreSQL's
    jsonb gives 2.0 as 2 and a driver may give the address as an object."""
    written = {**rows(1)[0], "changes": {"b": 2.0, "a": [1.0, "x"]}}
    read_back = {
        **written,
        "at": written["at"].astimezone(timezone(timedelta(hours=8))),  # the same instant
        "changes": {"a": [1, "x"], "b": 2},
        "ip": ipaddress.ip_address("10.0.0.1"),
    }
    assert domain.row_mac(KEY, written) == domain.row_mac(KEY, read_back)
    assert domain.canonical(written, ("at", "changes")) == (
        b'{"at":"2026-01-01T09:00:01.001000+00:00","changes":{"a":[1,"x"],"b":2}}'
    )


@pytest.mark.parametrize(
    ("tamper", "row_id", "reason"),
    [
        (lambda c: c[2].update(username="someone"), 3, "changed after it was sealed"),
        (lambda c: c[2]["changes"].update(site="wrist"), 3, "changed after it was sealed"),
        (lambda c: c.pop(2), 4, "the row before it is missing (seq 3): deleted"),
        (lambda c: c.pop(0), 2, "the row before it is missing (seq 1): deleted"),
        (lambda c: c.__delitem__(slice(1, 3)), 4, "(seq 2 to 3): deleted"),
        (lambda c: c[2].update(seq=2), 3, "its place in the chain is taken twice"),
        (  # rows 2 and 3 swapped, each keeping its own seq: row 3 now comes second
            lambda c: c.__setitem__(slice(1, 3), [{**c[2], "seq": 2}, {**c[1], "seq": 3}]),
            3,
            "does not link to the row sealed before it",
        ),
        (  # a forged row, sealed by one who knows only the SQL (no key)
            lambda c: c.append({**c[4], "id": 6, "seq": 6, "prev_hash": c[4]["hash"]}),
            6,
            "changed after it was sealed",
        ),
    ],
)
def test_a_change_behind_the_applications_back_is_found_at_its_row(tamper, row_id, reason):
    chain = sealed(5)
    tamper(chain)
    broken = domain.check(chain, [], [KEY]).broken
    assert broken is not None
    assert broken.row_id == row_id
    assert reason in broken.reason


def test_a_row_forged_before_its_sealing_is_found_by_its_mac_sealed_or_not():
    forged = {**rows(1)[0], "id": 9, "username": "intruder", "row_mac": "0" * 64}
    waiting = domain.check(sealed(3), [forged], [KEY])
    assert str(waiting.broken) == (
        "row id 9 (not yet sealed): its MAC does not match: not written by the application"
    )
    assert (waiting.sealed, waiting.unsealed) == (3, 0)
    chain = sealed(3)
    link = domain.chain([forged], after_seq=3, after_hash=chain[-1]["hash"], key=KEY)[0]
    chain.append({**forged, "seq": 4, "prev_hash": link.prev_hash, "hash": link.hash})
    assert str(domain.check(chain, [], [KEY]).broken).startswith("row id 9 (seq 4): its MAC")


def test_a_copied_row_is_found_as_the_twin_of_the_one_it_copies():
    chain = sealed(3)
    copy = {**{k: v for k, v in chain[1].items() if k not in ("seq", "prev_hash", "hash")}}
    copy["id"] = 4
    verdict = domain.check(chain, [copy], [KEY], duplicated=[chain[1]["row_mac"]])
    assert str(verdict.broken) == (
        "row id 4 (not yet sealed): it copies an earlier row, MAC and all: replayed"
    )


def test_rows_sealed_under_an_earlier_key_check_with_it_among_the_keys():
    chain = sealed(3, key=OLD_KEY)
    assert domain.check(chain, [], [KEY, OLD_KEY]).broken is None
    broken = domain.check(chain, [], [KEY]).broken
    assert broken is not None
    assert broken.row_id == 1


COLUMNS = [c for c in domain.SEALED if c != "id"] + ["hash"]


@given(
    index=st.integers(min_value=0, max_value=5),
    column=st.sampled_from(COLUMNS),
    data=st.data(),
)
def test_any_change_to_any_column_of_any_sealed_row_breaks_the_chain_there(index, column, data):
    values = st.integers(min_value=1)  # a sealed row's seq is a number (the column's type)
    if column != "seq":
        values = st.one_of(st.integers(), st.text(max_size=8), st.none())
    value = data.draw(values)
    chain = sealed(6)
    if chain[index][column] == value:
        return
    chain[index] = {**chain[index], column: value}
    broken = domain.check(chain, [], [KEY]).broken
    assert broken is not None
    assert broken.row_id == chain[index]["id"]


# ---- Through the database: the one INSERT, the sealer, SQL behind the application's back ----


@pytest.fixture
def trail(team):
    """Five events the application wrote: reads of two patients and a write."""
    nurse = member(team, Role.NURSE)
    first, second = make_patient(team), make_patient(team)
    events = [
        audit_event(by=nurse, action=AuditAction.READ, target="patients:record", patient_id=p.pk)
        for p in (first, second, first, second)
    ]
    events.append(
        audit_event(
            by=nurse,
            action=AuditAction.UPDATE,
            target="patients.Patient",
            patient_id=first.pk,
            changes={
                "phone": ["1", "2"],
                "weight_kg": 61.0,
                "on": datetime(2026, 1, 2, tzinfo=UTC),
            },
        )
    )
    return [e.pk for e in AuditEvent.objects.order_by("id")]


def run_sql(sql: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_output() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as error:
        status, out = 1, io.StringIO(str(error))
    return status, out.getvalue()


@pytest.mark.django_db
def test_an_event_is_one_insert_with_its_mac_and_no_seal_yet(team, django_assert_num_queries):
    nurse, patient = member(team, Role.NURSE), make_patient(team)
    with django_assert_num_queries(1):
        event = audit_event(
            by=nurse, action=AuditAction.READ, target="patients:record", patient_id=patient.pk
        )
    stored = AuditEvent.objects.values().get(pk=event.pk)
    assert (stored["seq"], stored["prev_hash"], stored["hash"]) == (None, "", "")
    assert len(stored["row_mac"]) == 64


@pytest.mark.django_db
def test_sealing_chains_the_rows_in_id_order_once(trail):
    assert audit_seal() == 5
    assert audit_seal() == 0  # nothing new: nothing changed
    chained = list(AuditEvent.objects.order_by("id").values_list("id", "seq"))
    assert chained == [(pk, n) for n, pk in enumerate(trail, start=1)]
    verdict = audit_verify()
    assert (verdict.sealed, verdict.unsealed, verdict.broken) == (5, 0, None)
    status, text = verify_output()
    assert status == 0
    assert text.startswith("Audit trail intact: 5 rows sealed (head: seq 5, hash ")
    assert text.endswith("0 rows not yet sealed, their MACs correct.\n")


@pytest.mark.django_db
def test_reads_and_logins_through_the_web_verify_whatever_the_address(team):
    """The middleware's reads (a bulk insert) and the login's event, from an IPv6 address as a
    proxy writes it and from none (a Unix socket): each MAC is the one read back."""
    patient, nurse = make_patient(team), member(team, Role.NURSE)
    url = reverse("patients:record", args=[patient.pk])
    client_for(nurse).get(url, REMOTE_ADDR="2001:DB8:0:0:0:0:0:1")
    client_for(nurse).get(url, REMOTE_ADDR="")
    assert list(AuditEvent.objects.filter(action="read").order_by("id").values_list("ip")) == [
        ("2001:db8::1",),
        (None,),
    ]
    assert audit_verify().unsealed == AuditEvent.objects.count() >= 4
    audit_seal()
    verdict = audit_verify()
    assert (verdict.sealed, verdict.broken) == (AuditEvent.objects.count(), None)


@pytest.mark.django_db
def test_the_sealer_is_the_only_writer_of_a_rows_place(trail):
    audit_seal()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=trail[0]).update(seq=99)
    event = AuditEvent.objects.get(pk=trail[0])
    event.hash = "f" * 64
    with pytest.raises(AppendOnlyError):
        event.save()


@pytest.mark.django_db
def test_the_every_minute_job_seals_what_was_written(trail):
    due = HUEY.read_periodic(datetime(2026, 1, 1, 9, 17, tzinfo=UTC))  # any minute
    assert any(isinstance(task, audit_seal_pending.task_class) for task in due)
    audit_seal_pending.call_local()
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("statements", "broken_at", "reason"),
    [
        (["UPDATE audit_auditevent SET username = 'someone' WHERE id = {2}"], 2, "changed after"),
        (["UPDATE audit_auditevent SET changes = '{{}}' WHERE id = {4}"], 4, "changed after"),
        (["DELETE FROM audit_auditevent WHERE id = {1}"], 2, "missing (seq 2): deleted"),
        (  # the second and third rows swap places (seq is unique: one moves aside first)
            [
                "UPDATE audit_auditevent SET seq = 1000 WHERE id = {1}",
                "UPDATE audit_auditevent SET seq = 2 WHERE id = {2}",
                "UPDATE audit_auditevent SET seq = 3 WHERE id = {1}",
            ],
            2,
            "does not link to the row sealed before it",
        ),
    ],
    ids=["update", "update-json", "delete", "reorder"],
)
def test_verify_names_the_first_row_changed_in_sql(trail, statements, broken_at, reason):
    audit_seal()
    for sql in statements:
        run_sql(sql.format(*trail))
    status, text = verify_output()
    assert status == 1
    assert f"row id {trail[broken_at]} " in text
    assert reason in text


@pytest.mark.django_db
def test_verify_names_a_row_inserted_in_sql_sealed_or_not(trail):
    audit_seal()
    run_sql(  # a copy of a real row saying someone else read the record: its MAC is the copy's
        "INSERT INTO audit_auditevent (at, username, role, action, target, object_id, changes,"
        " ip, row_mac, prev_hash, hash, user_id, patient_id) SELECT at, 'intruder', role,"
        " action, target, object_id, changes, ip, row_mac, '', '', user_id, patient_id"
        " FROM audit_auditevent WHERE id = %s",
        trail[0],
    )
    forged = AuditEvent.objects.latest("id").pk
    status, text = verify_output()
    assert status == 1
    assert text.startswith(
        f"Audit trail broken at row id {forged} (not yet sealed): its MAC does not match: "
        "not written by the application. 5 rows before it are intact."
    )
    audit_seal()  # the sealer chains it like any row: its MAC still gives it away
    assert f"row id {forged} (seq 6): its MAC does not match" in verify_output()[1]


@pytest.mark.django_db
def test_verify_names_a_row_copied_whole_in_sql(trail):
    audit_seal()
    run_sql(
        "INSERT INTO audit_auditevent (at, username, role, action, target, object_id, changes,"
        " ip, row_mac, prev_hash, hash, user_id, patient_id) SELECT at, username, role,"
        " action, target, object_id, changes, ip, row_mac, '', '', user_id, patient_id"
        " FROM audit_auditevent WHERE id = %s",
        trail[2],
    )
    copy = AuditEvent.objects.latest("id").pk
    assert f"row id {copy} (not yet sealed): it copies an earlier row" in verify_output()[1]


@pytest.mark.django_db
def test_a_sealer_working_from_a_stale_tail_fails_and_forks_nothing(trail, monkeypatch):
    """What the lock prevents, done on purpose: a second sealer that read the tail before the
    first committed. A unique seq and `WHERE seq IS NULL` roll it back whole."""
    from osteorehab.audit import services

    stale = list(AuditEvent.objects.order_by("id").values(*domain.SEALED[:-2]))
    audit_seal()  # the first sealer commits
    links = domain.chain(stale, after_seq=0, after_hash=domain.GENESIS, key=services._keys()[0])
    monkeypatch.setattr(services.domain, "chain", lambda *args, **kwargs: links)
    with pytest.raises(SealConflict, match="5 rows were sealed meanwhile"):
        services._seal_batch()
    monkeypatch.undo()
    assert list(AuditEvent.objects.order_by("seq").values_list("id", flat=True)) == trail
    assert audit_verify().broken is None


@pytest.mark.django_db
def test_rows_sealed_before_a_key_rotation_check_with_the_fallback_key(trail, settings):
    audit_seal()
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-" + "x" * 30
    broken = audit_verify().broken
    assert broken is not None
    assert broken.row_id == trail[0]
    settings.SECRET_KEY_FALLBACKS = [old]
    assert audit_verify().broken is None


@pytest.mark.django_db
def test_the_command_line_verifies_and_names_the_broken_row(trail, capsys):
    out = io.StringIO()
    assert cli.main(["audit", "seal"], stdout=out) == 0
    assert out.getvalue() == "5 audit rows sealed.\n"
    assert cli.main(["audit", "verify"], stdout=out) == 0
    assert "Audit trail intact: 5 rows sealed" in out.getvalue()
    run_sql("UPDATE audit_auditevent SET action = 'create' WHERE id = %s", trail[3])
    assert cli.main(["audit", "verify"], stdout=out) == 1
    assert capsys.readouterr().err == (
        f"osteorehab: Audit trail broken at row id {trail[3]} (seq 4): its columns do not "
        "match its seal: changed after it was sealed. 3 rows before it are intact.\n"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite lets one writer in at a time, so sealers cannot overlap",
)
def test_concurrent_sealers_never_fork_the_chain():
    """Two sealers run over and over while a third thread writes events: every row ends up in
    one chain, seq 1..n with no gap, and no sealer ever failed (the advisory lock lined them
    up rather than the unique seq catching a race)."""
    team = make_team(make_org())
    patient, nurse = make_patient(team), member(team, Role.NURSE)
    failures: list[BaseException] = []
    writing = threading.Event()

    def in_thread(work) -> None:
        try:
            work()
        except BaseException as error:  # reported by the test below
            failures.append(error)
        finally:
            connection.close()

    def write() -> None:
        for _ in range(300):
            audit_event(
                by=nurse, action=AuditAction.READ, target="patients:record", patient_id=patient.pk
            )
        writing.set()

    def seal() -> None:
        while not writing.is_set():
            audit_seal()
        audit_seal()

    threads = [threading.Thread(target=in_thread, args=(w,)) for w in (write, seal, seal)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    audit_seal()
    assert failures == []
    total = AuditEvent.objects.count()
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    verdict = audit_verify()
    assert (verdict.sealed, verdict.unsealed, verdict.broken) == (total, 0, None)
    assert total >= 300
