"""Identities the web process vouches for: SQL run inside a request cannot impersonate.

The acting user, IP address and user agent are still transaction-local settings
(app.user_id, app.ip_address, app.user_agent), which any SQL may change. They count only
together with app.identity, an HMAC-SHA256 of them bound to this server process and this
transaction's start time, under a secret that the runtime roles cannot read
(security.identity_secret, installed from PIKA_IDENTITY_KEY by security.identity on every
migrate). security.current_user_id() and its siblings return the vouched values, or NULL.

The owner's own sessions (migrations, commands), which bypass row level security anyway,
are trusted unsigned while they have not switched to another role.
"""

from django.db import migrations

from pika.db.tables import schema_table

USERS = schema_table("users", "users")

FORWARD = f"""
CREATE TABLE security.identity_secret (
    id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    secret text NOT NULL CHECK (secret ~ '^[0-9a-f]{{64}}$')
);
COMMENT ON TABLE security.identity_secret IS
    'The key that vouches for request identities; readable by its owner alone.';
REVOKE ALL ON security.identity_secret FROM PUBLIC, application_role, pika_staff;

-- The transaction's binding: this backend and the microsecond this transaction started.
CREATE FUNCTION security.transaction_binding() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_catalog.pg_backend_pid()::text || E'\\n'
        || pg_catalog.floor(
            pg_catalog.date_part('epoch', pg_catalog.transaction_timestamp()) * 1000000
        )::bigint::text
$$;

CREATE FUNCTION security.vouched(claim text, proof text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(proof, '') <> '' AND proof = pg_catalog.encode(public.hmac(
        pg_catalog.convert_to(security.transaction_binding() || E'\\n' || claim, 'UTF8'),
        pg_catalog.decode((SELECT s.secret FROM security.identity_secret s), 'hex'),
        'sha256'
    ), 'hex')
$$;
COMMENT ON FUNCTION security.vouched(text, text) IS
    'Whether the web process signed this claim for this backend and transaction.';

CREATE FUNCTION security.current_identity(
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
    -- Inside a SECURITY DEFINER function current_user is the owner: the session is the
    -- owner's own (who bypasses row level security anyway) when it logged in as the owner
    -- and has not SET ROLE to a runtime role.
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
        ip_address := NULL;  -- an unsigned owner session's stray value: log no address
    END;
END
$$;
COMMENT ON FUNCTION security.current_identity() IS
    'The acting user, IP address and user agent the web process vouched for, else NULLs.';

CREATE FUNCTION security.current_user_id() RETURNS uuid
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (security.current_identity()).user_id
$$;

CREATE FUNCTION security.has_perm(perm text) RETURNS boolean
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
COMMENT ON FUNCTION security.has_perm(text) IS
    'Django''s has_perm for the vouched user: active, and superuser or granted (directly or by group).';

CREATE FUNCTION security.is_superuser() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT FROM {USERS} u
        WHERE u.id = security.current_user_id() AND u.is_active AND u.is_superuser
    )
$$;

CREATE FUNCTION security.is_business_staff(business uuid, roles text[] DEFAULT NULL)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (
        SELECT FROM business.staff_memberships m
        JOIN {USERS} u ON u.id = m.user_id
        WHERE m.business_id = business AND m.user_id = security.current_user_id()
            AND u.is_active AND (roles IS NULL OR m.role = ANY (roles))
    )
$$;
COMMENT ON FUNCTION security.is_business_staff(uuid, text[]) IS
    'Whether the vouched user works for the business (in one of the roles, when given).';

DROP FUNCTION users.login_lookup(text);
CREATE FUNCTION users.login_lookup(login_email text, proof text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT u.id FROM {USERS} u
    WHERE pg_catalog.lower(u.email) = pg_catalog.lower(login_email)
        AND security.vouched('login' || E'\\n' || login_email, proof)
$$;
COMMENT ON FUNCTION users.login_lookup(text, text) IS
    'The id of the user logging in, only for the email the web process vouched for.';
"""

# Called by the runtime roles (policies, the login, signing); vouched only inside these.
INTERNAL = ["security.vouched(text, text)"]
FUNCTIONS = [
    "security.transaction_binding()",
    "security.current_identity()",
    "security.current_user_id()",
    "security.has_perm(text)",
    "security.is_superuser()",
    "security.is_business_staff(uuid, text[])",
    "users.login_lookup(text, text)",
]
PRIVILEGES = "".join(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC;" for function in INTERNAL)
PRIVILEGES += "".join(
    f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC;"
    f"GRANT EXECUTE ON FUNCTION {function} TO application_role;"
    for function in FUNCTIONS
)

REVERSE = f"""
{"".join(f"DROP FUNCTION {function};" for function in reversed(INTERNAL + FUNCTIONS))}
DROP TABLE security.identity_secret;
CREATE FUNCTION users.login_lookup(login_email text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT id FROM {USERS} WHERE lower(email) = lower(login_email)
$$;
REVOKE ALL ON FUNCTION users.login_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION users.login_lookup(text) TO application_role;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0003_named_indexes"),
        ("users", "0005_named_indexes"),
        ("business", "0003_named_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(FORWARD + PRIVILEGES, reverse_sql=REVERSE),
    ]
