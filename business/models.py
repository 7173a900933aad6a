"""Businesses that offer vouchers, with where they are and the area they serve."""

from django.conf import settings
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Q

from pika.db.bounded import WGS84PointField, WGS84PolygonField
from pika.db.tables import schema_table
from pika.models import PikaModel


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    PENDING = "pending", "Pending review"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


class Business(PikaModel):
    """A business listed on the marketplace; name and description are translation keys.

    Its owner cannot be deleted while it exists, nor can its category or, through the
    vouchers' ``PROTECT``, the business itself once it has vouchers. Deleting a business
    without vouchers removes its hours, staff, photos and offerings.
    """

    business_name_key = models.CharField(
        max_length=255, unique=True, help_text="i18n translation key of the business name."
    )
    business_description_key = models.CharField(
        max_length=255,
        null=True,
        blank=True,
        help_text="i18n translation key of the description.",
    )
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.PROTECT,
        related_name="businesses",
        db_index=False,  # indexed by name in Meta.indexes
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="businesses",
        db_index=False,  # indexed by name in Meta.indexes
    )
    location = WGS84PointField(
        geography=True, srid=4326, null=True, blank=True, spatial_index=False
    )
    service_area = WGS84PolygonField(
        geography=True, srid=4326, null=True, blank=True, spatial_index=False
    )
    is_active = models.BooleanField(default=True, db_default=True)
    logo = models.ForeignKey(
        "files.File",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed by name in Meta.indexes
    )
    verification_status = models.CharField(
        max_length=20,
        choices=VerificationStatus,
        default=VerificationStatus.UNVERIFIED,
        db_default=VerificationStatus.UNVERIFIED,
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed by name in Meta.indexes
    )

    class Meta:
        db_table = schema_table("business", "businesses")
        verbose_name_plural = "businesses"
        ordering = ["business_name_key"]
        indexes = [
            models.Index(fields=["category"], name="businesses_category_idx"),
            models.Index(fields=["owner"], name="businesses_owner_idx"),
            GistIndex(fields=["location"], name="businesses_location_gist"),
            GistIndex(fields=["service_area"], name="businesses_service_area_gist"),
            models.Index(
                fields=["verification_status"],
                condition=Q(verification_status=VerificationStatus.PENDING),
                name="businesses_pending_review_idx",
            ),
            models.Index(fields=["logo"], name="businesses_logo_idx"),
            models.Index(fields=["verified_by"], name="businesses_verified_by_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(verification_status__in=VerificationStatus.values),
                name="businesses_verification_valid",
            ),
            models.CheckConstraint(
                condition=~Q(verification_status=VerificationStatus.VERIFIED)
                | Q(verified_at__isnull=False),
                name="businesses_verified_have_time",
            ),
        ]

    def __str__(self):
        return self.business_name_key


class OpeningHours(PikaModel):
    """One opening interval of a business on a weekday (ISO: 1 is Monday, 7 is Sunday).

    A day with a break has two rows; a night past midnight ends at 23:59:59 and goes on the
    next day's row.
    """

    business = models.ForeignKey(
        Business,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        db_index=False,  # the unique constraint leads with business
    )
    weekday = models.SmallIntegerField()
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        db_table = schema_table("business", "opening_hours")
        verbose_name_plural = "opening hours"
        ordering = ["business", "weekday", "opens_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "weekday", "opens_at"], name="opening_hours_uniq"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7), name="opening_hours_iso_weekday"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")), name="opening_hours_open_before_close"
            ),
        ]

    def __str__(self):
        return f"{self.weekday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class StaffRole(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    STAFF = "staff", "Staff"


class StaffMembership(PikaModel):
    """A user working for a business, with a role there. Deleting either ends the membership."""

    business = models.ForeignKey(
        Business,
        on_delete=models.CASCADE,
        related_name="staff",
        db_index=False,  # (business, user) is unique and leads with business
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_memberships",
        db_index=False,  # indexed by name in Meta.indexes
    )
    role = models.CharField(
        max_length=20, choices=StaffRole, default=StaffRole.STAFF, db_default=StaffRole.STAFF
    )

    class Meta:
        db_table = schema_table("business", "staff_memberships")
        indexes = [
            models.Index(fields=["user"], name="staff_memberships_user_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="staff_memberships_uniq"),
            models.CheckConstraint(
                condition=Q(role__in=StaffRole.values), name="staff_memberships_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} at {self.business_id} ({self.role})"


class BusinessPhoto(PikaModel):
    """A picture in a business's gallery; the file cannot be deleted while shown."""

    business = models.ForeignKey(
        Business,
        on_delete=models.CASCADE,
        related_name="photos",
        db_index=False,  # (business, file) is unique and leads with business
    )
    file = models.ForeignKey(
        "files.File", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    caption_key = models.CharField(max_length=255, null=True, blank=True)
    sort_order = models.IntegerField(default=0, db_default=0)

    class Meta:
        db_table = schema_table("business", "photos")
        indexes = [
            models.Index(fields=["file"], name="photos_file_idx"),
        ]
        ordering = ["business", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["business", "file"], name="photos_business_file_uniq"),
        ]

    def __str__(self):
        return f"Photo {self.file_id} of {self.business_id}"


class BusinessPublicLocation(models.Model):
    """Where each active business is: the one public fact a nearby search filters on.

    Derived data, written only by the database (a SECURITY DEFINER trigger on
    ``business.businesses``, migration ``business.0005``): a row exactly for each active
    business with a location. Unlike the businesses it has no row level security, since
    everyone may read all of it, so the planner may use its GiST index for ``ST_DWithin``
    and ``<->``, which are not leakproof and cannot come before a policy's conditions
    (see docs/performance.md). The web may only read it.
    """

    business = models.OneToOneField(
        Business,
        on_delete=models.DO_NOTHING,  # the trigger removes the row
        primary_key=True,
        related_name="public_location",
    )
    location = WGS84PointField(geography=True, srid=4326, spatial_index=False)

    class Meta:
        db_table = schema_table("business", "public_locations")
        indexes = [GistIndex(fields=["location"], name="public_locations_location_gist")]

    def __str__(self):
        return str(self.business_id)
