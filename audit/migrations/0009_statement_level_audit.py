"""The audit trail set-based: one INSERT … SELECT per statement instead of one per row.

- audit.log_changes, the trigger function of three statement-level AFTER triggers per
  audited table (``audit_log_insert``, ``audit_log_update``, ``audit_log_delete``: PostgreSQL
  allows transition tables on a trigger of a single event only), writes one audit row per
  changed row from the statement's transition tables (``old_rows``, ``new_rows``). The same
  rows as the row-level ``audit.log_change`` it replaces: the whole row for an INSERT or a
  DELETE, only the changed columns of an UPDATE (a row whose values did not change writes
  nothing), the same redacted columns, the actor that ``security.current_identity()``
  vouches for, the time of each row from the clock, and the row digest of audit.0004 from
  the same ``audit.log_digest``. What a statement of many rows saves: the identity check (an
  HMAC) once per statement instead of once per row, one trigger call, one plan execution
  and one digest-trigger call (the log's trigger now fires only for rows written without
  their digest) instead of one each per row.
- An UPDATE of many rows pairs each row's old and new versions by their position in the two
  transition tables: PostgreSQL appends both versions of each updated row in the same call,
  so the n-th old row is the n-th new row's previous version, even when the UPDATE changes
  the primary key. The pairing is a FULL JOIN, which PostgreSQL can only run as a hash or
  merge join: never a nested loop, whatever the row counts its cached plan was made for (a
  nested loop over a million rows would be quadratic), and no version of either side can be
  dropped. An UPDATE of one row (a request's save) has a plan of its own with nothing to
  pair, so that the plan cached for bulk updates never slows the hot path down, and one of
  no row returns before any work.
- Reversible: back to the row-level ``audit.log_change`` of audit.0004 (frozen below) and the
  digest trigger for every row.
"""

from django.db import migrations

from pika.db.security import (
    audit_row_trigger_drop_sql,
    audit_row_trigger_sql,
    audit_trigger_drop_sql,
    audit_trigger_sql,
)
from pika.db.tables import schema_table

AUDIT_LOGS = schema_table("audit", "audit_logs")

# Frozen here: the tables audit.0002 and audit.0005 gave the row-level trigger, each with the
# columns it redacts (REDACTED_COLUMNS in pika/db/security.py; a test compares them).
AUDITED = {
    '"business"."businesses"': [],
    '"business"."opening_hours"': [],
    '"business"."photos"': [],
    '"business"."staff_memberships"': [],
    '"catalog"."categories"': [],
    '"catalog"."offerings"': [],
    '"files"."files"': ["private_metadata"],
    '"i18n"."languages"': [],
    '"i18n"."translations"': [],
    '"identity"."external_identities"': [],
    '"identity"."one_time_tokens"': ["token_hash"],
    '"identity"."sessions"': ["refresh_token_hash"],
    '"marketplace"."redemptions"': [],
    '"marketplace"."saved_vouchers"': [],
    '"marketplace"."voucher_codes"': [],
    '"marketplace"."vouchers"': [],
    '"payments"."payments"': ["account_reference", "account_reference_lookup"],
    '"payments"."refunds"': [],
    '"security"."api_keys"': ["key_hash"],
    '"security"."permissions"': [],
    '"security"."role_assignments"': [],
    '"security"."roles"': [],
    '"support"."ticket_attachments"': [],
    '"support"."ticket_messages"': [],
    '"support"."tickets"': [],
    '"users"."addresses"': [],
    '"users"."user_preferences"': [],
    '"users"."user_profiles"': ["phone_number", "phone_number_lookup"],
    '"users"."users"': ["password_hash"],
    '"users"."user_permissions"': [],
    '"users"."user_groups"': [],
    '"security"."role_permissions"': [],
    '"public"."auth_group_permissions"': [],
}


def log_insert_select(action: str, record: str, rows: str) -> str:
    """The one INSERT … SELECT of a statement: ``rows`` yields each changed ``record`` (the
    row as jsonb) and its ``d.changes``.

    Each audit row gets its id and time here, per row, so that its digest covers them; the
    actor is the statement's (plpgsql variables, looked up once).
    """
    return f"""
        INSERT INTO {AUDIT_LOGS} (
            id, user_id, action, table_name, record_id, changes, ip_address, user_agent,
            timestamp, row_hash
        )
        SELECT l.id, actor, '{action}', source, l.record_id, l.changes, actor_ip, actor_agent,
            l.logged_at, audit.log_digest(
                l.id, actor, '{action}', source, l.record_id, l.changes, actor_ip, actor_agent,
                l.logged_at
            )
        FROM (
            SELECT public.uuid_generate_v7() AS id, pg_catalog.clock_timestamp() AS logged_at,
                {record} ->> 'id' AS record_id, d.changes
            FROM {rows}
        ) AS l;"""


