"""Factories for marketplace rows, standing on the other domains' factories."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from marketplace.models import DiscountType, Voucher, VoucherState
from tests.business.factories import BusinessFactory


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voucher

    business = factory.SubFactory(BusinessFactory)
    state = VoucherState.PUBLISHED
    title_key = factory.Sequence(lambda n: f"voucher.{n}.title")
    description_key = factory.Sequence(lambda n: f"voucher.{n}.description")
    terms_key = factory.Sequence(lambda n: f"voucher.{n}.terms")
    discount_type = DiscountType.FIXED
    discount_value = Decimal("5.00")
    currency = "EUR"
    # An hour ago: inside a test transaction, now() is when the transaction began.
    valid_from = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    expires_at = factory.LazyAttribute(lambda v: v.valid_from + datetime.timedelta(days=30))
