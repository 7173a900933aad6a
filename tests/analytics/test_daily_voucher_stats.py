"""The daily aggregate is a materialized view that the refresh command brings up to date."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from analytics.models import DailyVoucherStats, Event, EventKind
from analytics.services import daily_voucher_stats_refresh
from tests.marketplace.factories import VoucherFactory

DAY = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)


def record(voucher, kind, when=DAY):
    Event.objects.create(kind=kind, voucher=voucher, business=voucher.business, occurred_at=when)


@pytest.mark.django_db
@pytest.mark.parametrize("concurrently", [True, False])
def test_refresh_counts_events_per_day_and_voucher(concurrently):
    voucher = VoucherFactory()
    for kind in [EventKind.VOUCHER_VIEWED] * 3 + [EventKind.VOUCHER_CLAIMED]:
        record(voucher, kind)
    record(voucher, EventKind.VOUCHER_REDEEMED, DAY + datetime.timedelta(days=1))
    assert not DailyVoucherStats.objects.filter(voucher=voucher).exists()

    daily_voucher_stats_refresh(concurrently=concurrently)

    rows = DailyVoucherStats.objects.filter(voucher=voucher).order_by("day")
    assert [(r.day, r.views, r.claims, r.redemptions) for r in rows] == [
        (DAY.date(), 3, 1, 0),
        (DAY.date() + datetime.timedelta(days=1), 0, 0, 1),
    ]
    assert rows[0].business_id == voucher.business_id


@pytest.mark.django_db
def test_refresh_command_reports_rows(capsys):
    record(VoucherFactory(), EventKind.VOUCHER_VIEWED)
    call_command("refresh_analytics")
    assert "1 rows" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_view_has_the_unique_index_concurrent_refresh_needs():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index WHERE indrelid = to_regclass(%s) AND indisunique",
            [DailyVoucherStats._meta.db_table],
        )
        assert cursor.fetchone()[0] >= 1


# That the view's migration reverses on its own, leaving the events, is checked on analytics'
# step of the one pass down the migration graph (tests/pika/test_migrations.py): from the full
# graph that reversal drags a dozen migrations of other apps down and up again.
