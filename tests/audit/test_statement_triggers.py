"""The audit triggers are statement-level: one statement, one INSERT into the log, yet one
audit row per changed row, with the vouched actor and only what changed (audit.0009)."""

import importlib
import random

import pytest
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction

from audit.chain import DIGEST_VALUES_SQL, row_digest
from audit.models import AuditLog
from i18n.models import Language
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE, AUDIT_TRIGGERS
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

LANGUAGES = Language._meta.db_table
ACTOR = {"ip_address": "203.0.113.9", "user_agent": "statement tests"}


def languages(*names: str) -> list[Language]:
    return Language.objects.bulk_create(
        [Language(code=f"s{n}", name=name) for n, name in enumerate(names)]
    )


def logs(action: str, ids) -> dict[str, AuditLog]:
    """The log rows of ``action`` on the given languages, by record id."""
    found = AuditLog.objects.filter(
        table_name="i18n.languages", action=action, record_id__in=[str(pk) for pk in ids]
    )
    by_record = {log.record_id: log for log in found}
    assert len(by_record) == len(found), "one audit row per changed row, not more"
    return by_record


def execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def actor_of(log: AuditLog):
    return (log.user_id, str(log.ip_address), log.user_agent)


def test_a_multi_row_update_logs_each_changed_row_with_the_actor_and_only_its_changes():
    actor = UserFactory(is_superuser=True)
    rows = languages("One", "Two", "Same", "Four")
    ids = [row.pk for row in rows]
    with acting_as(user_id=actor.pk, role=APPLICATION_ROLE, **ACTOR):
        changed = execute(
            f"UPDATE {LANGUAGES} SET name = CASE name WHEN 'Same' THEN name ELSE name || '!' END,"
            " native_name = CASE WHEN name = 'Four' THEN 'Vier' ELSE native_name END"
            " WHERE id = ANY (%s)",
            [ids],
        )
    assert changed == 4
    logged = logs("UPDATE", ids)
    assert set(logged) == {str(pk) for pk in ids} - {str(rows[2].pk)}  # "Same" changed nothing
    assert {log.record_id: log.changes for log in logged.values()} == {
        str(rows[0].pk): {"name": {"old": "One", "new": "One!"}},
        str(rows[1].pk): {"name": {"old": "Two", "new": "Two!"}},
        str(rows[3].pk): {
            "name": {"old": "Four", "new": "Four!"},
            "native_name": {"old": "", "new": "Vier"},
        },
    }
    assert {actor_of(log) for log in logged.values()} == {
        (actor.pk, ACTOR["ip_address"], ACTOR["user_agent"])
    }


def test_old_and_new_versions_pair_up_however_the_statement_visits_its_rows():
    """Rows updated in a shuffled order through a join, then with their primary key
    changed: each log row's old and new values are one row's (a mismatched pair would show
    its other columns, code and timestamps, as changed too)."""
    rows = languages(*(f"L{n:03}" for n in range(150)))
    shuffled = rows[:]
    random.Random(9).shuffle(shuffled)
    renamed = {row.pk: f"{row.name}-{n % 7}" for n, row in enumerate(shuffled)}
    execute(
        f"UPDATE {LANGUAGES} l SET name = v.name"
        " FROM unnest(%s::uuid[], %s::text[]) AS v (id, name) WHERE l.id = v.id",
        [list(renamed), list(renamed.values())],
    )
    logged = logs("UPDATE", renamed)
    assert {pk: log.changes for pk, log in logged.items()} == {
        str(row.pk): {"name": {"old": row.name, "new": renamed[row.pk]}} for row in rows
    }

    moving = [row.pk for row in shuffled[:20]]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LANGUAGES} SET id = public.uuid_generate_v7(), name = name || '*'"
            " WHERE id = ANY (%s) RETURNING id, name",
            [moving],
        )
        new_ids = dict(cursor.fetchall())
    moved = logs("UPDATE", new_ids)
    assert {pk: set(log.changes) for pk, log in moved.items()} == {
        str(pk): {"id", "name"} for pk in new_ids
    }
    assert {pk: log.changes["name"]["new"] for pk, log in moved.items()} == {
        str(pk): name for pk, name in new_ids.items()
    }
    assert {log.changes["id"]["old"]: log.changes["name"]["old"] for log in moved.values()} == {
        str(pk): renamed[pk] for pk in moving
    }


