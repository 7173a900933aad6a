"""A refund can never exceed its payment: the database keeps the total, whoever writes."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from payments.models import Payment, PaymentStatus, Refund, RefundStatus
from tests.payments.factories import PaymentFactory, RefundFactory

pytestmark = pytest.mark.django_db


def refunded(payment) -> Decimal:
    payment.refresh_from_db()
    return payment.refunded_amount


def test_refunds_add_up_on_the_payment():
    payment = PaymentFactory(amount=Decimal("100.00"))
    RefundFactory(payment=payment, amount=Decimal("30.00"))
    RefundFactory(payment=payment, amount=Decimal("20.00"), status=RefundStatus.SUCCEEDED)
    assert refunded(payment) == Decimal("50.00")


def test_a_failed_refund_gives_its_amount_back():
    payment = PaymentFactory()
    refund = RefundFactory(payment=payment, amount=Decimal("40.00"))
    refund.status = RefundStatus.FAILED
    refund.save()
    assert refunded(payment) == 0


def test_deleting_a_refund_gives_its_amount_back():
    payment = PaymentFactory()
    RefundFactory(payment=payment, amount=Decimal("40.00")).delete()
    assert refunded(payment) == 0


def test_a_refund_above_the_payment_is_refused():
    payment = PaymentFactory(amount=Decimal("100.00"))
    RefundFactory(payment=payment, amount=Decimal("60.00"))
    with (
        pytest.raises(IntegrityError, match="payments_refunds_within_amount"),
        transaction.atomic(),
    ):
        RefundFactory(payment=payment, amount=Decimal("40.01"))
    assert refunded(payment) == Decimal("60.00")


def test_raising_a_refund_by_plain_sql_above_the_payment_is_refused():
    refund = RefundFactory(payment=PaymentFactory(amount=Decimal("100.00")))
    with (
        pytest.raises(IntegrityError, match="payments_refunds_within_amount"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {Refund._meta.db_table} SET amount = 100.01 WHERE id = %s", [refund.pk]
        )


def test_writing_refunded_amount_directly_cannot_exceed_the_amount():
    payment = PaymentFactory(amount=Decimal("10.00"))
    with (
        pytest.raises(IntegrityError, match="payments_refunds_within_amount"),
        transaction.atomic(),
    ):
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=Decimal("10.01"))


def test_a_payment_that_has_not_succeeded_cannot_be_refunded():
    payment = PaymentFactory(status=PaymentStatus.PENDING)
    with pytest.raises(IntegrityError, match="has not succeeded") as error, transaction.atomic():
        RefundFactory(payment=payment)
    assert error.value.__cause__.diag.constraint_name == "refunds_payment_succeeded"


@pytest.mark.parametrize(
    ("field", "constraint"),
    [("provider_reference", "provider_reference"), ("idempotency_key", "idempotency_key")],
)
def test_provider_reference_and_idempotency_key_are_unique(field, constraint):
    first = PaymentFactory()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        PaymentFactory(**{field: getattr(first, field)})


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"amount": Decimal("0")}, "payments_amount_positive"),
        ({"currency": "eur"}, "payments_currency_iso4217"),
        ({"currency": "EURO"}, "value too long"),
        ({"status": "bogus"}, "payments_status_valid"),
    ],
)
def test_bad_payment_rows_are_refused(values, constraint):
    with pytest.raises(Exception, match=constraint), transaction.atomic():
        PaymentFactory(**values)


@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_cannot_together_exceed_the_payment():
    payment = PaymentFactory(amount=Decimal("100.00"))
    barrier = threading.Barrier(2)
    outcomes = []

    def refund(key):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                Refund.objects.create(payment=payment, amount=Decimal("60.00"), idempotency_key=key)
            outcomes.append("ok")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refund, args=(f"race-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ok", "refused"]
    assert refunded(payment) == Decimal("60.00")
