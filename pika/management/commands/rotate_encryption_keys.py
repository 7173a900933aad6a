"""Re-encrypt the encrypted columns under new keys."""

import os

from django.core.management.base import BaseCommand, CommandError

from pika.db.ciphertext import DecryptionFailed
from pika.services import encryption_keys_rotate


class Command(BaseCommand):
    help = (
        "Rotate the encryption keys: put the NEW keys in PIKA_ENCRYPTION_KEY and "
        "PIKA_LOOKUP_HASH_KEY, the OLD encryption key in the variable named by "
        "--old-key-env (default PIKA_OLD_ENCRYPTION_KEY), then run this. Every encrypted "
        "value is decrypted and re-encrypted in this process and every lookup hash recomputed, "
        "in batches inside one transaction. Keys come from the environment, never from the "
        "command line (so they stay out of `ps`), and never reach the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--old-key-env",
            default="PIKA_OLD_ENCRYPTION_KEY",
            help="Environment variable holding the key the data is encrypted with now.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Rows read and rewritten at a time (default 1000).",
        )

    def handle(self, *args, old_key_env, batch_size, **options):
        old_key = os.environ.get(old_key_env)
        if not old_key:
            raise CommandError(f"set {old_key_env} to the current (old) encryption key")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            changed = encryption_keys_rotate(
                old_key=old_key, progress=self.stdout.write, batch_size=batch_size
            )
        except DecryptionFailed as exc:
            raise CommandError(
                f"{old_key_env} does not decrypt the data ({exc}); nothing was changed"
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Rotated: {changed} rows rewritten"))
