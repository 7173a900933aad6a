"""Audit trigger that cannot be hijacked, names only vouched identities and digests each row.

- No temporary objects for the runtime roles: a temporary type or table resolved inside a
  SECURITY DEFINER function runs the caller's code as the owner. TEMPORARY on the database
  goes to the owner alone (the database's name comes from the connection).
- audit.log_change pins ``search_path = pg_catalog, pg_temp`` and qualifies every type,
  function and table; the acting user, IP address and user agent come from
  security.current_identity(), so SQL run inside a request cannot make the log name
  someone else.
- Each row carries its SHA-256 (``row_hash``: audit.log_digest, set by a BEFORE INSERT
  trigger whoever inserts) for the chain that ``manage.py seal_audit_log`` builds
  (audit/chain.py); rows already logged are digested here.
- EXECUTE on the trigger functions is no longer granted to PUBLIC (triggers fire without it).
"""

from django.core.management.base import CommandError
from django.db import migrations, models

from pika.db.tables import schema_table

AUDIT_LOGS = schema_table("audit", "audit_logs")
RUNTIME_ROLES = ["application_role"]


def quoted(identifier: str) -> str:
    """A SQL identifier, quoted whatever it contains."""
    return '"' + identifier.replace('"', '""') + '"'


def temp_for_owner_only(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_database(), current_user,"
            " pg_has_role(current_user, datdba, 'USAGE')"
            " FROM pg_database WHERE datname = current_database()"
        )
        database, owner, owns = cursor.fetchone()
    statements = [
        f"REVOKE TEMPORARY ON DATABASE {quoted(database)} FROM PUBLIC, "
        + ", ".join(RUNTIME_ROLES),
        f"GRANT TEMPORARY ON DATABASE {quoted(database)} TO {quoted(owner)}",
    ]
    if not owns:
        raise CommandError(
            f"the role {owner} does not own the database {database} and cannot take "
            "temporary objects from the runtime roles; its owner must run: "
            + "; ".join(statements)
            + ";"
        )
    for statement in statements:
        schema_editor.execute(statement)


