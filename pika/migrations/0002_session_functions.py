"""Sessions only through their key: SQL functions by key hash, no table privileges for requests.

pika.sessions.SessionStore stores sha256 of each session key and calls these SECURITY
DEFINER functions (owned by the migrating owner role), each taking that hash. The runtime
roles lose every privilege on public.django_session, so a request's SQL cannot list, read,
change or delete other sessions. The role names and SQL are frozen here.

Existing sessions are deleted both ways: their keys are stored raw (forwards) or hashed
(backwards), which the other session engine cannot find. Everyone logs in again.
"""

from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION public.session_load(key_hash pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT s.session_data FROM public.django_session AS s
    WHERE s.session_key = key_hash AND s.expire_date > pg_catalog.now()
$$;

CREATE FUNCTION public.session_exists(key_hash pg_catalog.text) RETURNS pg_catalog.bool
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT FROM public.django_session AS s WHERE s.session_key = key_hash)
$$;

-- False when the key is taken, expired or not: Django's save(must_create=True) then
-- draws another key.
CREATE FUNCTION public.session_create(
    key_hash pg_catalog.text, data pg_catalog.text, expires pg_catalog.timestamptz
) RETURNS pg_catalog.bool
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH created AS (
        INSERT INTO public.django_session AS s (session_key, session_data, expire_date)
        VALUES (key_hash, data, expires)
        ON CONFLICT (session_key) DO NOTHING
        RETURNING s.session_key
    )
    SELECT pg_catalog.count(*) = 1 FROM created
$$;

-- False when no session has the key (deleted meanwhile): Django then reports UpdateError.
CREATE FUNCTION public.session_update(
    key_hash pg_catalog.text, data pg_catalog.text, expires pg_catalog.timestamptz
) RETURNS pg_catalog.bool
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH updated AS (
        UPDATE public.django_session AS s SET session_data = data, expire_date = expires
        WHERE s.session_key = key_hash
        RETURNING s.session_key
    )
    SELECT pg_catalog.count(*) = 1 FROM updated
$$;

CREATE FUNCTION public.session_delete(key_hash pg_catalog.text) RETURNS pg_catalog.void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    DELETE FROM public.django_session AS s WHERE s.session_key = key_hash
$$;
"""

SIGNATURES = [
    "public.session_load(pg_catalog.text)",
    "public.session_exists(pg_catalog.text)",
    "public.session_create(pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz)",
    "public.session_update(pg_catalog.text, pg_catalog.text, pg_catalog.timestamptz)",
    "public.session_delete(pg_catalog.text)",
]

FORWARD = (
    "DELETE FROM public.django_session;\n"
    "REVOKE ALL ON TABLE public.django_session FROM application_role, pika_staff;\n"
    + FUNCTIONS
    + "".join(
        f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC;\n"
        f"GRANT EXECUTE ON FUNCTION {signature} TO application_role;\n"
        for signature in SIGNATURES
    )
)

# What security.0002_row_level_security granted on the table.
BACKWARD = (
    "".join(f"DROP FUNCTION IF EXISTS {signature};\n" for signature in SIGNATURES)
    + "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.django_session"
    " TO application_role, pika_staff;\n"
    "DELETE FROM public.django_session;\n"
)


class Migration(migrations.Migration):
    dependencies = [
        ("pika", "0001_schemas_and_extensions"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, reverse_sql=BACKWARD),
    ]