# Each value becomes {"new": …} / {"old": …} / {"old": …, "new": …}; a redacted column
# shows only that it was there or changed. Each row becomes jsonb once: OFFSET 0 keeps the
# planner from folding ``to_jsonb(r)`` into every place that reads the record (once per
# column otherwise). The changes are a LATERAL join, not a column's sub-select, so that
# filtering on them does not compute them twice.
INSERTED = log_insert_select(
    "INSERT",
    "n.record",
    """(SELECT pg_catalog.to_jsonb(r) FROM new_rows AS r OFFSET 0) AS n (record)
            CROSS JOIN LATERAL (
                SELECT pg_catalog.jsonb_object_agg(e.key, CASE WHEN e.key = ANY (redacted)
                    THEN '{"new": "[redacted]"}'::pg_catalog.jsonb
                    ELSE pg_catalog.jsonb_build_object('new', e.value) END)
                FROM pg_catalog.jsonb_each(n.record) AS e
            ) AS d (changes)""",
)

DELETED = log_insert_select(
    "DELETE",
    "o.record",
    """(SELECT pg_catalog.to_jsonb(r) FROM old_rows AS r OFFSET 0) AS o (record)
            CROSS JOIN LATERAL (
                SELECT pg_catalog.jsonb_object_agg(e.key, CASE WHEN e.key = ANY (redacted)
                    THEN '{"old": "[redacted]"}'::pg_catalog.jsonb
                    ELSE pg_catalog.jsonb_build_object('old', e.value) END)
                FROM pg_catalog.jsonb_each(o.record) AS e
            ) AS d (changes)""",
)

# Only the columns whose values differ; a row without any writes nothing.
UPDATE_DIFF = """
            CROSS JOIN LATERAL (
                SELECT pg_catalog.jsonb_object_agg(k.key, CASE WHEN k.key = ANY (redacted)
                    THEN '{"old": "[redacted]", "new": "[redacted]"}'::pg_catalog.jsonb
                    ELSE pg_catalog.jsonb_build_object(
                        'old', o.record -> k.key, 'new', n.record -> k.key
                    ) END)
                FROM pg_catalog.jsonb_object_keys(coalesce(n.record, o.record)) AS k (key)
                WHERE n.record -> k.key IS DISTINCT FROM o.record -> k.key
            ) AS d (changes)
            WHERE d.changes IS NOT NULL"""

# One row (a request's save): its two versions, nothing to pair.
UPDATED_ONE = log_insert_select(
    "UPDATE",
    "n.record",
    """(SELECT pg_catalog.to_jsonb(r) FROM new_rows AS r OFFSET 0) AS n (record)
            CROSS JOIN (SELECT pg_catalog.to_jsonb(r) FROM old_rows AS r OFFSET 0) AS o (record)"""
    + UPDATE_DIFF,
)

# Many rows: each old version paired with its new one by position (see the docstring).
UPDATED_MANY = log_insert_select(
    "UPDATE",
    "coalesce(n.record, o.record)",
    """(
                SELECT pg_catalog.row_number() OVER (), pg_catalog.to_jsonb(r) FROM new_rows AS r
            ) AS n (position, record)
            FULL JOIN (
                SELECT pg_catalog.row_number() OVER (), pg_catalog.to_jsonb(r) FROM old_rows AS r
            ) AS o (position, record) ON o.position = n.position"""
    + UPDATE_DIFF,
)

LOG_CHANGES = f"""
CREATE FUNCTION audit.log_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    redacted pg_catalog.text[] := coalesce(TG_ARGV, '{{}}'::pg_catalog.text[]);
    source pg_catalog.text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    actor pg_catalog.uuid;
    actor_ip pg_catalog.inet;
    actor_agent pg_catalog.text;
    updated pg_catalog.int8;
BEGIN
    IF TG_OP = 'UPDATE' THEN  -- none, one or more: each has a plan of its own
        SELECT pg_catalog.count(*) INTO updated FROM (SELECT FROM new_rows LIMIT 2) AS r;
        IF updated = 0 THEN
            RETURN NULL;
        END IF;
    END IF;
    -- Only what the web process vouched for: raw settings are anyone's to change.
    SELECT i.user_id, i.ip_address, i.user_agent INTO actor, actor_ip, actor_agent
    FROM security.current_identity() AS i;
    -- One branch per event: a transition table exists only for the events that have it.
    IF TG_OP = 'INSERT' THEN{INSERTED}
    ELSIF TG_OP = 'DELETE' THEN{DELETED}
    ELSIF updated = 1 THEN{UPDATED_ONE}
    ELSE{UPDATED_MANY}
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION audit.log_changes() IS
    'Writes one audit.audit_logs row per changed row of a statement (transition tables); '
    'arguments name columns to redact.';
REVOKE ALL ON FUNCTION audit.log_changes() FROM PUBLIC;
"""

