"""Metadata of stored files; the bytes live in object storage under ``storage_key``."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from pika.db.encryption import EncryptedTextField
from pika.db.tables import schema_table
from pika.models import PikaModel


class FileVisibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class File(PikaModel):
    """One stored object: support attachments, business logos and photos, avatars.

    A file attached to a ticket or shown in a business gallery cannot be deleted
    (``PROTECT``); deleting a logo or avatar file clears the reference. A user who owns
    files cannot be deleted before their files are.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="files",
        db_index=False,  # (owner, created_at) leads with owner
    )
    storage_key = models.CharField(max_length=512, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    checksum_sha256 = models.CharField(max_length=64, help_text="Lower-case hex SHA-256.")
    visibility = models.CharField(
        max_length=10,
        choices=FileVisibility,
        default=FileVisibility.PRIVATE,
        db_default=FileVisibility.PRIVATE,
    )
    # Metadata the owner marked private (camera, place, notes): encrypted at rest.
    private_metadata = EncryptedTextField(help_text="Encrypted at rest (AES-256-GCM, in Python).")

    class Meta:
        db_table = schema_table("files", "files")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="files_owner_created_idx"),
            models.Index(fields=["checksum_sha256"], name="files_checksum_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(size_bytes__gte=0), name="files_size_not_negative"),
            models.CheckConstraint(
                condition=Q(checksum_sha256__regex=r"^[0-9a-f]{64}$"),
                name="files_checksum_is_sha256_hex",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=FileVisibility.values), name="files_visibility_valid"
            ),
        ]

    def __str__(self):
        return self.original_name
