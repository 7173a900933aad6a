"""Roles, row level security and the audit trail: the declared lists and their SQL.

The migrations that install policies and audit triggers call these builders with table
lists frozen in the migration; tests compare the database against the lists here, so a new
table that holds a user's data or needs auditing cannot be forgotten.
"""

from django.db.backends.utils import split_identifier

APPLICATION_ROLE = "application_role"  # the seed's name; row level security applies
STAFF_ROLE = "pika_staff"  # BYPASSRLS: staff tools, explicitly chosen per request

# The acting user of the current transaction, or NULL: policies then match nothing.
CURRENT_USER_ID = "nullif(current_setting('app.user_id', true), '')::uuid"

# Tables that hold one user's own data, and which rows are that user's. Tables reached
# through another (messages through tickets) rely on that table's own policy.
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

# The seed names these two policies; the others are <table>_isolation.
POLICY_NAMES = {
    '"users"."users"': "users_isolation",
    '"users"."user_preferences"': "user_preferences_policy",
}

# Columns whose values never reach the audit log: the log shows that they changed, not how.
REDACTED_COLUMNS = {
    '"users"."users"': ["password_hash"],
    '"users"."user_profiles"': ["phone_number", "phone_number_lookup"],
    '"payments"."payments"': ["account_reference", "account_reference_lookup"],
    '"files"."files"': ["private_metadata"],
    '"identity"."sessions"': ["refresh_token_hash"],
    '"identity"."one_time_tokens"': ["token_hash"],
    '"security"."api_keys"': ["key_hash"],
}

# Tables not audited row by row: logs of their own, append-only event streams, views.
UNAUDITED = {
    '"audit"."audit_logs"',
    '"security"."security_events"',
    '"analytics"."events"',
    '"analytics"."daily_voucher_stats"',
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


def audit_trigger_sql(table: str, redacted: list[str] = ()) -> str:
    """Attach the audit trigger to a table, passing the columns to redact."""
    arguments = ", ".join(f"'{column}'" for column in redacted)
    return f"""
        CREATE OR REPLACE TRIGGER audit_log_change
        AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION audit.log_change({arguments});
    """


def audit_trigger_drop_sql(table: str) -> str:
    """Undo `audit_trigger_sql`."""
    return f"DROP TRIGGER IF EXISTS audit_log_change ON {table};"


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
