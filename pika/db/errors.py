"""Database errors that Pika explains in one line."""

import psycopg
from django.db import OperationalError


class DatabaseUnreachable(OperationalError):
    """The database server could not be reached or refused the connection."""


# The server ended the session (admin_shutdown, crash_shutdown, cannot_connect_now); class
# 08 is every connection exception. A cancelled query (57014) leaves the session alive.
SESSION_ENDED_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def connection_lost(error: BaseException) -> bool:
    """Whether ``error`` means the connection to the server is gone, not merely in error."""
    cause = error.__cause__ or error
    if not isinstance(cause, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in SESSION_ENDED_SQLSTATES
