"""Link the audit log's unsealed rows into its hash chain."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import SEAL_BATCH_SIZE, AuditLogTampered, audit_log_seal


class Command(BaseCommand):
    help = (
        "Seal the audit log: link every row not sealed yet into the hash chain, in id order, "
        "after checking it against the digest the database wrote with it. Run it as the "
        "owner, often (cron); writers are never blocked. It prints the chain head: keep a "
        "copy outside the database (a ticket, another server) and pass it to "
        "verify_audit_log --head to detect a log rewritten together with its chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=SEAL_BATCH_SIZE,
            help=f"Rows read and sealed per round trip (default {SEAL_BATCH_SIZE}).",
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            sealed, head = audit_log_seal(
                batch_size=batch_size,
                progress=lambda count: self.stdout.write(f"sealed {count} rows..."),
            )
        except AuditLogTampered as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Sealed {sealed} rows"))
        if head:
            self.stdout.write(f"chain head: {head}")
