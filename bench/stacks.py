"""The three ways the benchmark reaches the database, each as the web does.

Every iteration is one transaction on the web's login (``PG_WEB_USER``) that vouches for an
identity (anonymous, or a business's owner) and then runs as ``application_role`` under row
level security, exactly as ``pika.middleware.DatabaseContextMiddleware`` does for a request.
That set-up is the request's cost, not the query's: it happens before the clock starts.

The role comes first, then the identity: the web's login alone may not call
``security.transaction_binding`` (it holds no privilege until ``SET ROLE``), which is also
the order ``pika.db.context.acting_as`` takes. The selector path uses the project's two
helpers (``db_role_set``, ``db_identity_set``) in that order.
"""

from contextlib import contextmanager

from bench.sqla import engine_for
from pika.db.identity import vouch
from pika.db.security import APPLICATION_ROLE

IMPLEMENTATIONS = ("selector", "sqlalchemy", "raw")


def act_as(cursor, user_id) -> None:
    """On a psycopg cursor, what the selector path does through Django's helpers."""
    cursor.execute(f"SET LOCAL ROLE {APPLICATION_ROLE}")
    claim = [str(user_id or ""), "", ""]
    proof = vouch(cursor, *claim)
    cursor.execute(
        "SELECT set_config('app.user_id', %s, true), set_config('app.ip_address', %s, true),"
        " set_config('app.user_agent', %s, true), set_config('app.identity', %s, true)",
        [*claim, proof],
    )


class Stacks:
    """Django (the project's settings), SQLAlchemy and psycopg, all on one login: the web's
    (``web``, the default) or, to see what row level security costs, the owner's, which
    bypasses it and acts for nobody."""

    def __init__(self, server, *, web: bool = True):
        self.web = web
        self.raw_connection = server.connect(web=web, autocommit=True)
        self.engine = engine_for(
            host=server.host,
            port=server.port,
            database=server.database,
            user=server.web if web else server.owner,
            password=server.web_password if web else server.owner_password,
            statement_timeout_ms=server.statement_timeout_ms,
        )

    def close(self) -> None:
        """Close the psycopg connection and the SQLAlchemy pool."""
        self.raw_connection.close()
        self.engine.dispose()

    @contextmanager
    def transaction(self, implementation: str, user_id=None):
        """One request's transaction for ``implementation``; yields what its code needs."""
        if implementation == "selector":
            from django.db import transaction

            from pika.db.context import db_identity_set, db_role_set

            with transaction.atomic():
                if self.web:
                    db_role_set(APPLICATION_ROLE)
                    db_identity_set(user_id=user_id)
                yield None
        elif implementation == "raw":
            with self.raw_connection.transaction(), self.raw_connection.cursor() as cursor:
                if self.web:
                    act_as(cursor, user_id)
                yield cursor
        else:
            from sqlalchemy.orm import Session

            with Session(self.engine) as session, session.begin():
                if self.web:
                    driver = session.connection().connection.driver_connection
                    with driver.cursor() as cursor:
                        act_as(cursor, user_id)
                yield session