def test_a_multi_row_insert_and_delete_log_each_whole_row_with_the_actor():
    actor = UserFactory()
    with acting_as(user_id=actor.pk, **ACTOR):
        rows = languages("Alpha", "Beta", "Gamma")
    ids = [row.pk for row in rows]
    inserted = logs("INSERT", ids)
    assert {pk: (log.changes["name"], log.changes["code"]) for pk, log in inserted.items()} == {
        str(row.pk): ({"new": row.name}, {"new": row.code}) for row in rows
    }
    assert all(
        set(change) == {"new"} for log in inserted.values() for change in log.changes.values()
    )
    assert {actor_of(log) for log in inserted.values()} == {
        (actor.pk, ACTOR["ip_address"], ACTOR["user_agent"])
    }

    with acting_as(user_id=actor.pk, **ACTOR):
        assert execute(f"DELETE FROM {LANGUAGES} WHERE id = ANY (%s)", [ids]) == 3
    deleted = logs("DELETE", ids)
    assert {pk: log.changes["name"] for pk, log in deleted.items()} == {
        str(row.pk): {"old": row.name} for row in rows
    }
    assert set(inserted[str(ids[0])].changes) == set(deleted[str(ids[0])].changes)  # every column
    assert {actor_of(log) for log in deleted.values()} == {
        (actor.pk, ACTOR["ip_address"], ACTOR["user_agent"])
    }


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {t} SET name = 'x' WHERE false",
        "UPDATE {t} SET name = name",  # rows, but nothing changed
        "DELETE FROM {t} WHERE false",
        "INSERT INTO {t} (code, name) SELECT 'none', 'x' WHERE false",
        "INSERT INTO {t} (code, name) VALUES ('s0', 'x') ON CONFLICT DO NOTHING",
    ],
)
def test_a_statement_that_changes_no_row_writes_nothing(statement):
    languages("Kept")
    before = AuditLog.objects.count()
    execute(statement.format(t=LANGUAGES))
    assert AuditLog.objects.count() == before


def test_an_upsert_logs_its_insert_and_its_update():
    (existing,) = languages("Before")
    execute(
        f"INSERT INTO {LANGUAGES} (code, name) VALUES ('s0', 'After'), ('up', 'New')"
        " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name"
    )
    new = Language.objects.get(code="up")
    assert logs("UPDATE", [existing.pk])[str(existing.pk)].changes == {
        "name": {"old": "Before", "new": "After"}
    }
    assert logs("INSERT", [new.pk])[str(new.pk)].changes["name"] == {"new": "New"}


def test_writable_ctes_and_merge_log_every_row_they_change():
    """Several modifications of one table in one statement share its transition tables."""
    first, second, third = languages("a", "b", "c")
    execute(
        f"WITH one AS (UPDATE {LANGUAGES} SET name = 'A' WHERE id = %s RETURNING 1),"
        f" gone AS (DELETE FROM {LANGUAGES} WHERE id = %s RETURNING 1)"
        f" UPDATE {LANGUAGES} SET name = 'B' WHERE id = %s",
        [first.pk, third.pk, second.pk],
    )
    execute(
        f"MERGE INTO {LANGUAGES} l USING (VALUES ('s0', 'M'), ('mg', 'New')) AS v (code, name)"
        " ON l.code = v.code WHEN MATCHED THEN UPDATE SET name = v.name"
        " WHEN NOT MATCHED THEN INSERT (code, name) VALUES (v.code, v.name)"
    )
    updates = AuditLog.objects.filter(
        table_name="i18n.languages", action="UPDATE", record_id__in=[first.pk, second.pk]
    ).order_by("timestamp")
    assert sorted((log.record_id, log.changes["name"]["new"]) for log in updates) == sorted(
        [(str(first.pk), "A"), (str(second.pk), "B"), (str(first.pk), "M")]
    )
    assert all(set(log.changes) == {"name"} for log in updates)
    assert logs("DELETE", [third.pk])[str(third.pk)].changes["name"] == {"old": "c"}
    merged = Language.objects.get(code="mg")
    assert logs("INSERT", [merged.pk])[str(merged.pk)].changes["name"] == {"new": "New"}


def test_secrets_of_many_rows_changed_at_once_stay_redacted():
    users = [UserFactory(), UserFactory()]
    ids = [user.pk for user in users]
    execute(
        f"UPDATE {User._meta.db_table} SET password_hash = 'bcrypt$secret', first_name = 'Z'"
        " WHERE id = ANY (%s)",
        [ids],
    )
    logged = AuditLog.objects.filter(
        table_name="users.users", action="UPDATE", record_id__in=[str(pk) for pk in ids]
    )
    assert len(logged) == 2
    for log in logged:
        assert log.changes["password_hash"] == {"old": "[redacted]", "new": "[redacted]"}
        assert log.changes["first_name"]["new"] == "Z"
    assert not AuditLog.objects.filter(changes__icontains="bcrypt$secret").exists()


