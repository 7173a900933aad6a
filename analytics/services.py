"""Writes of the analytics domain."""

from django.db import connection

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


def event_record(*, kind: str, voucher_id, business_id, user_id=None) -> Event:
    """Record an event in the current transaction, as its acting user.

    It commits with the change it reports, or rolls back with it: never an event for a
    change that did not happen, never a change without its event, and no transaction of its
    own (the role, the vouched identity and the commit of one would cost a redemption more
    round trips than the redemption itself).
    """
    return Event.objects.create(
        kind=kind, voucher_id=voucher_id, business_id=business_id, user_id=user_id
    )
