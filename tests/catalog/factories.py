"""Factories for catalogue rows."""

import factory

from catalog.models import Category


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_key = factory.LazyAttribute(lambda c: f"category.{c.slug}.name")
