"""Writes of the analytics domain."""

from django.db import connection

from .models import DailyVoucherStats


def daily_voucher_stats_refresh(*, concurrently: bool = True) -> int:
    """Recompute the daily aggregate from the raw events; return its number of rows.

    CONCURRENTLY lets readers keep reading the old rows during the refresh (it needs the
    view's unique index and takes longer); without it the refresh locks readers out.
    """
    mode = " CONCURRENTLY" if concurrently else ""
    with connection.cursor() as cursor:
        cursor.execute(f"REFRESH MATERIALIZED VIEW{mode} {DailyVoucherStats._meta.db_table}")
    return DailyVoucherStats.objects.count()
