"""After a transactional test, the rows it left are deleted instead of every table truncated.

Django empties the database after each ``django_db(transaction=True)`` test with ``flush``: one
TRUNCATE of every table. PostgreSQL 15 gives each truncated table and index a new file and
fsyncs every rebuilt index straight away: about 1.5 s a test for our ~70 tables and their
indexes, whatever the test wrote, two thirds of the suite's time once the migration round trip
was made cheap. A test writes to a handful of tables; deleting their rows takes milliseconds.

What is emptied is what ``flush`` empties: the tables Django's introspection lists (ours, which
knows schema-qualified tables; tests/pika/test_flush_and_transactional.py proves that a
transactional test's rows are gone before the next one starts), so never ``django_migrations``.
The rows are deleted as the cluster's superuser with ``session_replication_role = replica``, as
``pg_restore --disable-triggers`` does: no trigger runs, as none runs for TRUNCATE (the audit
triggers would log the deletes, the guards would refuse them, foreign keys would impose an
order; every table that holds a row is emptied, so no reference is left dangling). Then
``post_migrate`` is sent as ``flush`` sends it, which puts back the content types, the
permissions and the identity secret. Tests that ask for ``available_apps`` or
``serialized_rollback`` keep Django's own ``flush``.

Against another server (``DATABASE_URL``) there is no superuser at hand: Django's ``flush`` runs.
"""

import django.test
import psycopg
from django.conf import settings
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections
from psycopg import sql

from tests.server_log import SOCKET_DIR, SUPERUSER

_django_fixture_teardown = django.test.TransactionTestCase._fixture_teardown


def tables_with_rows(superuser: psycopg.Connection, tables: list[str]) -> list[str]:
    """The tables (schema-qualified, quoted or not) that hold at least one row."""
    if not tables:
        return []
    # One round trip for all of them; superuser reads bypass row level security.
    query = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {} WHERE EXISTS (SELECT FROM {})").format(
            sql.Literal(index), sql.SQL(table)
        )
        for index, table in enumerate(tables)
    )
    return [tables[index] for (index,) in superuser.execute(query).fetchall()]


def delete_rows(connection) -> None:
    """Delete every row of the tables `flush` would truncate, with no trigger running."""
    tables = [
        connection.ops.quote_name(table)
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
    ]
    with psycopg.connect(
        host=str(SOCKET_DIR),
        port=connection.settings_dict["PORT"],
        user=SUPERUSER,
        dbname=connection.settings_dict["NAME"],
    ) as superuser:
        # A session the test left holding row locks fails the clean-up instead of hanging it.
        superuser.execute(
            sql.SQL("SET LOCAL statement_timeout = {}").format(settings.STATEMENT_TIMEOUT)
        )
        written = tables_with_rows(superuser, tables)
        if written:
            superuser.execute("SET LOCAL session_replication_role = replica")
            for table in written:
                superuser.execute(sql.SQL("DELETE FROM {}").format(sql.SQL(table)))
            left = tables_with_rows(superuser, written)
            if left:
                raise RuntimeError(f"rows left after a transactional test's clean-up: {left}")
        # Leaving the with block commits.


def _fixture_teardown(self):
    if (
        not settings.EMBEDDED_DATABASE
        or not SOCKET_DIR.is_dir()
        or self.available_apps is not None
        or self.serialized_rollback
    ):
        return _django_fixture_teardown(self)
    for db_name in self._databases_names(include_mirrors=False):
        delete_rows(connections[db_name])
        emit_post_migrate_signal(verbosity=0, interactive=False, db=db_name)


def pytest_configure(config):
    django.test.TransactionTestCase._fixture_teardown = _fixture_teardown


def pytest_unconfigure(config):
    django.test.TransactionTestCase._fixture_teardown = _django_fixture_teardown
