"""Generate a larger, realistic data set for demos and benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError

from pika.datagen import Generator, Sizes
from pika.db.context import operator_timeouts


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Generate users, businesses (at real places), vouchers with codes, redemptions and "
        "analytics events in bulk, in one transaction. The same --seed and sizes give the "
        "same data, and running again adds nothing. Needs the seed data (categories and the "
        "default language): run `manage.py loaddata languages seed` first. It lifts the project's "
        "statement and idle-in-transaction timeouts for its own transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Size factor; 1 means 1,000 users, 100 businesses, 500 vouchers, 2,000 "
            "redemptions, 10,000 events. Explicit counts below win. Default: 1.",
        )
        for name in ("users", "businesses", "vouchers", "redemptions", "events"):
            parser.add_argument(f"--{name}", type=_non_negative, help=f"Number of {name}.")
        parser.add_argument(
            "--seed", type=_non_negative, default=1, help="Random seed (default 1)."
        )
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="Rows per INSERT (default 2000)."
        )

    def handle(self, *args, scale, seed, batch_size, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        base = Sizes.from_scale(scale)
        sizes = Sizes(
            **{
                name: options[name] if options[name] is not None else getattr(base, name)
                for name in ("users", "businesses", "vouchers", "redemptions", "events")
            }
        )
        if sizes.vouchers and not sizes.businesses:
            raise CommandError("vouchers need businesses: give --businesses 1 or more")
        if sizes.businesses and not sizes.users:
            raise CommandError("businesses need owners: give --users 1 or more")
        started = time.monotonic()
        verbosity = options["verbosity"]

        def progress(label: str, done: int, total: int) -> None:
            if verbosity >= 1:
                self.stdout.write(f"  {label}: {done:,}/{total:,} ({done * 100 // total}%)")

        try:
            # One transaction, with Python building rows between statements: no idle or
            # statement limit for it (the project's defaults would end it at scale 20).
            with operator_timeouts(statement_ms=0, idle_in_transaction_ms=0):
                written = Generator(
                    sizes=sizes, seed=seed, batch_size=batch_size, progress=progress
                ).run()
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{count:,} {name}" for name, count in written.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Data set in place (seed {seed}): {summary}, in {time.monotonic() - started:.1f} s"
            )
        )
