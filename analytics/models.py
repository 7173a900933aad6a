"""Analytics: raw marketplace events and a daily aggregate kept as a materialized view."""

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from pika.db.functions import UUIDv7, uuid7
from pika.db.tables import schema_table


class EventKind(models.TextChoices):
    VOUCHER_VIEWED = "voucher_viewed", "Voucher viewed"
    VOUCHER_CLAIMED = "voucher_claimed", "Voucher claimed"
    VOUCHER_REDEEMED = "voucher_redeemed", "Voucher redeemed"


class Event(models.Model):
    """One thing that happened on the marketplace. Append-only, in time order.

    Deleting a user keeps their events without them (``SET_NULL``); deleting a voucher or
    a business removes its events, which mean nothing without it.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, db_default=UUIDv7(), editable=False)
    kind = models.CharField(max_length=30, choices=EventKind)
    occurred_at = models.DateTimeField(default=timezone.now, db_default=Now())
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed by name in Meta.indexes
    )
    voucher = models.ForeignKey(
        "marketplace.Voucher",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # (voucher, occurred_at) leads with voucher
    )
    business = models.ForeignKey(
        "business.Business",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # (business, occurred_at) leads with business
    )

    class Meta:
        db_table = schema_table("analytics", "events")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["voucher", "occurred_at"], name="events_voucher_time_idx"),
            models.Index(fields=["business", "occurred_at"], name="events_business_time_idx"),
            # Rows arrive in time order, so a BRIN index serves time ranges at a tiny size.
            BrinIndex(fields=["occurred_at"], name="events_occurred_at_brin"),
            models.Index(fields=["user"], name="events_user_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="events_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.voucher_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


class DailyVoucherStats(models.Model):
    """Events per day, business and voucher: the materialized view
    ``analytics.daily_voucher_stats``, refreshed by ``manage.py refresh_analytics``.

    Read-only; ``id`` is derived from (day, voucher) so that rows keep their identity
    across refreshes.
    """

    id = models.UUIDField(primary_key=True)
    day = models.DateField()
    business = models.ForeignKey(
        "business.Business", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    voucher = models.ForeignKey(
        "marketplace.Voucher", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    views = models.IntegerField()
    claims = models.IntegerField()
    redemptions = models.IntegerField()

    class Meta:
        managed = False
        db_table = schema_table("analytics", "daily_voucher_stats")
        verbose_name_plural = "daily voucher stats"
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.voucher_id}"
