"""Mark published and paused vouchers past their expiry as expired."""

import time

from django.core.management.base import BaseCommand, CommandError

from marketplace.services import vouchers_expire_due
from pika.db.context import acting_as

COMMAND = "manage.py expire_vouchers"


class Command(BaseCommand):
    help = (
        "Write state=expired on published and paused vouchers whose expires_at has passed, "
        "in batches of short transactions (each audited as this command). Only bookkeeping: "
        "a voucher past its expiry is already neither listed nor redeemable, so running this "
        "late or never breaks nothing; run it from a scheduler to keep states tidy."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Vouchers per transaction (default 1000).",
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.monotonic()
        total = 0
        while True:
            with acting_as(user_agent=COMMAND):
                expired = vouchers_expire_due(limit=batch_size)
            total += expired
            if expired:
                self.stdout.write(f"  expired {total} vouchers so far …")
            if expired < batch_size:
                break
        self.stdout.write(
            self.style.SUCCESS(f"Expired {total} vouchers in {time.monotonic() - started:.2f} s")
        )
