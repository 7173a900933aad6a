"""Identities the web process vouches for, so that SQL run in a request cannot pose as anyone.

A claim (the acting user, IP address and user agent; or the email being logged in) is
signed with HMAC-SHA256 under ``PIKA_IDENTITY_KEY`` together with the server process id and
the microsecond the current transaction started. The database checks the signature with
the same key, which it keeps in ``security.identity_secret``, a table the runtime roles
cannot read (migration ``security.0004``). A signature is therefore worth nothing outside
its own transaction: seeing one in ``pg_stat_activity`` or a log does not help to replay it.
"""

import hashlib
import hmac

from django.conf import settings

SECRET_TABLE = '"security"."identity_secret"'


def identity_secret() -> bytes:
    """The signing key: SHA-256 of ``PIKA_IDENTITY_KEY``, so that any string will do."""
    return hashlib.sha256(settings.IDENTITY_KEY.encode()).digest()


def vouch(cursor, *claim: str) -> str:
    """Sign ``claim`` for the transaction ``cursor`` is in; the proof SQL expects."""
    cursor.execute("SELECT security.transaction_binding()")
    binding = cursor.fetchone()[0]
    message = "\n".join([binding, *claim]).encode()
    return hmac.new(identity_secret(), message, hashlib.sha256).hexdigest()


def identity_secret_install(connection) -> None:
    """Store the signing key in the database, as its owner (run after every migrate).

    The key travels as COPY data, which PostgreSQL neither logs (whatever ``log_statement``
    says) nor shows in ``pg_stat_activity``, unlike SQL text and bind parameters.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [SECRET_TABLE])
        if not cursor.fetchone()[0]:
            return  # migrated back before security.0004
        cursor.execute(f"DELETE FROM {SECRET_TABLE}")
        with cursor.cursor.copy(f"COPY {SECRET_TABLE} (id, secret) FROM STDIN") as copy:
            copy.write_row([1, identity_secret().hex()])
