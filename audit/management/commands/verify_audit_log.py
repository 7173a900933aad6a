"""Verify the audit log against its hash chain and the digests written with each row."""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import ChainHead
from audit.selectors import VERIFY_BATCH_SIZE, audit_log_verify


class Command(BaseCommand):
    help = (
        "Verify the audit log: every sealed row against the hash chain (edited, deleted or "
        "reordered rows, holes in the chain) and every unsealed row against the digest the "
        "database wrote with it. Exits non-zero naming the first broken row. With --head "
        "(a chain head printed by seal_audit_log and kept elsewhere) it also detects a log "
        "rewritten together with its chain, and sealed rows cut from the end."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            help="A chain head exported earlier, <position>:<64 hex digits>.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=VERIFY_BATCH_SIZE,
            help=f"Rows per round trip and per progress line (default {VERIFY_BATCH_SIZE}).",
        )

    def handle(self, *args, head, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            anchor = ChainHead.parse(head) if head else None
        except ValueError as exc:
            raise CommandError(f"--head: {exc}") from exc
        result = audit_log_verify(
            anchor=anchor,
            batch_size=batch_size,
            progress=lambda count: self.stdout.write(f"checked {count} rows..."),
        )
        if result.broken:
            raise CommandError(f"audit log broken: {result.broken}")
        if result.first_position and result.first_position > 1:
            self.stdout.write(
                f"positions before {result.first_position} were archived; the chain is "
                f"checked from there"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log intact: {result.sealed} sealed rows, {result.unsealed} not sealed yet"
            )
        )
        if result.head:
            self.stdout.write(f"chain head: {result.head}")
