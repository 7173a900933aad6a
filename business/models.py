"""Businesses that offer vouchers, with where they are and the area they serve."""

from django.conf import settings
from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.indexes import GistIndex
from django.db import models

from pika.db.tables import schema_table
from pika.models import PikaModel


class Business(PikaModel):
    """A business listed on the marketplace; name and description are translation keys."""

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
    location = gis_models.PointField(
        geography=True, srid=4326, null=True, blank=True, spatial_index=False
    )
    service_area = gis_models.PolygonField(
        geography=True, srid=4326, null=True, blank=True, spatial_index=False
    )
    is_active = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = schema_table("business", "businesses")
        verbose_name_plural = "businesses"
        ordering = ["business_name_key"]
        indexes = [
            models.Index(fields=["category"], name="businesses_category_idx"),
            models.Index(fields=["owner"], name="businesses_owner_idx"),
            GistIndex(fields=["location"], name="businesses_location_gist"),
            GistIndex(fields=["service_area"], name="businesses_service_area_gist"),
        ]

    def __str__(self):
        return self.business_name_key
