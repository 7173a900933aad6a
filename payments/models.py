"""Money that moves: payments and their refunds. Amounts are Decimal with an ISO 4217 currency."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pika.db.encryption import EncryptedTextField, LookupHashField
from pika.db.tables import schema_table
from pika.models import PikaModel

CURRENCY_CODE = r"^[A-Z]{3}$"


class PaymentProvider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    ADYEN = "adyen", "Adyen"
    PAYPAL = "paypal", "PayPal"
    MANUAL = "manual", "Manual"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Payment(PikaModel):
    """A charge to a user. A paying user cannot be deleted (``PROTECT``): money needs a payer.

    ``refunded_amount`` is kept by a database trigger on refunds (pending and succeeded
    refunds count), and a check keeps it at most ``amount``: no writer, however it writes,
    can refund more than was paid.
    """

    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,  # (payer, created_at) leads with payer
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, help_text="ISO 4217 code, upper case.")
    status = models.CharField(
        max_length=20,
        choices=PaymentStatus,
        default=PaymentStatus.PENDING,
        db_default=PaymentStatus.PENDING,
    )
    provider = models.CharField(max_length=20, choices=PaymentProvider)
    provider_reference = models.CharField(max_length=255, unique=True, null=True, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    description = models.CharField(max_length=255, blank=True, db_default="")
    # The payer's account at the provider (IBAN, card fingerprint): encrypted at rest.
    account_reference = EncryptedTextField()
    account_reference_lookup = LookupHashField(source="account_reference", db_index=False)
    refunded_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, db_default=0, editable=False
    )

    class Meta:
        db_table = schema_table("payments", "payments")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["payer", "created_at"], name="payments_payer_idx"),
            models.Index(fields=["status", "created_at"], name="payments_status_idx"),
            models.Index(fields=["account_reference_lookup"], name="payments_account_lookup_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(currency__regex=CURRENCY_CODE), name="payments_currency_iso4217"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payments_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(provider__in=PaymentProvider.values), name="payments_provider_valid"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0), name="payments_refunded_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("amount")),
                name="payments_refunds_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency} ({self.status})"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Refund(PikaModel):
    """Money given back on a payment, in the payment's currency. A payment with refunds
    cannot be deleted (``PROTECT``)."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", db_index=False
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(
        max_length=20,
        choices=RefundStatus,
        default=RefundStatus.PENDING,
        db_default=RefundStatus.PENDING,
    )
    reason = models.CharField(max_length=255, blank=True, db_default="")
    provider_reference = models.CharField(max_length=255, unique=True, null=True, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)

    class Meta:
        db_table = schema_table("payments", "refunds")
        indexes = [
            models.Index(fields=["payment"], name="refunds_payment_idx"),
        ]
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refunds_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=RefundStatus.values), name="refunds_status_valid"
            ),
        ]

    def __str__(self):
        return f"Refund of {self.amount} on {self.payment_id}"
