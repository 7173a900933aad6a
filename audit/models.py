"""The compliance log of changes to audited tables."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from pika.db.bounded import USER_AGENT_MAX_LENGTH, BoundedTextField
from pika.db.functions import UUIDv7, uuid7
from pika.db.tables import schema_table


class AuditAction(models.TextChoices):
    INSERT = "INSERT", "Insert"
    UPDATE = "UPDATE", "Update"
    DELETE = "DELETE", "Delete"


class AuditLog(models.Model):
    """One change to one row: who, what, where from and when.

    The acting user is kept as a bare id without a foreign-key constraint: the log is
    append-only and must outlive the users it names.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, db_default=UUIDv7(), editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # (user, timestamp) leads with user
        null=True,
        blank=True,
        related_name="audit_logs",
    )
    action = models.CharField(max_length=10, choices=AuditAction)
    table_name = models.CharField(max_length=255, help_text='Schema-qualified: "schema.table".')
    record_id = models.CharField(max_length=255)
    changes = models.JSONField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = BoundedTextField(max_length=USER_AGENT_MAX_LENGTH, null=True, blank=True)
    timestamp = models.DateTimeField(default=timezone.now, db_default=Now())
    row_hash = models.BinaryField(
        editable=False, help_text="SHA-256 of the row as the database wrote it (audit.chain)."
    )

    class Meta:
        db_table = schema_table("audit", "audit_logs")
        ordering = ["-timestamp"]
        indexes = [
            models.Index(fields=["user", "timestamp"], name="audit_logs_user_time_idx"),
            models.Index(fields=["table_name", "record_id"], name="audit_logs_record_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AuditAction.values), name="audit_logs_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.table_name} {self.record_id}"
