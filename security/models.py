"""Access control: roles and permissions (RBAC), API keys and the security event log."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from pika.db.bounded import USER_AGENT_MAX_LENGTH, BoundedTextField
from pika.db.functions import UUIDv7, uuid7
from pika.db.tables import schema_table
from pika.models import PikaModel


class Permission(PikaModel):
    """Something a role allows, named ``domain.action`` (``voucher.publish``)."""

    codename = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True, db_default="")

    class Meta:
        db_table = schema_table("security", "permissions")
        ordering = ["codename"]
        constraints = [
            models.CheckConstraint(
                condition=Q(codename__regex=r"^[a-z_]+\.[a-z_]+$"),
                name="permissions_codename_format",
            ),
        ]

    def __str__(self):
        return self.codename


class Role(PikaModel):
    """A named set of permissions that users are assigned."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True, db_default="")
    permissions = models.ManyToManyField(
        Permission,
        blank=True,
        related_name="roles",
        db_table=schema_table("security", "role_permissions"),
    )

    class Meta:
        db_table = schema_table("security", "roles")
        ordering = ["name"]

    def __str__(self):
        return self.name


class RoleAssignment(PikaModel):
    """A role granted to a user, optionally until a given time.

    Deleting the user removes their assignments; a role cannot be deleted while assigned.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        db_index=False,  # (user, role) is unique and leads with user
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed by name in Meta.indexes
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("security", "role_assignments")
        indexes = [
            models.Index(fields=["granted_by"], name="role_assign_granted_by_idx"),
            models.Index(fields=["role"], name="role_assignments_role_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignments_uniq"),
        ]

    def __str__(self):
        return f"{self.user_id} as {self.role_id}"


class ApiKey(PikaModel):
    """A key for machine access. Only its prefix (shown to humans) and its hash are stored."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        db_index=False,  # indexed by name in Meta.indexes
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True, help_text="Shown to identify the key.")
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("security", "api_keys")
        indexes = [
            models.Index(fields=["owner"], name="api_keys_owner_idx"),
        ]
        verbose_name = "API key"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="api_keys_hash_is_sha256"
            ),
            models.CheckConstraint(
                condition=Q(prefix__regex=r"^[A-Za-z0-9_]{6,12}$"), name="api_keys_prefix_format"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("created_at")),
                name="api_keys_expire_after_creation",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class SecurityEventKind(models.TextChoices):
    LOGIN_SUCCEEDED = "login_succeeded", "Login succeeded"
    LOGIN_FAILED = "login_failed", "Login failed"
    LOCKOUT = "lockout", "Account locked out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    API_KEY_USED = "api_key_used", "API key used"
    API_KEY_REJECTED = "api_key_rejected", "API key rejected"


class SecurityEvent(models.Model):
    """Something security staff may need to look at later, with where it came from.

    The user and API key are kept as bare ids without foreign-key constraints: the log is
    append-only and outlives what it names. ``email`` holds the name a failed login tried.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, db_default=UUIDv7(), editable=False)
    kind = models.CharField(max_length=30, choices=SecurityEventKind)
    occurred_at = models.DateTimeField(default=timezone.now, db_default=Now())
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # (user, occurred_at) leads with user
    )
    api_key = models.ForeignKey(
        ApiKey,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed by name in Meta.indexes
    )
    session = models.ForeignKey(
        "identity.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
        db_index=False,  # indexed by name in Meta.indexes
    )
    email = models.EmailField(blank=True, db_default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = BoundedTextField(max_length=USER_AGENT_MAX_LENGTH, blank=True, db_default="")
    details = models.JSONField(default=dict, blank=True, db_default={})

    class Meta:
        db_table = schema_table("security", "security_events")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["kind", "occurred_at"], name="security_events_kind_idx"),
            models.Index(fields=["user", "occurred_at"], name="security_events_user_idx"),
            models.Index(fields=["ip_address", "occurred_at"], name="security_events_ip_idx"),
            models.Index(fields=["api_key"], name="security_events_api_key_idx"),
            models.Index(fields=["session"], name="security_events_session_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SecurityEventKind.values), name="security_events_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"
