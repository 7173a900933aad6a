"""Fixtures shared by the whole suite; every test talks to the real PostgreSQL + PostGIS."""

import pytest
from django.core.management import call_command
from django.db import connection

pytest_plugins = ["tests.server_log", "tests.transactional_cleanup"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """bcrypt at its cheapest cost: the tests check the format, not the strength."""
    settings.PASSWORD_BCRYPT_ROUNDS = 4


@pytest.fixture
def seed_data(db):
    """The seed fixtures, loaded as `make setup` loads them."""
    call_command("loaddata", "languages", "seed", verbosity=0)
    call_command("refresh_analytics", verbosity=0)


def catalog_constraints(db_table: str) -> dict[str, str]:
    """Constraints and indexes of a table, read straight from pg_catalog.

    Independent of Django's introspection, so tests can check that introspection.
    Maps each name to its kind: p, u, f, c (constraints) or i (an index backing none).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conname, contype::text FROM pg_constraint WHERE conrelid = to_regclass(%s)
            UNION ALL
            SELECT c.relname, 'i' FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = to_regclass(%s)
                AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = i.indexrelid)
            """,
            [db_table, db_table],
        )
        return dict(cursor.fetchall())


def table_exists(db_table: str) -> bool:
    """Whether PostgreSQL resolves the (possibly schema-qualified) table name."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [db_table])
        return cursor.fetchone()[0]
