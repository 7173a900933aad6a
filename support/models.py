"""The help desk: tickets, their messages and attachments."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from pika.db.bounded import BoundedTextField
from pika.db.tables import schema_table
from pika.models import PikaModel


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"
    PENDING = "pending", "Waiting for the requester"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class TicketPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Ticket(PikaModel):
    """A request for help. A user with tickets cannot be deleted (``PROTECT``): the
    conversation is part of the platform's record; an assignee who leaves is unassigned."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,  # (requester, created_at) leads with requester
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        db_index=False,  # the partial queue index below leads with assignee
    )
    business = models.ForeignKey(
        "business.Business",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        help_text="The business the ticket is about, if any.",
        db_index=False,  # indexed by name in Meta.indexes
    )
    subject = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20,
        choices=TicketStatus,
        default=TicketStatus.OPEN,
        db_default=TicketStatus.OPEN,
    )
    priority = models.CharField(
        max_length=10,
        choices=TicketPriority,
        default=TicketPriority.NORMAL,
        db_default=TicketPriority.NORMAL,
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("support", "tickets")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requester", "created_at"], name="tickets_requester_idx"),
            # The agents' queue: what is not done yet, per assignee, by priority.
            models.Index(
                fields=["assignee", "status", "priority"],
                condition=Q(status__in=[TicketStatus.OPEN, TicketStatus.PENDING]),
                name="tickets_open_queue_idx",
            ),
            models.Index(fields=["business"], name="tickets_business_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="tickets_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=TicketPriority.values), name="tickets_priority_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=TicketStatus.CLOSED) | Q(closed_at__isnull=False),
                name="tickets_closed_have_closed_at",
            ),
        ]

    def __str__(self):
        return self.subject


class TicketMessage(PikaModel):
    """One message in a ticket's conversation; internal notes are hidden from the requester."""

    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        related_name="messages",
        db_index=False,  # (ticket, created_at) leads with ticket
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ticket_messages",
        db_index=False,  # indexed by name in Meta.indexes
    )
    body = BoundedTextField(max_length=10_000)
    is_internal = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = schema_table("support", "ticket_messages")
        ordering = ["ticket", "created_at"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="ticket_messages_ticket_idx"),
            models.Index(fields=["author"], name="ticket_messages_author_idx"),
        ]

    def __str__(self):
        return f"Message on {self.ticket_id}"


class TicketAttachment(PikaModel):
    """A file attached to a message; the file cannot be deleted while attached."""

    message = models.ForeignKey(
        TicketMessage,
        on_delete=models.CASCADE,
        related_name="attachments",
        db_index=False,  # (message, file) is unique and leads with message
    )
    file = models.ForeignKey(
        "files.File", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        db_table = schema_table("support", "ticket_attachments")
        indexes = [
            models.Index(fields=["file"], name="ticket_attachments_file_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["message", "file"], name="ticket_attachments_uniq"),
        ]

    def __str__(self):
        return f"Attachment {self.file_id}"
