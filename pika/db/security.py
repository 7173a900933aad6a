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
# data the database derives from audited rows (search documents, public locations, the
# redemption slices that count the audited ledger).
UNAUDITED = {
    '"marketplace"."voucher_search_documents"',
    '"marketplace"."voucher_redemption_slices"',
    '"business"."public_locations"',
    '"audit"."audit_logs"',
    '"security"."security_events"',
    '"analytics"."events"',
    '"analytics"."daily_voucher_stats"',
}


# The audit triggers of a table: statement-level, one per event (PostgreSQL allows transition
# tables on a trigger of a single event only), each writing a statement's changed rows in one
# INSERT … SELECT (audit.log_changes, migration audit.0009).
AUDIT_TRIGGERS = {
    "audit_log_insert": ("INSERT", "NEW TABLE AS new_rows"),
    "audit_log_update": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    "audit_log_delete": ("DELETE", "OLD TABLE AS old_rows"),
}


def _arguments(redacted) -> str:
    return ", ".join(f"'{column}'" for column in redacted)


def audit_trigger_sql(table: str, redacted: list[str] = ()) -> str:
    """Attach the audit triggers to a table, passing the columns to redact."""
    return "".join(
        f"""
        CREATE OR REPLACE TRIGGER {name}
        AFTER {event} ON {table} REFERENCING {transition}
        FOR EACH STATEMENT EXECUTE FUNCTION audit.log_changes({_arguments(redacted)});
        """
        for name, (event, transition) in AUDIT_TRIGGERS.items()
    )


def audit_trigger_drop_sql(table: str) -> str:
    """Undo `audit_trigger_sql`."""
    return "".join(f"DROP TRIGGER IF EXISTS {name} ON {table};" for name in AUDIT_TRIGGERS)


def audit_row_trigger_sql(table: str, redacted: list[str] = ()) -> str:
    """The row-level audit trigger of audit.0002 to audit.0008 (audit.log_change, one INSERT
    per row); for the migrations written before audit.0009 and for going back past it."""
    return f"""
        CREATE OR REPLACE TRIGGER audit_log_change
        AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION audit.log_change({_arguments(redacted)});
    """


def audit_row_trigger_drop_sql(table: str) -> str:
    """Undo `audit_row_trigger_sql`."""
    return f"DROP TRIGGER IF EXISTS audit_log_change ON {table};"
