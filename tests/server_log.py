"""The ``server_log`` fixture: what PostgreSQL wrote to its log during a test.

Use it to prove that something never reaches the server's log, the way an attacker with the
log (or a log shipper, or a support bundle) would look for it::

    def test_the_secret_is_not_logged(server_log):
        do_something_with("secret")
        log = server_log.text()
        assert 'INSERT INTO "users"."user_profiles"' in log  # it did log the statement
        assert "secret" not in log

For the duration of the test it turns on ``log_statement = 'all'`` (so every statement's text
is logged, bind values included, as psycopg binds them client-side) and restores the previous
value afterwards. Ask for another value with indirect parametrisation, e.g. the server's
default, where only failing statements are logged (their ``STATEMENT:`` line)::

    @pytest.mark.parametrize("server_log", ["none"], indirect=True)
    def test_...(server_log): ...

How: changing ``log_statement`` needs a superuser. The fixture connects as the project
cluster's superuser ``postgres`` over its Unix socket in ``.pgdata/run`` (see
``scripts/db.sh``), runs ``ALTER SYSTEM SET log_statement`` and ``pg_reload_conf()``, and waits
until Django's own connection reports the new value, so it works inside the test's transaction
and for pooled connections alike. It affects every session of that cluster (the project's own,
so only this checkout) while the test runs, and puts the previous ``postgresql.auto.conf``
entry back afterwards. It reads ``.pgdata/postgresql.log`` from the size it had when the test
started. Against another server (``DATABASE_URL``) there is no superuser at hand, and the test
is skipped with that reason.
"""

import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

PGDATA = Path(settings.BASE_DIR) / ".pgdata"
LOG_FILE = PGDATA / "postgresql.log"
SOCKET_DIR = PGDATA / "run"
SUPERUSER = "postgres"
RELOAD_TIMEOUT = 5.0  # seconds for the server to apply a reloaded setting


class ServerLog:
    """The server log of the project's cluster, read from a starting point."""

    def __init__(self, path: Path, log_statement: str):
        self.path = path
        self.log_statement = log_statement  # in force while the test runs
        self.restart()

    def restart(self) -> None:
        """Forget what the server logged so far: `text` returns only what comes next."""
        self.offset = self.path.stat().st_size

    def text(self) -> str:
        """Everything the server appended to its log since the test started (or `restart`)."""
        with self.path.open("rb") as log:
            log.seek(self.offset)
            return log.read().decode("utf-8", errors="replace")


def superuser_connect() -> psycopg.Connection:
    """A connection as the cluster's superuser over its Unix socket, or a skip saying why not."""
    if not settings.EMBEDDED_DATABASE or not SOCKET_DIR.is_dir() or not LOG_FILE.is_file():
        pytest.skip("needs the project's own cluster (its superuser socket and its log file)")
    return psycopg.connect(
        host=str(SOCKET_DIR),
        port=settings.PG_PORT,
        user=SUPERUSER,
        dbname="postgres",
        autocommit=True,
    )


def _log_statement_set(superuser: psycopg.Connection, value: str | None) -> None:
    """Set (or, with None, reset) log_statement in postgresql.auto.conf and apply it."""
    if value is None:
        superuser.execute("ALTER SYSTEM RESET log_statement")
    else:
        # ALTER SYSTEM takes no bind parameters; the value is one of a fixed few words.
        superuser.execute(sql.SQL("ALTER SYSTEM SET log_statement = {}").format(sql.Literal(value)))
    superuser.execute("SELECT pg_reload_conf()")


def _wait_until_applied(superuser: psycopg.Connection) -> None:
    """Wait until Django's connection runs with the value the server now has in its files."""
    # pg_file_settings reads the files now, unlike the settings of a session that may not
    # have processed the reload yet.
    [expected] = superuser.execute(
        "SELECT coalesce((SELECT setting FROM pg_file_settings"
        " WHERE name = 'log_statement' AND applied ORDER BY seqno DESC LIMIT 1),"
        " (SELECT boot_val FROM pg_settings WHERE name = 'log_statement'))"
    ).fetchone()
    deadline = time.monotonic() + RELOAD_TIMEOUT
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SHOW log_statement")
            if cursor.fetchone()[0] == expected:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"log_statement did not become {expected!r} after a reload")
        time.sleep(0.02)


@pytest.fixture
def server_log(request, db) -> ServerLog:
    """The server's log during this test, with log_statement = 'all' (or the given value)."""
    value = getattr(request, "param", "all")
    with superuser_connect() as superuser:
        row = superuser.execute(
            "SELECT setting FROM pg_file_settings WHERE name = 'log_statement'"
            " AND sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno DESC LIMIT 1"
        ).fetchone()
        previous = row[0] if row else None
        _log_statement_set(superuser, value)
        try:
            _wait_until_applied(superuser)
            yield ServerLog(LOG_FILE, value)
        finally:
            _log_statement_set(superuser, previous)
            _wait_until_applied(superuser)
