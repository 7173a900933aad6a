"""The identity and permission checks in PL/pgSQL, so that a query pays microseconds for them.

Measured as application_role (README, "Benchmarks"): the checks cost 0.6-7 ms per call, and
not for the signature. ``security.has_perm`` and its siblings were SQL functions that
PostgreSQL cannot inline (SECURITY DEFINER, a pinned search_path): it parses and plans
their bodies again on every call (a 6-table permission query: 2-7 ms of planning to run a
0.25 ms query), and every call went down three more such layers (current_user_id,
vouched, transaction_binding), each planned anew, to verify the signature once more.

PL/pgSQL keeps each statement's plan for the session. The functions keep their names,
arguments, SECURITY DEFINER, pinned search_path, owners and EXECUTE grants (CREATE OR
REPLACE keeps the ACL); they verify the same HMAC under the same key on every call, so
nothing about what SQL in a request can do changes. Besides:

- ``security.vouched`` fails closed (false, not NULL) when the key is missing;
- they stay PARALLEL UNSAFE: ``current_identity`` parses the address in a block with an
  exception handler, a subtransaction, which PostgreSQL refuses in a parallel query even in
  its leader ("cannot start subtransactions during a parallel operation");
- ``has_perm`` looks the permission up once through the unique indexes (content type by
  app label, permission by content type and codename) and then the user's grant directly
  or through a group, for the vouched user only (no user row, no permission: false).

The signature is still verified on every call (about 30 µs with the HMAC, planned once). A
per-transaction cache of the verified identity was weighed and left out: a table the web
cannot write would need a write per request, giving every read-only request a transaction
id (and failing in READ ONLY transactions and on a standby), to save microseconds; and a
setting, the only per-transaction state with no write, is one the web can set.
"""

from django.db import migrations

from pika.db.tables import schema_table

USERS = schema_table("users", "users")

HEADER = "SECURITY DEFINER PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp"

FORWARD = f"""
CREATE OR REPLACE FUNCTION security.transaction_binding() RETURNS text
LANGUAGE sql STABLE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.pg_backend_pid()::text || E'\\n'
        || pg_catalog.floor(
            pg_catalog.date_part('epoch', pg_catalog.transaction_timestamp()) * 1000000
        )::bigint::text
$$;

CREATE OR REPLACE FUNCTION security.vouched(claim text, proof text) RETURNS boolean
LANGUAGE plpgsql STABLE {HEADER} AS $$
DECLARE
    key bytea;
BEGIN
    IF coalesce(proof, '') = '' THEN
        RETURN false;
    END IF;
    SELECT pg_catalog.decode(s.secret, 'hex') INTO key FROM security.identity_secret s;
    -- The binding of security.transaction_binding(), inline: one expression, planned once.
    RETURN coalesce(proof = pg_catalog.encode(public.hmac(
        pg_catalog.convert_to(
            pg_catalog.pg_backend_pid()::text || E'\\n'
            || pg_catalog.floor(
                pg_catalog.date_part('epoch', pg_catalog.transaction_timestamp()) * 1000000
            )::bigint::text
            || E'\\n' || claim,
            'UTF8'
        ),
        key,
        'sha256'
    ), 'hex'), false);
END
$$;

CREATE OR REPLACE FUNCTION security.current_identity(
    OUT user_id uuid, OUT ip_address inet, OUT user_agent text
)
LANGUAGE plpgsql STABLE {HEADER} AS $$
DECLARE
    raw_user text := coalesce(pg_catalog.current_setting('app.user_id', true), '');
    raw_ip text := coalesce(pg_catalog.current_setting('app.ip_address', true), '');
    raw_agent text := coalesce(pg_catalog.current_setting('app.user_agent', true), '');
BEGIN
    -- Inside a SECURITY DEFINER function current_user is the owner: the session is the
    -- owner's own (who bypasses row level security anyway) when it logged in as the owner
    -- and has not SET ROLE to a runtime role.
    IF NOT security.vouched(
        raw_user || E'\\n' || raw_ip || E'\\n' || raw_agent,
        pg_catalog.current_setting('app.identity', true)
    ) AND NOT (
        session_user = current_user AND pg_catalog.current_setting('role') = 'none'
    ) THEN
        RETURN;
    END IF;
    user_id := NULLIF(raw_user, '')::pg_catalog.uuid;
    user_agent := NULLIF(raw_agent, '');
    IF raw_ip <> '' THEN
        BEGIN
            ip_address := raw_ip::pg_catalog.inet;
        EXCEPTION WHEN invalid_text_representation THEN
            ip_address := NULL;  -- an unsigned owner session's stray value: log no address
        END;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION security.current_user_id() RETURNS uuid
LANGUAGE plpgsql STABLE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN (security.current_identity()).user_id;
END
$$;

CREATE OR REPLACE FUNCTION security.has_perm(perm text) RETURNS boolean
LANGUAGE plpgsql STABLE {HEADER} AS $$
DECLARE
    me uuid := security.current_user_id();
BEGIN
    IF me IS NULL THEN
        RETURN false;
    END IF;
    RETURN EXISTS (
        SELECT FROM {USERS} u
        WHERE u.id = me AND u.is_active AND (
            u.is_superuser
            OR EXISTS (
                SELECT FROM public.django_content_type ct
                JOIN public.auth_permission p ON p.content_type_id = ct.id
                WHERE ct.app_label = pg_catalog.split_part(perm, '.', 1)
                    AND p.codename = pg_catalog.split_part(perm, '.', 2)
                    AND (
                        EXISTS (
                            SELECT FROM users.user_permissions up
                            WHERE up.user_id = me AND up.permission_id = p.id
                        )
                        OR EXISTS (
                            SELECT FROM users.user_groups ug
                            JOIN public.auth_group_permissions gp ON gp.group_id = ug.group_id
                            WHERE ug.user_id = me AND gp.permission_id = p.id
                        )
                    )
            )
        )
    );
END
$$;

CREATE OR REPLACE FUNCTION security.is_superuser() RETURNS boolean
LANGUAGE plpgsql STABLE {HEADER} AS $$
DECLARE
    me uuid := security.current_user_id();
BEGIN
    RETURN me IS NOT NULL AND EXISTS (
        SELECT FROM {USERS} u WHERE u.id = me AND u.is_active AND u.is_superuser
    );
END
$$;

CREATE OR REPLACE FUNCTION security.is_business_staff(business uuid, roles text[] DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql STABLE {HEADER} AS $$
DECLARE
    me uuid := security.current_user_id();
BEGIN
    RETURN me IS NOT NULL AND EXISTS (
        SELECT FROM business.staff_memberships m
        JOIN {USERS} u ON u.id = m.user_id
        WHERE m.business_id = business AND m.user_id = me
            AND u.is_active AND (roles IS NULL OR m.role = ANY (roles))
    );
END
$$;
"""

