"""Factories for businesses."""

import factory
from django.contrib.gis.geos import Point

from business.models import Business, StaffMembership, StaffRole
from tests.catalog.factories import CategoryFactory
from tests.users.factories import UserFactory


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    business_name_key = factory.Sequence(lambda n: f"business.{n}.name")
    category = factory.SubFactory(CategoryFactory)
    owner = factory.SubFactory(UserFactory, role="business")
    location = factory.LazyFunction(lambda: Point(-3.7038, 40.4168, srid=4326))


def business_manager(business: Business, role: str = StaffRole.OWNER):
    """A user who works for ``business`` in ``role`` (owner by default)."""
    user = UserFactory(role="business")
    StaffMembership.objects.create(business=business, user=user, role=role)
    return user
