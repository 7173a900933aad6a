"""People on the platform: the user account and its profile."""

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    Group,
    Permission,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower

from pika.db.bounded import BoundedTextField, WGS84PointField
from pika.db.encryption import EncryptedTextField, LookupHashField
from pika.db.tables import schema_table
from pika.models import PikaModel
from users.hashers import PasswordHashField


class UserRole(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    BUSINESS = "business", "Business"
    ADMIN = "admin", "Admin"


class UserStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", "Unconfirmed"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    BANNED = "banned", "Banned"


class UserManager(BaseUserManager):
    """Finds users by email, case-insensitively, through the lower(email) unique index."""

    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.alias(email_lower=Lower("email")).get(email_lower=email.lower())

    def create_user(self, email, password=None, **fields):
        """Create a user (Django's contract for createsuperuser and tests)."""
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        """Create an active staff superuser with the admin role."""
        fields.update(
            is_staff=True, is_superuser=True, role=UserRole.ADMIN, status=UserStatus.ACTIVE
        )
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin, PikaModel):
    """An account: logs in by email; ``status`` decides whether it may log in at all."""

    email = models.EmailField(max_length=254)
    # Stored as password_hash, bare bcrypt, the column the seed's SQL reads and writes.
    password = PasswordHashField(max_length=128, db_column="password_hash", db_default="!")
    first_name = models.CharField(max_length=150, blank=True, db_default="")
    last_name = models.CharField(max_length=150, blank=True, db_default="")
    role = models.CharField(
        max_length=20, choices=UserRole, default=UserRole.CUSTOMER, db_default=UserRole.CUSTOMER
    )
    status = models.CharField(
        max_length=20,
        choices=UserStatus,
        default=UserStatus.UNCONFIRMED,
        db_default=UserStatus.UNCONFIRMED,
    )
    # Derived in the database, so that it can never disagree with status; Django's auth
    # refuses logins of inactive users and its forms filter on it.
    is_active = models.GeneratedField(
        expression=models.Q(status__in=[UserStatus.UNCONFIRMED, UserStatus.ACTIVE]),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    is_staff = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Designates whether the user can log into the admin site.",
    )
    is_superuser = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Designates that this user has all permissions without explicitly "
        "assigning them.",
    )
    groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="user_set",
        related_query_name="user",
        db_table=schema_table("users", "user_groups"),
    )
    user_permissions = models.ManyToManyField(
        Permission,
        blank=True,
        related_name="user_set",
        related_query_name="user",
        db_table=schema_table("users", "user_permissions"),
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        db_table = schema_table("users", "users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="users_email_ci_uniq"),
            models.CheckConstraint(
                condition=models.Q(role__in=UserRole.values), name="users_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=UserStatus.values), name="users_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["role", "status"], name="users_role_status_idx"),
            models.Index(fields=["created_at"], name="users_created_at_idx"),
        ]

    def __str__(self):
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name


class UserProfile(PikaModel):
    """What a user tells about themselves beyond the account; one per user."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=150, blank=True, db_default="")
    # Personal data: encrypted at rest; found by value through phone_number_lookup.
    phone_number = EncryptedTextField()
    phone_number_lookup = LookupHashField(source="phone_number", db_index=False)
    date_of_birth = models.DateField(null=True, blank=True)
    bio = BoundedTextField(max_length=2_000, blank=True, db_default="")
    preferred_language = models.CharField(
        max_length=10, blank=True, db_default="", help_text="An i18n language code."
    )
    avatar = models.ForeignKey(
        "files.File",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Deleting the file clears the avatar.",
        db_index=False,  # indexed by name in Meta.indexes
    )

    class Meta:
        db_table = schema_table("users", "user_profiles")
        indexes = [
            models.Index(fields=["avatar"], name="user_profiles_avatar_idx"),
            models.Index(fields=["phone_number_lookup"], name="user_profiles_phone_lookup_idx"),
        ]

    def __str__(self):
        return f"Profile of {self.user}"


class Theme(models.TextChoices):
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"
    SYSTEM = "system", "System"


class UserPreferences(PikaModel):
    """The seed's migration example: display and notification choices, one row per user."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="preferences")
    theme = models.CharField(
        max_length=20, choices=Theme, default=Theme.LIGHT, db_default=Theme.LIGHT
    )
    language = models.CharField(max_length=5, default="en", db_default="en")
    notifications_enabled = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = schema_table("users", "user_preferences")
        verbose_name_plural = "user preferences"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theme__in=Theme.values), name="user_preferences_theme_valid"
            ),
        ]

    def __str__(self):
        return f"Preferences of {self.user}"


class Address(PikaModel):
    """A postal address of a user; at most one is the default."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="addresses", db_index=False
    )
    label = models.CharField(max_length=50, blank=True, db_default="")
    line1 = models.CharField(max_length=255)
    line2 = models.CharField(max_length=255, blank=True, db_default="")
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True, db_default="")
    postal_code = models.CharField(max_length=20, blank=True, db_default="")
    country_code = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, upper case.")
    location = WGS84PointField(geography=True, srid=4326, null=True, blank=True)
    is_default = models.BooleanField(default=False, db_default=False)

    class Meta:
        db_table = schema_table("users", "addresses")
        verbose_name_plural = "addresses"
        ordering = ["user", "-is_default", "label"]
        indexes = [models.Index(fields=["user", "is_default"], name="addresses_user_default_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="addresses_one_default_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(country_code__regex=r"^[A-Z]{2}$"),
                name="addresses_country_code_iso",
            ),
        ]

    def __str__(self):
        return f"{self.line1}, {self.city}"
