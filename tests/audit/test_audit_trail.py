"""Every change to an audited table is logged by the database, with who made it."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import ProgrammingError, connection, transaction

from audit.models import AuditLog
from i18n.models import Language
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE, AUDIT_TRIGGERS, REDACTED_COLUMNS, UNAUDITED
from pika.db.tables import schema_table
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db


def last_log(table: str, record_id) -> AuditLog:
    return AuditLog.objects.filter(table_name=table, record_id=str(record_id)).latest("timestamp")


def test_every_project_table_and_permission_grant_is_audited_or_declared_unaudited():
    """Each audited table has the three statement-level triggers, redacting what the
    declaration says; no row-level audit trigger is left anywhere."""
    tables = {
        model._meta.db_table
        for config in apps.get_app_configs()
        if getattr(config, "schema", None)
        for model in config.get_models(include_auto_created=True)
        if model._meta.managed and not hasattr(model, "instance_type")  # history models
    } | {schema_table("public", Group.permissions.through._meta.db_table)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relnamespace::regnamespace || '.' || c.relname, t.tgname,"
            " pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = ANY (%s)",
            [[*AUDIT_TRIGGERS, "audit_log_change"]],
        )
        installed = {(table, name): definition for table, name, definition in cursor.fetchall()}
    expected = {}
    for table in tables - UNAUDITED:
        arguments = ", ".join(f"'{column}'" for column in REDACTED_COLUMNS.get(table, []))
        printed = table.replace('"', "")
        for name, (event, transition) in AUDIT_TRIGGERS.items():
            expected[printed, name] = (
                f"CREATE TRIGGER {name} AFTER {event} ON {printed} REFERENCING {transition}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION audit.log_changes({arguments})"
            )
    assert installed == expected


def test_raw_sql_update_is_logged_with_the_acting_user_ip_and_agent():
    actor, target = UserFactory(), Language.objects.create(code="xx", name="Old")
    with (
        acting_as(user_id=actor.pk, ip_address="203.0.113.5", user_agent="tests"),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {Language._meta.db_table} SET name = 'New' WHERE id = %s", [target.pk]
        )
    log = last_log("i18n.languages", target.pk)
    assert (log.action, log.user_id, log.ip_address, log.user_agent) == (
        "UPDATE",
        actor.pk,
        "203.0.113.5",
        "tests",
    )
    assert log.changes == {"name": {"old": "Old", "new": "New"}}


def test_queryset_update_as_the_application_role_is_logged_with_the_user():
    user = UserFactory(first_name="Ann")
    with acting_as(user_id=user.pk, role=APPLICATION_ROLE):
        assert User.objects.filter(pk=user.pk).update(first_name="Anna") == 1
    log = last_log("users.users", user.pk)
    assert log.user_id == user.pk
    assert log.changes["first_name"] == {"old": "Ann", "new": "Anna"}


def test_inserts_and_deletes_are_logged_with_the_whole_row():
    language = Language.objects.create(code="yy", name="Probe")
    assert last_log("i18n.languages", language.pk).changes["name"] == {"new": "Probe"}
    pk = language.pk
    language.delete()
    log = last_log("i18n.languages", pk)
    assert log.action == "DELETE" and log.changes["code"] == {"old": "yy"}


def test_an_update_that_changes_nothing_is_not_logged():
    language = Language.objects.create(code="zz", name="Same")
    before = AuditLog.objects.count()
    Language.objects.filter(pk=language.pk).update(name="Same")
    assert AuditLog.objects.count() == before


def test_secrets_never_reach_the_log():
    user = UserFactory()
    user.set_password("another long passphrase")
    user.save()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT password_hash FROM {User._meta.db_table} WHERE id = %s", [user.pk])
        stored_hash = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM audit.audit_logs WHERE changes::text LIKE %s",
            [f"%{stored_hash[7:30]}%"],
        )
        assert cursor.fetchone()[0] == 0
    log = last_log("users.users", user.pk)
    assert log.changes["password_hash"] == {"old": "[redacted]", "new": "[redacted]"}


def test_every_redacted_column_exists():
    for table, columns in REDACTED_COLUMNS.items():
        with connection.cursor() as cursor:
            description = connection.introspection.get_table_description(cursor, table)
        assert set(columns) <= {column.name for column in description}, table


@pytest.mark.parametrize("statement", ["UPDATE {t} SET action = 'DELETE'", "DELETE FROM {t}"])
def test_runtime_roles_cannot_rewrite_the_log(statement):
    Language.objects.create(code="ww", name="Logged")
    with (
        pytest.raises(ProgrammingError, match=r"permission denied|append-only"),
        acting_as(role=APPLICATION_ROLE),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(t=AuditLog._meta.db_table))


def test_the_application_role_cannot_forge_a_log_row():
    actor, victim = UserFactory(), UserFactory()
    with (
        pytest.raises(ProgrammingError, match="permission denied"),
        acting_as(user_id=actor.pk, role=APPLICATION_ROLE),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"INSERT INTO {AuditLog._meta.db_table} (id, user_id, action, table_name, record_id,"
            " ip_address, timestamp) VALUES (gen_random_uuid(), %s, 'DELETE',"
            " 'users.users', %s, '198.51.100.7', '2001-01-01')",
            [victim.pk, victim.pk],
        )


def test_sql_in_a_request_cannot_make_the_log_name_someone_else():
    """Rewriting the identity settings leaves the request acting for nobody: the staff
    user's UPDATE, which their permission allowed a moment before, now changes no row, and
    no log row names the victim."""
    actor, victim = UserFactory(is_superuser=True), UserFactory()
    language = Language.objects.create(code="xf", name="Old")
    table = Language._meta.db_table
    with (
        acting_as(user_id=actor.pk, ip_address="203.0.113.5", role=APPLICATION_ROLE),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET name = 'Honest' WHERE id = %s", [language.pk])
        assert cursor.rowcount == 1
        cursor.execute(
            "SELECT set_config('app.user_id', %s, true),"
            " set_config('app.ip_address', '198.51.100.9', true)",
            [str(victim.pk)],
        )
        cursor.execute(f"UPDATE {table} SET name = 'Forged' WHERE id = %s", [language.pk])
        assert cursor.rowcount == 0
    logs = AuditLog.objects.filter(
        table_name="i18n.languages", record_id=str(language.pk), action="UPDATE"
    )
    assert [(log.user_id, str(log.ip_address)) for log in logs] == [(actor.pk, "203.0.113.5")]
    assert Language.objects.get(pk=language.pk).name == "Honest"


def test_even_the_owner_cannot_update_a_log_row_but_may_archive():
    Language.objects.create(code="vv", name="Logged")
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        AuditLog.objects.update(action="DELETE")
    assert AuditLog.objects.all().delete()[0] > 0


def test_history_is_written_by_the_application_role():
    user = UserFactory(first_name="Before")
    with acting_as(user_id=user.pk, role=APPLICATION_ROLE):
        user.first_name = "After"
        user.save()
    assert User.history.filter(id=user.pk).latest().first_name == "After"
    assert not hasattr(User.history.model, "password")
