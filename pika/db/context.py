"""Who is acting, for the database: the transaction-local settings that audit and RLS read.

Everything here uses ``set_config(..., true)`` or ``SET LOCAL`` inside a transaction, so
the identity ends with the transaction: a pooled connection can never carry one user's
identity into another request. The settings count only with the signature ``app.identity``
that `pika.db.identity.vouch` makes for this transaction (see ``security.current_identity``).
"""

import uuid
from contextlib import contextmanager

from django.db import connection, transaction

from pika.db.identity import vouch
from pika.db.security import APPLICATION_ROLE


def db_identity_set(
    *, user_id: uuid.UUID | str | None = None, ip_address: str | None = None, user_agent=None
) -> None:
    """Vouch for the acting user, IP address and user agent for the rest of the transaction."""
    if connection.get_autocommit():
        raise RuntimeError("db_identity_set needs a transaction (transaction.atomic)")
    claim = [str(user_id or ""), ip_address or "", (user_agent or "")[:1000]]
    with connection.cursor() as cursor:
        proof = vouch(cursor, *claim)
        cursor.execute(
            "SELECT set_config('app.user_id', %s, true), set_config('app.ip_address', %s, true),"
            " set_config('app.user_agent', %s, true), set_config('app.identity', %s, true)",
            [*claim, proof],
        )


def db_role_set(role: str) -> None:
    """Run the rest of the transaction as ``application_role``."""
    if role != APPLICATION_ROLE:
        raise ValueError(f"unknown runtime role {role!r}")
    if connection.get_autocommit():
        raise RuntimeError("db_role_set needs a transaction (transaction.atomic)")
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")


@contextmanager
def acting_as(*, user_id=None, ip_address=None, user_agent=None, role: str | None = None):
    """Run the block in a transaction on behalf of a user (services, commands, tests).

    With ``role``, the block also runs as that database role. The role comes first, then
    the identity: the web's login may vouch only once it is ``application_role`` (alone it
    may not call ``security.transaction_binding``). When the block opens the transaction
    its settings end with it; inside a longer transaction the previous identity and role
    are restored when the block ends.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        previous = None
        if not outermost:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('app.user_id', true), "
                    "current_setting('app.ip_address', true), "
                    "current_setting('app.user_agent', true), current_user"
                )
                previous = cursor.fetchone()
        if role:
            db_role_set(role)
        db_identity_set(user_id=user_id, ip_address=ip_address, user_agent=user_agent)
        try:
            yield
        finally:
            if previous and connection.is_usable() and not connection.needs_rollback:
                previous_user, previous_ip, previous_agent, previous_role = previous
                # Vouched while still in ``role``, which may; then the previous role back.
                db_identity_set(
                    user_id=previous_user, ip_address=previous_ip, user_agent=previous_agent
                )
                if role:
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL ROLE {connection.ops.quote_name(previous_role)}")


@contextmanager
def operator_timeouts(*, statement_ms: int = 0, idle_in_transaction_ms: int = 0):
    """Run the block in a transaction with the timeouts an operator command chooses.

    The project's defaults (``STATEMENT_TIMEOUT``, ``IDLE_TIMEOUT``) protect the web from a
    runaway query or a forgotten transaction; a long command (a refresh over millions of
    events, a data load with pauses in Python) sets its own, deliberately, for its own
    transaction only (``SET LOCAL``). 0 means no limit.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true),"
            " set_config('idle_in_transaction_session_timeout', %s, true)",
            [str(statement_ms), str(idle_in_transaction_ms)],
        )
        yield
