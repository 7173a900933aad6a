"""The runtime roles' privileges and, with ENABLE_ROW_SECURITY, the isolation policies.

application_role (the seed's name) may read and write the domain tables, subject to the
policies: on a table that holds one user's data it sees and changes only the rows of the
user in app.user_id, and nothing when none is set. pika_staff bypasses the policies for
staff tools. Neither may touch the audit log beyond appending (audit.0002).
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import migrations

from django.db.backends.utils import split_identifier

# Frozen copies of the builders as they were when this migration was written.
APPLICATION_ROLE = "application_role"

STAFF_ROLE = "pika_staff"

CURRENT_USER_ID = "nullif(current_setting('app.user_id', true), '')::uuid"

POLICY_NAMES = {
    '"users"."users"': "users_isolation",
    '"users"."user_preferences"': "user_preferences_policy",
}


def policy_name(table: str) -> str:
    """The name of a protected table's policy."""
    return POLICY_NAMES.get(table, f"{split_identifier(table)[1]}_isolation")


def policy_sql(table: str, own_rows: str) -> str:
    """Enable and force row level security on a table, with its isolation policy."""
    condition = own_rows.format(me=CURRENT_USER_ID)
    name = policy_name(table)
    return f"""
        ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
        DROP POLICY IF EXISTS {name} ON {table};
        CREATE POLICY {name} ON {table} FOR ALL TO {APPLICATION_ROLE}
            USING ({condition}) WITH CHECK ({condition});
    """


def policy_drop_sql(table: str) -> str:
    """Undo `policy_sql`."""
    return f"""
        DROP POLICY IF EXISTS {policy_name(table)} ON {table};
        ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
        ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
    """


ROLES_SQL = f"""
CREATE ROLE {APPLICATION_ROLE} NOLOGIN;
CREATE ROLE {STAFF_ROLE} NOLOGIN BYPASSRLS;
GRANT {APPLICATION_ROLE}, {STAFF_ROLE} TO <the migrating role>;
"""


def missing_roles(cursor) -> list[str]:
    """The runtime roles that the database lacks, or the migrating role is no member of."""
    cursor.execute(
        """
        SELECT wanted FROM unnest(%s::text[]) AS wanted
        WHERE NOT pg_has_role(current_user, wanted, 'MEMBER') IS TRUE
            OR NOT EXISTS (SELECT FROM pg_roles WHERE rolname = wanted)
        """,
        [[APPLICATION_ROLE, STAFF_ROLE]],
    )
    return [row[0] for row in cursor.fetchall()]


def grants_sql(schemas: list[str]) -> str:
    """Give the runtime roles DML on the schemas' tables, now and for tables made later."""
    roles = f"{APPLICATION_ROLE}, {STAFF_ROLE}"
    statements = []
    for schema in schemas:
        statements += [
            f"GRANT USAGE ON SCHEMA {schema} TO {roles};",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {roles};",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {roles};",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
            f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {roles};",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
            f" GRANT USAGE, SELECT ON SEQUENCES TO {roles};",
        ]
    return "\n".join(statements)


def grants_revoke_sql(schemas: list[str]) -> str:
    """Undo `grants_sql`."""
    roles = f"{APPLICATION_ROLE}, {STAFF_ROLE}"
    statements = []
    for schema in schemas:
        statements += [
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
            f" REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {roles};",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
            f" REVOKE USAGE, SELECT ON SEQUENCES FROM {roles};",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {roles};",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {roles};",
            f"REVOKE USAGE ON SCHEMA {schema} FROM {roles};",
        ]
    return "\n".join(statements)


# Frozen here: tables added later get their policy in a later migration (a test insists).
OWN_ROWS = {
    '"users"."users"': "id = {me}",
    '"users"."user_profiles"': "user_id = {me}",
    '"users"."user_preferences"': "user_id = {me}",
    '"users"."addresses"': "user_id = {me}",
    '"identity"."sessions"': "user_id = {me}",
    '"identity"."one_time_tokens"': "user_id = {me}",
    '"identity"."external_identities"': "user_id = {me}",
    '"security"."api_keys"': "owner_id = {me}",
    '"support"."tickets"': "requester_id = {me}",
    '"support"."ticket_messages"': (
        'NOT is_internal AND EXISTS (SELECT FROM "support"."tickets" t WHERE t.id = ticket_id)'
    ),
    '"support"."ticket_attachments"': (
        'EXISTS (SELECT FROM "support"."ticket_messages" m WHERE m.id = message_id)'
    ),
    '"payments"."payments"': "payer_id = {me}",
    '"payments"."refunds"': 'EXISTS (SELECT FROM "payments"."payments" p WHERE p.id = payment_id)',
    '"files"."files"': "owner_id = {me}",
    '"marketplace"."saved_vouchers"': "user_id = {me}",
    '"marketplace"."redemptions"': "user_id = {me}",
}
# The audit schema is granted by audit.0002: appending only.
SCHEMAS = [
    "public",
    "users",
    "identity",
    "support",
    "payments",
    "files",
    "i18n",
    "catalog",
    "marketplace",
    "business",
    "analytics",
    "security",
]


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        missing = missing_roles(cursor)
    if missing:
        raise CommandError(
            f"the roles {', '.join(missing)} are missing or not granted to the migrating role; "
            f"a superuser must run:{ROLES_SQL}(make db does this for the project's own cluster)"
        )
    schema_editor.execute(grants_sql(SCHEMAS))
    if settings.ENABLE_ROW_SECURITY:
        for table, own_rows in OWN_ROWS.items():
            schema_editor.execute(policy_sql(table, own_rows))


def uninstall(apps, schema_editor):
    for table in OWN_ROWS:
        schema_editor.execute(policy_drop_sql(table))
    schema_editor.execute(grants_revoke_sql(SCHEMAS))


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0001_initial"),
        ("audit", "0002_audit_trail"),
        ("analytics", "0002_daily_voucher_stats_view"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
