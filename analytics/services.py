"""Writes of the analytics domain."""

from django.db import connection, transaction

from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE

from .models import DailyVoucherStats, Event


def daily_voucher_stats_refresh(*, concurrently: bool = True) -> int:
    """Recompute the daily aggregate from the raw events; return its number of rows.

    CONCURRENTLY lets readers keep reading the old rows during the refresh (it needs the
    view's unique index and takes longer); without it the refresh locks readers out.
    """
    mode = " CONCURRENTLY" if concurrently else ""
    with connection.cursor() as cursor:
        cursor.execute(f"REFRESH MATERIALIZED VIEW{mode} {DailyVoucherStats._meta.db_table}")
    return DailyVoucherStats.objects.count()


def event_record_after_commit(
    *, kind: str, voucher_id, business_id, user_id=None, ip_address=None, user_agent=None
) -> None:
    """Record an event once the current transaction commits, and never if it rolls back.

    The event is written in a transaction of its own, as the application role on behalf
    of ``user_id`` (a request's role and identity end with its transaction).
    """

    def record():
        with acting_as(
            user_id=user_id, ip_address=ip_address, user_agent=user_agent, role=APPLICATION_ROLE
        ):
            Event.objects.create(
                kind=kind, voucher_id=voucher_id, business_id=business_id, user_id=user_id
            )

    transaction.on_commit(record)
