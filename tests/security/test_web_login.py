"""The login that serves requests owns nothing and can reach no role that bypasses anything.

Each test runs what SQL injected into a request could run, on a connection logged in as
PG_WEB_USER, the login WSGI and runserver use.
"""

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from pika.db.security import APPLICATION_ROLE

pytestmark = pytest.mark.django_db

REACHABLE_ROLES = """
WITH RECURSIVE reachable(oid) AS (
    SELECT oid FROM pg_roles WHERE rolname = %s
    UNION
    SELECT m.roleid FROM pg_auth_members m JOIN reachable r ON m.member = r.oid
)
SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb
FROM reachable JOIN pg_roles r USING (oid) ORDER BY r.rolname
"""


def test_the_web_login_reaches_only_the_application_role_and_neither_bypasses():
    with connection.cursor() as cursor:
        cursor.execute(REACHABLE_ROLES, [settings.PG_WEB_USER])
        roles = cursor.fetchall()
    assert roles == sorted(
        [
            (APPLICATION_ROLE, False, False, False, False),
            (settings.PG_WEB_USER, False, False, False, False),
        ]
    )


def test_no_role_the_web_login_reaches_owns_anything():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = ANY(%s::regrole[])"
            " UNION ALL SELECT count(*) FROM pg_proc WHERE proowner = ANY(%s::regrole[])"
            " UNION ALL SELECT count(*) FROM pg_namespace WHERE nspowner = ANY(%s::regrole[])"
            " UNION ALL SELECT count(*) FROM pg_database WHERE datdba = ANY(%s::regrole[])",
            [[settings.PG_WEB_USER, APPLICATION_ROLE]] * 4,
        )
        assert [row[0] for row in cursor.fetchall()] == [0, 0, 0, 0]


@pytest.mark.parametrize("role", [settings.PG_USER, "pika_staff", "postgres"])
def test_the_web_login_cannot_set_role_to_an_owner_or_bypass_role(web_login, role):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        web_login.execute(f'SET ROLE "{role}"')


def test_reset_role_leaves_the_web_login_with_less_not_more(web_login):
    web_login.execute(f"SET ROLE {APPLICATION_ROLE}")
    web_login.execute("RESET ROLE")
    assert web_login.execute("SELECT current_user").fetchone()[0] == settings.PG_WEB_USER
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        web_login.execute('SELECT count(*) FROM "users"."users"')


@pytest.mark.parametrize(
    "statement",
    [
        'ALTER TABLE "audit"."audit_logs" DISABLE TRIGGER USER',
        'ALTER TABLE "users"."users" DISABLE TRIGGER audit_log_update',
        'ALTER TABLE "users"."users" DISABLE TRIGGER ALL',
        'DROP TRIGGER audit_log_insert ON "users"."users"',
        "SET session_replication_role = replica",
        'ALTER TABLE "users"."users" NO FORCE ROW LEVEL SECURITY',
        'DROP POLICY users_isolation_select ON "users"."users"',
        "ALTER ROLE application_role BYPASSRLS",
        'TRUNCATE "audit"."audit_logs"',
    ],
)
def test_the_web_login_cannot_undo_the_protections(web_login, statement):
    web_login.execute(f"SET ROLE {APPLICATION_ROLE}")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        web_login.execute(statement)
