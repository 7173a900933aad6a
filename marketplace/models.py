"""Vouchers that businesses publish and customers redeem."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from pika.db.tables import schema_table
from pika.models import PikaModel


class VoucherState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    PAUSED = "paused", "Paused"
    EXPIRED = "expired", "Expired"
    ARCHIVED = "archived", "Archived"


class DiscountType(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    FIXED = "fixed", "Fixed amount"


class Voucher(PikaModel):
    """A discount a business offers for a time window, with redemption limits.

    ``current_redemptions`` is a counter that only the redemption service changes, with a
    single conditional UPDATE; check constraints keep it between 0 and the maximum.
    """

    business = models.ForeignKey(
        "business.Business",
        on_delete=models.PROTECT,
        related_name="vouchers",
        db_index=False,  # the composite indexes below lead with business
    )
    state = models.CharField(
        max_length=20,
        choices=VoucherState,
        default=VoucherState.DRAFT,
        db_default=VoucherState.DRAFT,
    )
    title_key = models.CharField(max_length=255, help_text="i18n translation key of the title.")
    description_key = models.CharField(
        max_length=255, help_text="i18n translation key of the description."
    )
    terms_key = models.CharField(max_length=255, help_text="i18n translation key of the terms.")
    discount_type = models.CharField(max_length=20, choices=DiscountType)
    discount_value = models.DecimalField(max_digits=12, decimal_places=2)
    valid_from = models.DateTimeField()
    expires_at = models.DateTimeField()
    max_redemptions = models.IntegerField(
        null=True, blank=True, help_text="Empty for no overall limit."
    )
    max_per_user = models.IntegerField(default=1, db_default=1)
    current_redemptions = models.IntegerField(default=0, db_default=0, editable=False)

    class Meta:
        db_table = schema_table("marketplace", "vouchers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["business", "state"], name="vouchers_business_state_idx"),
            models.Index(fields=["expires_at"], name="vouchers_expires_at_idx"),
            models.Index(
                fields=["business", "state", "expires_at"],
                name="vouchers_biz_state_exp_idx",
            ),
            models.Index(
                fields=["state"],
                condition=Q(state=VoucherState.PUBLISHED),
                name="vouchers_published_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=VoucherState.values), name="vouchers_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(discount_type__in=DiscountType.values),
                name="vouchers_discount_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(discount_value__gt=0), name="vouchers_discount_value_positive"
            ),
            models.CheckConstraint(
                condition=~Q(discount_type=DiscountType.PERCENTAGE)
                | Q(discount_value__lte=Decimal("100")),
                name="vouchers_percentage_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("expires_at")),
                name="vouchers_valid_from_before_expiry",
            ),
            models.CheckConstraint(
                condition=Q(max_redemptions__isnull=True) | Q(max_redemptions__gte=1),
                name="vouchers_max_redemptions_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_per_user__gte=1), name="vouchers_max_per_user_positive"
            ),
            models.CheckConstraint(
                condition=Q(current_redemptions__gte=0),
                name="vouchers_redemptions_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(max_redemptions__isnull=True)
                | Q(current_redemptions__lte=F("max_redemptions")),
                name="vouchers_redemptions_within_max",
            ),
        ]

    def __str__(self):
        return self.title_key