# Rows that arrive with their digest (audit.log_changes computes it in its INSERT … SELECT)
# skip the trigger; every other writer's rows get it here, as before.
DIGEST_WHEN_MISSING = f"""
DROP TRIGGER audit_logs_digest ON {AUDIT_LOGS};
CREATE TRIGGER audit_logs_digest BEFORE INSERT ON {AUDIT_LOGS}
FOR EACH ROW WHEN (NEW.row_hash IS NULL) EXECUTE FUNCTION audit.log_row_digest();
"""
DIGEST_ALWAYS = f"""
DROP TRIGGER audit_logs_digest ON {AUDIT_LOGS};
CREATE TRIGGER audit_logs_digest BEFORE INSERT ON {AUDIT_LOGS}
FOR EACH ROW EXECUTE FUNCTION audit.log_row_digest();
"""

# Frozen copy of the row-level function as audit.0004 left it, for going back.
LOG_CHANGE = f"""
CREATE FUNCTION audit.log_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    old_row pg_catalog.jsonb := CASE WHEN TG_OP <> 'INSERT' THEN pg_catalog.to_jsonb(OLD) END;
    new_row pg_catalog.jsonb := CASE WHEN TG_OP <> 'DELETE' THEN pg_catalog.to_jsonb(NEW) END;
    changes pg_catalog.jsonb;
    redacted pg_catalog.text;
    actor pg_catalog.uuid;
    actor_ip pg_catalog.inet;
    actor_agent pg_catalog.text;
BEGIN
    SELECT pg_catalog.jsonb_object_agg(
        coalesce(n.key, o.key),
        CASE TG_OP
            WHEN 'INSERT' THEN pg_catalog.jsonb_build_object('new', n.value)
            WHEN 'DELETE' THEN pg_catalog.jsonb_build_object('old', o.value)
            ELSE pg_catalog.jsonb_build_object('old', o.value, 'new', n.value)
        END
    )
    INTO changes
    FROM pg_catalog.jsonb_each(coalesce(new_row, '{{}}'::pg_catalog.jsonb)) AS n
    FULL JOIN pg_catalog.jsonb_each(coalesce(old_row, '{{}}'::pg_catalog.jsonb)) AS o
        ON o.key = n.key
    WHERE TG_OP <> 'UPDATE' OR n.value IS DISTINCT FROM o.value;

    IF TG_OP = 'UPDATE' AND changes IS NULL THEN
        RETURN NULL;  -- nothing changed: nothing to log
    END IF;

    -- Secrets: record that they changed, never their values.
    FOREACH redacted IN ARRAY coalesce(TG_ARGV, '{{}}'::pg_catalog.text[]) LOOP
        IF pg_catalog.jsonb_exists(changes, redacted) THEN
            changes := pg_catalog.jsonb_set(changes, ARRAY[redacted], (
                SELECT pg_catalog.jsonb_object_agg(side, '"[redacted]"'::pg_catalog.jsonb)
                FROM pg_catalog.jsonb_object_keys(changes -> redacted) AS side
            ));
        END IF;
    END LOOP;

    -- Only what the web process vouched for: raw settings are anyone's to change.
    SELECT i.user_id, i.ip_address, i.user_agent INTO actor, actor_ip, actor_agent
    FROM security.current_identity() AS i;

    INSERT INTO {AUDIT_LOGS} (
        id, user_id, action, table_name, record_id, changes, ip_address, user_agent, timestamp
    ) VALUES (
        public.uuid_generate_v7(), actor, TG_OP, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
        coalesce(new_row ->> 'id', old_row ->> 'id'), changes, actor_ip, actor_agent,
        pg_catalog.clock_timestamp()
    );
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION audit.log_change() IS
    'Writes one audit.audit_logs row per changed row; arguments name columns to redact.';
REVOKE ALL ON FUNCTION audit.log_change() FROM PUBLIC;
"""

FORWARD = (
    LOG_CHANGES
    + DIGEST_WHEN_MISSING
    + "".join(
        audit_row_trigger_drop_sql(table) + audit_trigger_sql(table, redacted)
        for table, redacted in AUDITED.items()
    )
    + "DROP FUNCTION audit.log_change();"
)

BACKWARD = (
    LOG_CHANGE
    + DIGEST_ALWAYS
    + "".join(
        audit_trigger_drop_sql(table) + audit_row_trigger_sql(table, redacted)
        for table, redacted in AUDITED.items()
    )
    + "DROP FUNCTION audit.log_changes();"
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0008_history_currency_and_search_config"),
    ]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)]
