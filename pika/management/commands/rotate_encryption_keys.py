"""Re-encrypt the encrypted columns under new keys."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from pika.db.encryption import encryption_keys_rotate


class Command(BaseCommand):
    help = (
        "Rotate the pgcrypto keys: put the NEW keys in PIKA_ENCRYPTION_KEY and "
        "PIKA_LOOKUP_HASH_KEY, the OLD encryption key in the variable named by "
        "--old-key-env (default PIKA_OLD_ENCRYPTION_KEY), then run this. Every encrypted "
        "column is re-encrypted and every lookup hash recomputed, in one transaction. Keys "
        "come from the environment, never from the command line, so they stay out of `ps`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--old-key-env",
            default="PIKA_OLD_ENCRYPTION_KEY",
            help="Environment variable holding the key the data is encrypted with now.",
        )

    def handle(self, *args, old_key_env, **options):
        old_key = os.environ.get(old_key_env)
        if not old_key:
            raise CommandError(f"set {old_key_env} to the current (old) encryption key")
        try:
            changed = encryption_keys_rotate(old_key=old_key, progress=self.stdout.write)
        except OperationalError as exc:
            if "Wrong key" in str(exc):
                raise CommandError(
                    f"{old_key_env} does not decrypt the data; nothing was changed"
                ) from exc
            raise
        self.stdout.write(self.style.SUCCESS(f"Rotated: {changed} values rewritten"))
