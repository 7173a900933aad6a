"""Long operator commands set their own timeouts, for their own transaction only."""

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction

from pika.db.context import operator_timeouts

pytestmark = pytest.mark.django_db(transaction=True)


def show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


def test_the_lifted_timeouts_end_with_the_block():
    default = show("statement_timeout")
    with operator_timeouts(statement_ms=0, idle_in_transaction_ms=0):
        assert (show("statement_timeout"), show("idle_in_transaction_session_timeout")) == (
            "0",
            "0",
        )
    assert show("statement_timeout") == default != "0"


def test_a_slow_statement_survives_a_tight_project_timeout_only_inside_the_block():
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '20ms'")
    try:
        with pytest.raises(OperationalError), transaction.atomic(), connection.cursor() as c:
            c.execute("SELECT pg_sleep(0.1)")
        with operator_timeouts(statement_ms=0), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.1)")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


def test_refresh_analytics_outlives_a_statement_timeout_shorter_than_its_refresh(seed_data):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO analytics.events (kind, occurred_at, voucher_id, business_id)"
            " SELECT 'voucher_viewed', now() - n * interval '1 minute', v.id, v.business_id"
            " FROM generate_series(1, 50000) n, (SELECT id, business_id FROM"
            " marketplace.vouchers LIMIT 1) v"
        )
        cursor.execute("SET statement_timeout = '1ms'")
    try:
        call_command("refresh_analytics", verbosity=0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(views) FROM analytics.daily_voucher_stats")
        assert cursor.fetchone()[0] >= 50000