@pytest.mark.parametrize(
    "statement",
    [
        *(f"ALTER TABLE {LANGUAGES} DISABLE TRIGGER {name}" for name in AUDIT_TRIGGERS),
        f"ALTER TABLE {LANGUAGES} DISABLE TRIGGER USER",
        f"DROP TRIGGER audit_log_update ON {LANGUAGES}",
        "SET session_replication_role = replica",
        f"CREATE TRIGGER forged AFTER INSERT ON {LANGUAGES} REFERENCING NEW TABLE AS new_rows"
        " FOR EACH STATEMENT EXECUTE FUNCTION audit.log_changes()",
    ],
)
def test_the_application_role_cannot_turn_the_triggers_off_or_reuse_them(statement):
    actor = UserFactory(is_superuser=True)
    with (
        pytest.raises(ProgrammingError, match=r"permission denied|must be owner"),
        acting_as(user_id=actor.pk, role=APPLICATION_ROLE),
    ):
        execute(statement)


def test_the_application_role_writes_many_rows_and_every_one_is_logged():
    actor = UserFactory(is_superuser=True)
    with acting_as(user_id=actor.pk, role=APPLICATION_ROLE, **ACTOR):
        execute(
            f"INSERT INTO {LANGUAGES} (code, name) SELECT 'r' || n, 'Role' FROM"
            " generate_series(1, 40) n"
        )
        execute(f"UPDATE {LANGUAGES} SET name = 'Role!' WHERE name = 'Role'")
    ids = list(Language.objects.filter(name="Role!").values_list("pk", flat=True))
    assert len(ids) == 40
    for action in ("INSERT", "UPDATE"):
        logged = logs(action, ids)
        assert len(logged) == 40
        assert {log.user_id for log in logged.values()} == {actor.pk}


def test_the_chain_seals_and_verifies_rows_written_set_based():
    actor = UserFactory()
    with acting_as(user_id=actor.pk, **ACTOR):
        rows = languages(*(f"Chain {n}" for n in range(30)))
        ids = [row.pk for row in rows]
        execute(f"UPDATE {LANGUAGES} SET name = name || '.' WHERE id = ANY (%s)", [ids])
        execute(f"DELETE FROM {LANGUAGES} WHERE id = ANY (%s)", [ids[:10]])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {DIGEST_VALUES_SQL}, log.row_hash FROM {AuditLog._meta.db_table} log"
            " WHERE log.record_id = ANY (%s)",
            [[str(pk) for pk in ids]],
        )
        written = cursor.fetchall()
    assert len(written) == 30 + 30 + 10
    assert [row_digest(values) for *values, _ in written] == [bytes(h) for *_, h in written]
    call_command("seal_audit_log", verbosity=0)
    call_command("verify_audit_log", verbosity=0)  # raises CommandError when broken


def test_rows_the_owner_writes_without_a_digest_still_get_one():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditLog._meta.db_table} (id, action, table_name, record_id, changes,"
            " timestamp) VALUES (public.uuid_generate_v7(), 'INSERT', 'archive.note', '1',"
            """ '{"note": {"new": "by hand"}}', now()) RETURNING row_hash IS NOT NULL"""
        )
        assert cursor.fetchone() == (True,)
    call_command("verify_audit_log", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_to_the_row_level_trigger_and_forward_again():
    audited = importlib.import_module("audit.migrations.0009_statement_level_audit").AUDITED

    def triggers() -> dict[str, list[str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
                " WHERE t.tgname = ANY (%s) OR t.tgname = 'audit_logs_digest' ORDER BY 1, 2",
                [[*AUDIT_TRIGGERS, "audit_log_change"]],
            )
            found = {}
            for name, definition in cursor.fetchall():
                found.setdefault(name, []).append(definition)
            return found

    call_command("migrate", "audit", "0008", verbosity=0)
    try:
        back = triggers()
        assert set(back) == {"audit_log_change", "audit_logs_digest"}
        assert len(back["audit_log_change"]) == len(audited)
        assert (
            "CREATE TRIGGER audit_log_change AFTER INSERT OR DELETE OR UPDATE ON users.users"
            " FOR EACH ROW EXECUTE FUNCTION audit.log_change('password_hash')"
        ) in back["audit_log_change"]
        assert "WHEN" not in back["audit_logs_digest"][0]
        language = Language.objects.create(code="rv", name="Row level")
        Language.objects.filter(pk=language.pk).update(name="Row level!")
        assert logs("UPDATE", [language.pk])[str(language.pk)].changes == {
            "name": {"old": "Row level", "new": "Row level!"}
        }
        call_command("verify_audit_log", verbosity=0)
    finally:
        # Everything, not audit alone: going back also took down the migrations that depend
        # on audit's later ones (the latest access migration among them).
        call_command("migrate", verbosity=0)
    forward = triggers()
    assert set(forward) == {*AUDIT_TRIGGERS, "audit_logs_digest"}
    assert all(len(forward[name]) == len(audited) for name in AUDIT_TRIGGERS)
    Language.objects.filter(code="rv").update(name="Statement level")
    call_command("verify_audit_log", verbosity=0)
