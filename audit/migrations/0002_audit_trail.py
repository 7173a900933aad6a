"""The compliance log, written by the database: triggers on every audited table.

Raw SQL, QuerySet.update() and bulk writes are captured like ORM saves. The acting user,
IP address and user agent come from the transaction-local settings app.user_id,
app.ip_address and app.user_agent (pika.db.context sets them). The log is append-only:
UPDATE is refused to everyone, DELETE and TRUNCATE to all but the table's owner (archiving).
"""

from django.db import migrations

from pika.db.security import (
    APPLICATION_ROLE,
    STAFF_ROLE,
    audit_row_trigger_drop_sql,
    audit_row_trigger_sql,
)
from pika.db.tables import schema_table

AUDIT_LOGS = schema_table("audit", "audit_logs")

# Frozen here: a later table gets its trigger in a later migration (a test insists).
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
}

FUNCTIONS = f"""
CREATE FUNCTION audit.log_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    changes jsonb;
    redacted text;
BEGIN
    SELECT jsonb_object_agg(
        coalesce(n.key, o.key),
        CASE TG_OP
            WHEN 'INSERT' THEN jsonb_build_object('new', n.value)
            WHEN 'DELETE' THEN jsonb_build_object('old', o.value)
            ELSE jsonb_build_object('old', o.value, 'new', n.value)
        END
    )
    INTO changes
    FROM jsonb_each(coalesce(new_row, '{{}}')) AS n
    FULL JOIN jsonb_each(coalesce(old_row, '{{}}')) AS o ON o.key = n.key
    WHERE TG_OP <> 'UPDATE' OR n.value IS DISTINCT FROM o.value;

    IF TG_OP = 'UPDATE' AND changes IS NULL THEN
        RETURN NULL;  -- nothing changed: nothing to log
    END IF;

    -- Secrets: record that they changed, never their values.
    FOREACH redacted IN ARRAY coalesce(TG_ARGV, '{{}}'::text[]) LOOP
        IF changes ? redacted THEN
            changes := jsonb_set(changes, ARRAY[redacted], (
                SELECT jsonb_object_agg(side, '"[redacted]"'::jsonb)
                FROM jsonb_object_keys(changes -> redacted) AS side
            ));
        END IF;
    END LOOP;

    INSERT INTO {AUDIT_LOGS}
        (id, user_id, action, table_name, record_id, changes, ip_address, user_agent, timestamp)
    VALUES (
        public.uuid_generate_v7(),
        nullif(current_setting('app.user_id', true), '')::uuid,
        TG_OP,
        TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
        coalesce(new_row ->> 'id', old_row ->> 'id'),
        changes,
        nullif(current_setting('app.ip_address', true), '')::inet,
        nullif(current_setting('app.user_agent', true), ''),
        clock_timestamp()
    );
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION audit.log_change() IS
    'Writes one audit.audit_logs row per changed row; arguments name columns to redact.';

CREATE FUNCTION audit.refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR NOT pg_has_role(
        current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE'
    ) THEN
        RAISE EXCEPTION 'audit log rows are append-only (% refused for %)', TG_OP, current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_LEVEL = 'ROW' THEN OLD END;
END
$$;

CREATE TRIGGER audit_logs_append_only
BEFORE UPDATE OR DELETE ON {AUDIT_LOGS}
FOR EACH ROW EXECUTE FUNCTION audit.refuse_rewrite();
CREATE TRIGGER audit_logs_no_truncate
BEFORE TRUNCATE ON {AUDIT_LOGS}
FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_rewrite();

REVOKE ALL ON {AUDIT_LOGS} FROM PUBLIC;
GRANT USAGE ON SCHEMA audit TO {APPLICATION_ROLE}, {STAFF_ROLE};
-- Appending through the ORM reads back the database defaults (RETURNING id, timestamp):
-- those two columns only, never what the log says.
GRANT INSERT, SELECT (id, timestamp) ON {AUDIT_LOGS} TO {APPLICATION_ROLE};
GRANT SELECT, INSERT ON {AUDIT_LOGS} TO {STAFF_ROLE};
-- History tables (created later in this schema): appended by the application, read by staff.
ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT INSERT ON TABLES TO {APPLICATION_ROLE};
ALTER DEFAULT PRIVILEGES IN SCHEMA audit GRANT SELECT, INSERT ON TABLES TO {STAFF_ROLE};
"""

FUNCTIONS_DROP = f"""
ALTER DEFAULT PRIVILEGES IN SCHEMA audit REVOKE INSERT ON TABLES FROM {APPLICATION_ROLE};
ALTER DEFAULT PRIVILEGES IN SCHEMA audit REVOKE SELECT, INSERT ON TABLES FROM {STAFF_ROLE};
REVOKE USAGE ON SCHEMA audit FROM {APPLICATION_ROLE}, {STAFF_ROLE};
DROP TRIGGER IF EXISTS audit_logs_no_truncate ON {AUDIT_LOGS};
DROP TRIGGER IF EXISTS audit_logs_append_only ON {AUDIT_LOGS};
DROP FUNCTION IF EXISTS audit.refuse_rewrite();
DROP FUNCTION IF EXISTS audit.log_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("business", "0002_businessphoto_openinghours_staffmembership_and_more"),
        ("catalog", "0002_offering"),
        ("files", "0001_initial"),
        ("i18n", "0002_language_fallback_and_more"),
        ("identity", "0001_initial"),
        ("marketplace", "0002_vouchercode_redemption_savedvoucher_and_more"),
        ("payments", "0002_refund_totals"),
        ("security", "0001_initial"),
        ("support", "0001_initial"),
        ("users", "0003_password_hash_field"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, reverse_sql=FUNCTIONS_DROP),
        migrations.RunSQL(
            "".join(audit_row_trigger_sql(table, redacted) for table, redacted in AUDITED.items()),
            reverse_sql="".join(audit_row_trigger_drop_sql(table) for table in AUDITED),
        ),
    ]
