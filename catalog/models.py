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
