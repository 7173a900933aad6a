"""SECURITY DEFINER and trigger functions cannot be hijacked through search_path or pg_temp."""

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from i18n.models import Language
from pika.db.security import APPLICATION_ROLE

pytestmark = pytest.mark.django_db

# The attack: a temporary type named like one the audit trigger declares, whose CHECK runs
# the caller's code with the trigger owner's rights.
TEMP_FUNCTION = """
CREATE FUNCTION pg_temp.hijack(value pg_catalog.jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hijacked: running as %', current_user;
END
$$
"""
TEMP_DOMAIN = "CREATE DOMAIN pg_temp.jsonb AS pg_catalog.jsonb CHECK (pg_temp.hijack(VALUE))"


@pytest.fixture
def fresh_connection():
    """A server session of its own: no temporary schema from earlier tests, nothing kept."""
    params = connection.get_connection_params()
    keep = ["dbname", "user", "password", "host", "port", "options", "sslmode"]
    with psycopg.connect(**{key: params[key] for key in keep if key in params}) as session:
        yield session
        session.rollback()


def project_schemas() -> list[str]:
    return ["public"] + [
        config.schema for config in apps.get_app_configs() if getattr(config, "schema", None)
    ]


def test_every_definer_and_trigger_function_pins_search_path_and_is_not_public():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.oid::regprocedure::text, p.proconfig,
                EXISTS (
                    SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                    WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'
                )
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = ANY (%s)
                AND (p.prosecdef OR p.prorettype = 'trigger'::regtype)
                AND NOT EXISTS (  -- extensions' own functions (PostGIS) are theirs to pin
                    SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                        AND d.objid = p.oid AND d.deptype = 'e'
                )
            """,
            [project_schemas()],
        )
        functions = cursor.fetchall()
    assert "audit.log_changes()" in {name for name, _, _ in functions}
    problems = []
    for name, config, public_execute in functions:
        search_path = next(
            (entry.split("=", 1)[1] for entry in config or [] if entry.startswith("search_path=")),
            None,
        )
        schemas = [schema.strip() for schema in (search_path or "").split(",")]
        if schemas[-1] != "pg_temp" or "public" in schemas:
            problems.append(f"{name}: search_path {search_path!r}")
        if public_execute:
            problems.append(f"{name}: PUBLIC may execute it")
    assert problems == []


def test_runtime_roles_may_not_create_temporary_objects():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_database_privilege(%s, current_database(), 'TEMPORARY'),"
            " has_database_privilege('public', current_database(), 'TEMPORARY')",
            [APPLICATION_ROLE],
        )
        assert cursor.fetchone() == (False, False)


def test_the_temporary_domain_attack_fails_at_its_first_step_for_the_application_role(
    fresh_connection,
):
    fresh_connection.execute(f"SET LOCAL ROLE {APPLICATION_ROLE}")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
        fresh_connection.execute(TEMP_FUNCTION)


def test_the_audit_trigger_ignores_a_temporary_jsonb_type_even_for_the_owner(fresh_connection):
    fresh_connection.execute(TEMP_FUNCTION)
    fresh_connection.execute(TEMP_DOMAIN)
    table = Language._meta.db_table
    language_id = fresh_connection.execute(
        f"INSERT INTO {table} (code, name) VALUES ('qz', 'Probe') RETURNING id"
    ).fetchone()[0]
    fresh_connection.execute(f"UPDATE {table} SET name = 'Changed' WHERE id = %s", [language_id])
    logged = fresh_connection.execute(
        "SELECT array_agg(action ORDER BY timestamp) FROM audit.audit_logs WHERE record_id = %s",
        [str(language_id)],
    ).fetchone()[0]
    assert logged == ["INSERT", "UPDATE"]