def temp_for_everyone(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    schema_editor.execute(f"GRANT TEMPORARY ON DATABASE {quoted(database)} TO PUBLIC")


# The encoding audit/chain.py's row_digest reproduces: each value as N (null) or
# S<octets>:<text>, in this order.
# No SET search_path (it would cost a configuration change per logged row): the function
# is not SECURITY DEFINER and qualifies every type and function it uses.
LOG_DIGEST = """
CREATE FUNCTION audit.log_digest(
    id pg_catalog.uuid,
    user_id pg_catalog.uuid,
    action pg_catalog.text,
    table_name pg_catalog.text,
    record_id pg_catalog.text,
    changes pg_catalog.jsonb,
    ip_address pg_catalog.inet,
    user_agent pg_catalog.text,
    logged_at pg_catalog.timestamptz
) RETURNS pg_catalog.bytea
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    encoded pg_catalog.text := '';
    value pg_catalog.text;
BEGIN
    FOREACH value IN ARRAY ARRAY[
        id::pg_catalog.text,
        user_id::pg_catalog.text,
        action,
        table_name,
        record_id,
        changes::pg_catalog.text,
        ip_address::pg_catalog.text,
        user_agent,
        (EXTRACT(epoch FROM logged_at) * 1000000)::pg_catalog.int8::pg_catalog.text
    ] LOOP
        encoded := encoded || CASE WHEN value IS NULL THEN 'N'
            ELSE 'S' || pg_catalog.octet_length(value) || ':' || value END;
    END LOOP;
    RETURN pg_catalog.sha256(pg_catalog.convert_to(encoded, 'UTF8'));
END
$$;
COMMENT ON FUNCTION audit.log_digest(
    pg_catalog.uuid, pg_catalog.uuid, pg_catalog.text, pg_catalog.text, pg_catalog.text,
    pg_catalog.jsonb, pg_catalog.inet, pg_catalog.text, pg_catalog.timestamptz
) IS 'SHA-256 of one audit log row (audit/chain.py computes the same).';
REVOKE ALL ON FUNCTION audit.log_digest(
    pg_catalog.uuid, pg_catalog.uuid, pg_catalog.text, pg_catalog.text, pg_catalog.text,
    pg_catalog.jsonb, pg_catalog.inet, pg_catalog.text, pg_catalog.timestamptz
) FROM PUBLIC;
"""

LOG_DIGEST_DROP = """
DROP FUNCTION audit.log_digest(
    pg_catalog.uuid, pg_catalog.uuid, pg_catalog.text, pg_catalog.text, pg_catalog.text,
    pg_catalog.jsonb, pg_catalog.inet, pg_catalog.text, pg_catalog.timestamptz
);
"""

# Rows logged before this migration: digested as they stand now.
BACKFILL = f"""
ALTER TABLE {AUDIT_LOGS} DISABLE TRIGGER audit_logs_append_only;
UPDATE {AUDIT_LOGS} SET row_hash = audit.log_digest(
    id, user_id, action, table_name, record_id, changes, ip_address, user_agent, timestamp
);
ALTER TABLE {AUDIT_LOGS} ENABLE TRIGGER audit_logs_append_only;
"""

LOG_CHANGE = f"""
CREATE OR REPLACE FUNCTION audit.log_change() RETURNS trigger
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

CREATE OR REPLACE FUNCTION audit.refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR NOT pg_catalog.pg_has_role(
        current_user, (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
        'USAGE'
    ) THEN
        RAISE EXCEPTION 'audit log rows are append-only (% refused for %)', TG_OP, current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_LEVEL = 'ROW' THEN OLD END;
END
$$;

-- Every row gets its digest, whoever writes it (the trigger above, or the owner's plain SQL).
CREATE FUNCTION audit.log_row_digest() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.row_hash := audit.log_digest(
        NEW.id, NEW.user_id, NEW.action, NEW.table_name, NEW.record_id, NEW.changes,
        NEW.ip_address, NEW.user_agent, NEW.timestamp
    );
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_logs_digest BEFORE INSERT ON {AUDIT_LOGS}
FOR EACH ROW EXECUTE FUNCTION audit.log_row_digest();

REVOKE ALL ON FUNCTION audit.log_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.log_row_digest() FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.refuse_rewrite() FROM PUBLIC;
"""

# Frozen copies of the functions as audit.0002 installed them.
LOG_CHANGE_BEFORE = f"""
DROP TRIGGER IF EXISTS audit_logs_digest ON {AUDIT_LOGS};
DROP FUNCTION IF EXISTS audit.log_row_digest();
CREATE OR REPLACE FUNCTION audit.log_change() RETURNS trigger
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

CREATE OR REPLACE FUNCTION audit.refuse_rewrite() RETURNS trigger
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
ALTER FUNCTION audit.refuse_rewrite() RESET search_path;

GRANT EXECUTE ON FUNCTION audit.log_change() TO PUBLIC;
GRANT EXECUTE ON FUNCTION audit.refuse_rewrite() TO PUBLIC;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_history"),
        ("security", "0004_signed_identity"),
    ]

    operations = [
        migrations.RunPython(temp_for_owner_only, temp_for_everyone),
        migrations.AddField(
            model_name="auditlog",
            name="row_hash",
            field=models.BinaryField(
                editable=False,
                null=True,
                help_text="SHA-256 of the row as the database wrote it (audit.chain).",
            ),
        ),
        migrations.RunSQL(LOG_DIGEST, reverse_sql=LOG_DIGEST_DROP),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="auditlog",
            name="row_hash",
            field=models.BinaryField(
                editable=False,
                help_text="SHA-256 of the row as the database wrote it (audit.chain).",
            ),
        ),
        # Not undone: putting back a function that cannot run serves nobody.
        migrations.RunSQL(LOG_CHANGE, reverse_sql=LOG_CHANGE_BEFORE),
    ]
