"""Refresh the analytics materialized views."""

import time

from django.core.management.base import BaseCommand

from analytics.services import daily_voucher_stats_refresh
from pika.db.context import operator_timeouts


class Command(BaseCommand):
    help = (
        "Recompute analytics.daily_voucher_stats (events per day, business and voucher) from "
        "analytics.events. By default CONCURRENTLY, so readers are never blocked; run it "
        "from a scheduler as often as the numbers need to be fresh. It lifts the project's "
        "statement timeout for its own transaction: a refresh reads every event."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--blocking",
            action="store_true",
            help="Refresh without CONCURRENTLY: faster, but readers wait until it is done.",
        )

    def handle(self, *args, blocking=False, **options):
        self.stdout.write("Refreshing analytics.daily_voucher_stats …")
        started = time.monotonic()
        # A refresh reads every event: no statement timeout for this command's transaction.
        with operator_timeouts(statement_ms=0):
            rows = daily_voucher_stats_refresh(concurrently=not blocking)
        self.stdout.write(
            self.style.SUCCESS(
                f"Refreshed analytics.daily_voucher_stats: {rows} rows "
                f"in {time.monotonic() - started:.2f} s"
            )
        )
