"""The audit log is tamper-evident: digests per row, a chain sealed by the owner, a verifier."""

import itertools
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import ProgrammingError, connection, connections, transaction

from audit.chain import CHAIN_TABLE, DIGEST_VALUES_SQL, row_digest
from audit.models import AuditLog
from i18n.models import Language
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGS, CHAIN = AuditLog._meta.db_table, CHAIN_TABLE
CODES = (f"c{n}" for n in itertools.count())


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def logged_languages(count: int) -> list[str]:
    """Log ``count`` changes; the ids of their audit rows, oldest first."""
    languages = [Language.objects.create(code=next(CODES), name="Logged") for _ in range(count)]
    return [
        str(AuditLog.objects.get(table_name="i18n.languages", record_id=str(language.pk)).pk)
        for language in languages
    ]


def owner_rewrites(sql: str, params=()) -> None:
    """Change the log as its owner would, past the append-only trigger."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {LOGS} DISABLE TRIGGER audit_logs_append_only")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {LOGS} ENABLE TRIGGER audit_logs_append_only")


def test_python_recomputes_the_digest_the_trigger_stored():
    actor = UserFactory()
    with acting_as(user_id=actor.pk, ip_address="2001:db8::1", user_agent="ünï\ncode: 1:2"):
        Language.objects.create(code="dg", name="Dïgest 'quoted' \\ slash")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {DIGEST_VALUES_SQL}, log.row_hash FROM {LOGS} log")
        rows = cursor.fetchall()
    assert rows
    assert [row_digest(values) for *values, _ in rows] == [bytes(stored) for *_, stored in rows]


def test_an_intact_log_verifies_with_progress_and_prints_its_head():
    logged_languages(5)
    sealed = run("seal_audit_log", "--batch-size", "2")
    head = sealed.splitlines()[-1].removeprefix("chain head: ")
    logged_languages(1)  # not sealed yet
    out = run("verify_audit_log", "--batch-size", "2", "--head", head)
    assert "checked 2 rows..." in out
    assert "Audit log intact" in out and "1 not sealed yet" in out


def test_verify_names_a_sealed_row_whose_changes_were_edited():
    log_ids = logged_languages(4)
    run("seal_audit_log")
    owner_rewrites(
        f"""UPDATE {LOGS} SET changes = '{{"name": {{"new": "Forged"}}}}' WHERE id = %s""",
        [log_ids[2]],
    )
    with pytest.raises(CommandError, match=f"row {log_ids[2]} .* was changed after it was logged"):
        run("verify_audit_log")


def test_verify_names_a_row_rewritten_with_a_fresh_digest():
    log_ids = logged_languages(3)
    run("seal_audit_log")
    owner_rewrites(
        f"""UPDATE {LOGS} SET action = 'DELETE', row_hash = audit.log_digest(
            id, user_id, 'DELETE', table_name, record_id, changes, ip_address, user_agent,
            timestamp
        ) WHERE id = %s""",
        [log_ids[1]],
    )
    with pytest.raises(CommandError, match=f"row {log_ids[1]} .* does not follow the chain"):
        run("verify_audit_log")


def test_verify_names_a_sealed_row_deleted_from_the_log():
    log_ids = logged_languages(3)
    run("seal_audit_log")
    owner_rewrites(f"DELETE FROM {LOGS} WHERE id = %s", [log_ids[1]])
    with pytest.raises(CommandError, match=f"row {log_ids[1]} .* was deleted from the log"):
        run("verify_audit_log")


def test_verify_reports_the_gap_when_rows_are_deleted_with_their_seals():
    log_ids = logged_languages(3)
    run("seal_audit_log")
    owner_rewrites(f"DELETE FROM {LOGS} WHERE id = %s", [log_ids[1]])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CHAIN} WHERE log_id = %s RETURNING position", [log_ids[1]])
        (position,) = cursor.fetchone()
    with pytest.raises(
        CommandError,
        match=f"positions {position} to {position} are missing before row {log_ids[2]}",
    ):
        run("verify_audit_log")


def test_verify_names_an_unsealed_row_that_was_edited():
    log_ids = logged_languages(2)
    owner_rewrites(f"UPDATE {LOGS} SET ip_address = '198.51.100.1' WHERE id = %s", [log_ids[0]])
    with pytest.raises(CommandError, match=f"unsealed row {log_ids[0]} was changed"):
        run("verify_audit_log")


def test_seal_refuses_a_row_edited_before_it_was_sealed():
    log_ids = logged_languages(2)
    owner_rewrites(f"UPDATE {LOGS} SET record_id = 'other' WHERE id = %s", [log_ids[1]])
    with pytest.raises(CommandError, match=f"row {log_ids[1]} no longer matches"):
        run("seal_audit_log")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {CHAIN}")
        assert cursor.fetchone() == (0,)


def test_a_rewritten_log_and_chain_pass_alone_but_not_against_an_exported_head():
    log_ids = logged_languages(3)
    head = run("seal_audit_log").splitlines()[-1].removeprefix("chain head: ")
    owner_rewrites(
        f"""UPDATE {LOGS} SET record_id = 'x', row_hash = audit.log_digest(
            id, user_id, action, table_name, 'x', changes, ip_address, user_agent, timestamp
        ) WHERE id = %s""",
        [log_ids[0]],
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CHAIN}")
    run("seal_audit_log")
    assert "Audit log intact" in run("verify_audit_log")  # the owner's rewrite, undetectable
    with pytest.raises(CommandError, match="differs from the exported head"):
        run("verify_audit_log", "--head", head)


def test_bad_head_is_a_command_error():
    with pytest.raises(CommandError, match="--head: not a chain head"):
        run("verify_audit_log", "--head", "12:zz")


def test_runtime_roles_cannot_read_or_write_the_chain():
    for statement in [
        f"SELECT * FROM {CHAIN}",
        f"INSERT INTO {CHAIN} VALUES (1, gen_random_uuid(), '')",
    ]:
        with (
            pytest.raises(ProgrammingError, match="permission denied"),
            acting_as(role=APPLICATION_ROLE),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)


@pytest.mark.django_db(transaction=True)
def test_audited_writers_and_the_seal_do_not_wait_for_each_other():
    first, second = (Language.objects.create(code=code, name=code) for code in ("w1", "w2"))
    holding, release = threading.Event(), threading.Event()
    errors = []

    def hold_an_audited_write_open():
        try:
            with transaction.atomic():
                Language.objects.filter(pk=first.pk).update(name="held")
                holding.set()
                release.wait(10)
        except Exception as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=hold_an_audited_write_open)
    writer.start()
    try:
        assert holding.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            Language.objects.filter(pk=second.pk).update(name="concurrent")
            run("seal_audit_log")
    finally:
        release.set()
        writer.join()
    try:
        assert errors == []
        assert "Audit log intact" in run("verify_audit_log")
    finally:
        with connection.cursor() as cursor:  # flush leaves unmanaged tables alone
            cursor.execute(f"DELETE FROM {CHAIN}")
