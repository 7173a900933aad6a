"""The database holds exactly the access the apps declare (pika/db/access.py)."""

import pytest
from django.db import connection

from pika.db.access import access_fingerprint, declared_access, declared_tables
from pika.db.security import APPLICATION_ROLE
from pika.db.tables import SCHEMAS

pytestmark = pytest.mark.django_db

# Reached through SECURITY DEFINER functions only, or not at all.
OUT_OF_REACH = {
    "django_session",
    "django_migrations",
    '"security"."identity_secret"',
}


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_the_installed_access_is_the_declared_one():
    """A changed declaration needs `manage.py makeaccessmigration` (and its migration)."""
    [(comment,)] = _rows("SELECT obj_description('security'::regnamespace, 'pg_namespace')")
    assert comment == f"Access declaration installed: {access_fingerprint()}"


def test_the_runtime_role_holds_privileges_on_declared_tables_only():
    granted = {
        table
        for (table,) in _rows(
            """
            SELECT CASE WHEN n.nspname = 'public' THEN c.relname
                        ELSE format('"%%s"."%%s"', n.nspname, c.relname) END
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(%s) AND n.nspname <> 'audit' AND c.relkind IN ('r', 'v', 'm', 'p')
                AND (has_table_privilege(%s, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')
                     AND c.relname NOT IN ('spatial_ref_sys', 'geometry_columns',
                                           'geography_columns'))
            """,
            [list(SCHEMAS), APPLICATION_ROLE],
        )
    }
    assert granted == set(declared_tables())
    assert not granted & OUT_OF_REACH


def test_every_declared_table_forces_row_level_security():
    tables = [
        table
        for table, access in zip(declared_tables(), declared_access().values(), strict=True)
        if access.row_security
    ]
    weak = _rows(
        "SELECT relname FROM pg_class WHERE oid = ANY(%s::regclass[])"
        " AND NOT (relrowsecurity AND relforcerowsecurity)",
        [tables],
    )
    assert weak == []


def test_the_runtime_role_may_create_nothing_in_any_schema():
    creatable = _rows(
        "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)"
        " AND has_schema_privilege(%s, oid, 'CREATE')",
        [list(SCHEMAS), APPLICATION_ROLE],
    )
    assert creatable == []


def test_tables_without_row_level_security_are_read_only_for_the_web():
    """`public_derived` tables: no policies to bypass, SELECT and nothing else."""
    tables = [
        table
        for table, access in zip(declared_tables(), declared_access().values(), strict=True)
        if not access.row_security
    ]
    assert '"business"."public_locations"' in tables
    assert '"marketplace"."voucher_search_documents"' in tables
    wrong = _rows(
        "SELECT relname FROM pg_class WHERE oid = ANY(%s::regclass[])"
        " AND (relrowsecurity OR relforcerowsecurity"
        "      OR EXISTS (SELECT FROM pg_policy WHERE polrelid = pg_class.oid)"
        "      OR NOT has_table_privilege(%s, oid, 'SELECT')"
        "      OR has_table_privilege(%s, oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES,"
        " TRIGGER'))",
        [tables, APPLICATION_ROLE, APPLICATION_ROLE],
    )
    assert wrong == []
