"""Authentication state: sessions, one-time tokens and links to external identity providers.

Secrets are never stored: every token column holds the SHA-256 hex digest of the token the
user holds, so a database leak hands out nothing usable.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pika.db.bounded import USER_AGENT_MAX_LENGTH, BoundedTextField
from pika.db.tables import schema_table
from pika.models import PikaModel

SHA256_HEX = r"^[0-9a-f]{64}$"


class Session(PikaModel):
    """A login session, renewed through a refresh token; revoked sessions are kept as history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sessions",
        db_index=False,  # the partial index below leads with user
    )
    refresh_token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = BoundedTextField(max_length=USER_AGENT_MAX_LENGTH, blank=True, db_default="")

    class Meta:
        db_table = schema_table("identity", "sessions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["user", "expires_at"],
                condition=Q(revoked_at__isnull=True),
                name="sessions_user_live_idx",
            ),
            models.Index(fields=["expires_at"], name="sessions_expires_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(refresh_token_hash__regex=SHA256_HEX),
                name="sessions_token_hash_is_sha256",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="sessions_expire_after_creation"
            ),
        ]

    def __str__(self):
        return f"Session of {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class TokenPurpose(models.TextChoices):
    EMAIL_VERIFICATION = "email_verification", "Email verification"
    PASSWORD_RESET = "password_reset", "Password reset"


class OneTimeToken(PikaModel):
    """An emailed token for verifying an address or resetting a password: single use, expiring."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="one_time_tokens",
        db_index=False,  # (user, purpose) leads with user
    )
    purpose = models.CharField(max_length=30, choices=TokenPurpose)
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(help_text="The address the token was sent to.")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("identity", "one_time_tokens")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "purpose"], name="one_time_tokens_user_idx"),
            models.Index(fields=["expires_at"], name="one_time_tokens_expires_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=TokenPurpose.values), name="one_time_tokens_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(token_hash__regex=SHA256_HEX),
                name="one_time_tokens_hash_is_sha256",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="one_time_tokens_expire_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(used_at__lte=F("expires_at")),
                name="one_time_tokens_used_before_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} for {self.email}"


class IdentityProvider(models.TextChoices):
    GOOGLE = "google", "Google"
    APPLE = "apple", "Apple"
    FACEBOOK = "facebook", "Facebook"
    MICROSOFT = "microsoft", "Microsoft"


class ExternalIdentity(PikaModel):
    """A user's account at an external identity provider, found by the provider's subject id."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        db_index=False,  # (user, provider) is unique and leads with user
    )
    provider = models.CharField(max_length=20, choices=IdentityProvider)
    subject = models.CharField(max_length=255, help_text="The provider's stable user id (sub).")
    email = models.EmailField(blank=True, db_default="")
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("identity", "external_identities")
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="external_identities_subject_uniq"
            ),
            models.UniqueConstraint(
                fields=["user", "provider"], name="external_identities_user_provider_uniq"
            ),
            models.CheckConstraint(
                condition=Q(provider__in=IdentityProvider.values),
                name="external_identities_provider_valid",
            ),
        ]

    def __str__(self):
        return f"{self.provider}:{self.subject}"
