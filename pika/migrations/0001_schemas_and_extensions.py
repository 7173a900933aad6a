"""The database-wide ground every app stands on: extensions, schemas, UUIDv7."""

from django.db import migrations

from pika.db.operations import CreateSchema, EnsureExtension

# PostgreSQL 15 has no uuidv7(): a random UUID whose first 48 bits become the Unix time in
# milliseconds and whose version nibble becomes 7 (RFC 9562).
UUID_GENERATE_V7 = """
CREATE FUNCTION public.uuid_generate_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(
        set_bit(
            set_bit(
                overlay(
                    uuid_send(gen_random_uuid())
                    PLACING substring(
                        int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                        FROM 3
                    )
                    FROM 1 FOR 6
                ),
                52, 1
            ),
            53, 1
        ),
        'hex'
    )::uuid
$$;
COMMENT ON FUNCTION public.uuid_generate_v7() IS 'A time-ordered UUID, version 7 (RFC 9562).';
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        EnsureExtension("pgcrypto"),
        EnsureExtension("postgis"),
        EnsureExtension("postgis_topology"),
        EnsureExtension("fuzzystrmatch"),
        EnsureExtension("postgis_tiger_geocoder"),
        CreateSchema("users"),
        CreateSchema("identity"),
        CreateSchema("audit"),
        CreateSchema("support"),
        CreateSchema("payments"),
        CreateSchema("files"),
        CreateSchema("i18n"),
        CreateSchema("catalog"),
        CreateSchema("marketplace"),
        CreateSchema("business"),
        CreateSchema("analytics"),
        CreateSchema("security"),
        migrations.RunSQL(
            UUID_GENERATE_V7,
            reverse_sql="DROP FUNCTION IF EXISTS public.uuid_generate_v7()",
        ),
    ]
