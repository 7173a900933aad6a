"""Factories for payments and refunds."""

from decimal import Decimal

import factory

from payments.models import Payment, PaymentProvider, PaymentStatus, Refund
from tests.users.factories import UserFactory


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    payer = factory.SubFactory(UserFactory)
    amount = Decimal("100.00")
    currency = "EUR"
    status = PaymentStatus.SUCCEEDED
    provider = PaymentProvider.STRIPE
    provider_reference = factory.Sequence(lambda n: f"ch_test_{n}")
    idempotency_key = factory.Sequence(lambda n: f"payment-{n}")


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    payment = factory.SubFactory(PaymentFactory)
    amount = Decimal("10.00")
    idempotency_key = factory.Sequence(lambda n: f"refund-{n}")