# security.0004's definitions, restored as they were (CREATE OR REPLACE keeps the grants).
REVERSE = f"""
CREATE OR REPLACE FUNCTION security.transaction_binding() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.pg_backend_pid()::text || E'\\n'
        || pg_catalog.floor(
            pg_catalog.date_part('epoch', pg_catalog.transaction_timestamp()) * 1000000
        )::bigint::text
$$;

CREATE OR REPLACE FUNCTION security.vouched(claim text, proof text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(proof, '') <> '' AND proof = pg_catalog.encode(public.hmac(
        pg_catalog.convert_to(security.transaction_binding() || E'\\n' || claim, 'UTF8'),
        pg_catalog.decode((SELECT s.secret FROM security.identity_secret s), 'hex'),
        'sha256'
    ), 'hex')
$$;

CREATE OR REPLACE FUNCTION security.current_identity(
    OUT user_id uuid, OUT ip_address inet, OUT user_agent text
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    raw_user text := coalesce(pg_catalog.current_setting('app.user_id', true), '');
    raw_ip text := coalesce(pg_catalog.current_setting('app.ip_address', true), '');
    raw_agent text := coalesce(pg_catalog.current_setting('app.user_agent', true), '');
    signed boolean := security.vouched(
        raw_user || E'\\n' || raw_ip || E'\\n' || raw_agent,
        pg_catalog.current_setting('app.identity', true)
    );
BEGIN
    IF NOT signed AND NOT (
        session_user = current_user AND pg_catalog.current_setting('role') = 'none'
    ) THEN
        RETURN;
    END IF;
    user_id := NULLIF(raw_user, '')::pg_catalog.uuid;
    user_agent := NULLIF(raw_agent, '');
    BEGIN
        ip_address := NULLIF(raw_ip, '')::pg_catalog.inet;
    EXCEPTION WHEN invalid_text_representation THEN
        ip_address := NULL;
    END;
END
$$;

CREATE OR REPLACE FUNCTION security.current_user_id() RETURNS uuid
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (security.current_identity()).user_id
$$;

CREATE OR REPLACE FUNCTION security.has_perm(perm text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT FROM {USERS} u
        WHERE u.id = security.current_user_id() AND u.is_active AND (
            u.is_superuser
            OR EXISTS (
                SELECT FROM users.user_permissions up
                JOIN public.auth_permission p ON p.id = up.permission_id
                JOIN public.django_content_type ct ON ct.id = p.content_type_id
                WHERE up.user_id = u.id
                    AND ct.app_label = pg_catalog.split_part(perm, '.', 1)
                    AND p.codename = pg_catalog.split_part(perm, '.', 2)
            )
            OR EXISTS (
                SELECT FROM users.user_groups ug
                JOIN public.auth_group_permissions gp ON gp.group_id = ug.group_id
                JOIN public.auth_permission p ON p.id = gp.permission_id
                JOIN public.django_content_type ct ON ct.id = p.content_type_id
                WHERE ug.user_id = u.id
                    AND ct.app_label = pg_catalog.split_part(perm, '.', 1)
                    AND p.codename = pg_catalog.split_part(perm, '.', 2)
            )
        )
    )
$$;

CREATE OR REPLACE FUNCTION security.is_superuser() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT FROM {USERS} u
        WHERE u.id = security.current_user_id() AND u.is_active AND u.is_superuser
    )
$$;

CREATE OR REPLACE FUNCTION security.is_business_staff(business uuid, roles text[] DEFAULT NULL)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT FROM business.staff_memberships m
        JOIN {USERS} u ON u.id = m.user_id
        WHERE m.business_id = business AND m.user_id = security.current_user_id()
            AND u.is_active AND (roles IS NULL OR m.role = ANY (roles))
    )
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0007_voucher_texts_search_and_api_tokens"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql=REVERSE),
    ]
