"""The runtime role and the audit trail: the declared lists and their SQL.

What the runtime role may reach, table by table, is declared in each app's ``access.py``
(see pika/db/access.py). The migrations that install audit triggers call these builders
with table lists frozen in the migration; tests compare the database against the lists
here, so a table that needs auditing cannot be forgotten.
"""

APPLICATION_ROLE = "application_role"  # the seed's name; row level security applies
# Staff tools' bypass role until security.0005, which took its privileges and its bypass;
# named here for the migrations written before.
STAFF_ROLE = "pika_staff"

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

# Tables not audited row by row: logs of their own, append-only event streams, views, and
# data the database derives from audited rows (search documents, public locations).
UNAUDITED = {
    '"marketplace"."voucher_search_documents"',
    '"business"."public_locations"',
    '"audit"."audit_logs"',
    '"security"."security_events"',
    '"analytics"."events"',
    '"analytics"."daily_voucher_stats"',
}


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
