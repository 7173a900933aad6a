"""Only the database writes the audit log; history names its real author; readers need view.

- audit.audit_logs: no INSERT for the runtime roles (audit.log_change, as the owner, is its
  only writer); readable through row level security by users with ``audit.view_auditlog``.
- Every history table (derived from the history models at this point of the migration
  graph): a BEFORE INSERT trigger sets history_user_id from security.current_user_id() and
  history_date from the clock, whoever inserts; the application role may append and read
  the rows its user's view permission on the audited model allows, never update or delete.
- Permission and group grants are audited: users.user_permissions, users.user_groups,
  security.role_permissions and public.auth_group_permissions (both foreign keys are in
  each row's logged changes).
- The staff bypass role keeps nothing in the audit schema; tables made later get no
  privileges by default (a history table must be guarded by a migration to be writable).
"""

from django.db import migrations

from audit.sql import APPLICATION_ROLE, history_guard_drop_sql, history_guard_sql
from pika.db.tables import schema_table

AUDIT_LOGS = schema_table("audit", "audit_logs")

# Frozen here: grants that let a user or a group do more.
GRANT_TABLES = [
    '"users"."user_permissions"',
    '"users"."user_groups"',
    '"security"."role_permissions"',
    '"public"."auth_group_permissions"',
]



def audit_trigger_sql(table: str) -> str:
    """Attach the audit trigger to a table (as audit.0002 does, nothing redacted)."""
    return f"""
        CREATE OR REPLACE TRIGGER audit_log_change
        AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION audit.log_change();
    """


def audit_trigger_drop_sql(table: str) -> str:
    """Undo `audit_trigger_sql`."""
    return f"DROP TRIGGER IF EXISTS audit_log_change ON {table};"


AUDIT_LOGS_SQL = f"""
REVOKE ALL ON {AUDIT_LOGS} FROM PUBLIC, {APPLICATION_ROLE};
GRANT SELECT ON {AUDIT_LOGS} TO {APPLICATION_ROLE};
ALTER TABLE {AUDIT_LOGS} ENABLE ROW LEVEL SECURITY;
ALTER TABLE {AUDIT_LOGS} FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_logs_read ON {AUDIT_LOGS} FOR SELECT TO {APPLICATION_ROLE}
    USING ((SELECT security.has_perm('audit.view_auditlog')));  -- once per query
ALTER DEFAULT PRIVILEGES IN SCHEMA audit REVOKE INSERT ON TABLES FROM {APPLICATION_ROLE};

CREATE FUNCTION audit.history_stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Whatever the writer claims: the vouched actor and the database's clock.
    NEW.history_user_id := security.current_user_id();
    NEW.history_date := pg_catalog.clock_timestamp();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION audit.history_stamp() IS
    'Sets a history row''s author and time from the vouched identity and the clock.';
REVOKE ALL ON FUNCTION audit.history_stamp() FROM PUBLIC;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pika_staff') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA audit FROM pika_staff;
        REVOKE USAGE ON SCHEMA audit FROM pika_staff;
        ALTER DEFAULT PRIVILEGES IN SCHEMA audit REVOKE ALL ON TABLES FROM pika_staff;
    END IF;
END
$$;
"""

AUDIT_LOGS_DROP = f"""
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pika_staff') THEN
        GRANT USAGE ON SCHEMA audit TO pika_staff;
        GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA audit TO pika_staff;
        ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT SELECT, INSERT ON TABLES TO pika_staff;
    END IF;
END
$$;
DROP FUNCTION audit.history_stamp();
ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT INSERT ON TABLES TO {APPLICATION_ROLE};
DROP POLICY audit_logs_read ON {AUDIT_LOGS};
ALTER TABLE {AUDIT_LOGS} NO FORCE ROW LEVEL SECURITY;
ALTER TABLE {AUDIT_LOGS} DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON {AUDIT_LOGS} FROM {APPLICATION_ROLE};
GRANT INSERT, SELECT (id, timestamp) ON {AUDIT_LOGS} TO {APPLICATION_ROLE};
"""


def history_tables(apps) -> list[str]:
    """The history tables in the migration state: audit models with a history_id."""
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("audit").get_models()
        if any(field.name == "history_id" for field in model._meta.fields)
    )


def guard_history(apps, schema_editor):
    for table in history_tables(apps):
        schema_editor.execute(history_guard_sql(table))


def unguard_history(apps, schema_editor):
    for table in history_tables(apps):
        schema_editor.execute(history_guard_drop_sql(table))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_pinned_definers_and_row_digest"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("security", "0004_signed_identity"),
        ("users", "0005_named_indexes"),
    ]

    operations = [
        migrations.RunSQL(AUDIT_LOGS_SQL, reverse_sql=AUDIT_LOGS_DROP),
        migrations.RunPython(guard_history, unguard_history),
        migrations.RunSQL(
            "".join(audit_trigger_sql(table) for table in GRANT_TABLES),
            reverse_sql="".join(audit_trigger_drop_sql(table) for table in GRANT_TABLES),
        ),
    ]
