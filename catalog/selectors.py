"""Reads of the catalog."""

from django.db.models import QuerySet

from .models import Category


def categories_active() -> QuerySet[Category]:
    """Active categories in their display order."""
    return Category.objects.filter(is_active=True).order_by("sort_order", "slug")
