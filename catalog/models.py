"""The catalogue of what businesses offer, organised as a tree of categories."""

from django.db import models

from pika.db.tables import schema_table
from pika.models import PikaModel


class Category(PikaModel):
    """A node of the category tree; its name and description are i18n translation keys."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,  # (parent, sort_order) leads with parent
        help_text="Empty for a top-level category. A category with children cannot be deleted.",
    )
    slug = models.SlugField(max_length=100, unique=True)
    name_key = models.CharField(max_length=255, help_text="i18n translation key of the name.")
    description_key = models.CharField(
        max_length=255, null=True, blank=True, help_text="i18n translation key of the description."
    )
    sort_order = models.IntegerField(default=0, db_default=0)
    is_active = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = schema_table("catalog", "categories")
        verbose_name_plural = "categories"
        ordering = ["sort_order", "slug"]
        indexes = [
            models.Index(fields=["parent", "sort_order"], name="categories_parent_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="categories_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.slug


class Offering(PikaModel):
    """A product or service a business lists under a category, with an optional price.

    Deleting the business removes its offerings; a category with offerings cannot be deleted.
    """

    business = models.ForeignKey(
        "business.Business",
        on_delete=models.CASCADE,
        related_name="offerings",
        db_index=False,  # (business, sort_order) leads with business
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="offerings",
        db_index=False,  # the partial index below leads with category
    )
    name_key = models.CharField(max_length=255, help_text="i18n translation key of the name.")
    description_key = models.CharField(
        max_length=255, null=True, blank=True, help_text="i18n translation key of the description."
    )
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, db_default="")
    sort_order = models.IntegerField(default=0, db_default=0)
    is_active = models.BooleanField(default=True, db_default=True)

    class Meta:
        db_table = schema_table("catalog", "offerings")
        ordering = ["business", "sort_order"]
        indexes = [
            models.Index(fields=["business", "sort_order"], name="offerings_business_idx"),
            models.Index(
                fields=["category"],
                condition=models.Q(is_active=True),
                name="offerings_active_category_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__isnull=True)
                | (models.Q(price__gte=0) & models.Q(currency__regex=r"^[A-Z]{3}$")),
                name="offerings_price_has_currency",
            ),
        ]

    def __str__(self):
        return self.name_key
