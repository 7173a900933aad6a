"""Database errors that Pika explains in one line."""

from django.db import OperationalError


class DatabaseUnreachable(OperationalError):
    """The database server could not be reached or refused the connection."""
