"""Vouchers that businesses publish and customers redeem."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from payments.models import CURRENCY_CODE
from pika.db.bounded import BoundedTextField, WGS84PointField
from pika.db.tables import schema_table
from pika.models import PikaModel


class VoucherState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    PAUSED = "paused", "Paused"
    EXPIRED = "expired", "Expired"
    ARCHIVED = "archived", "Archived"


class DiscountType(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    FIXED = "fixed", "Fixed amount"


# The voucher's translated fields; each has a ``<field>_key`` column.
TRANSLATED_FIELDS = ("title", "description", "terms")
VOUCHER_KEY = r"^voucher\.[^\s]+\.{field}$"


class Voucher(PikaModel):
    """A discount a business offers for a time window, with redemption limits.

    A voucher with redemptions cannot be deleted (``PROTECT``): they are money-like
    history. Deleting one without redemptions removes its codes and saved copies.

    How many redemptions it has is counted in its `VoucherRedemptionSlice` rows, never on
    this row: a hot voucher's redemptions would all queue for it.
    """

    business = models.ForeignKey(
        "business.Business",
        on_delete=models.PROTECT,
        related_name="vouchers",
        db_index=False,  # the composite indexes below lead with business
    )
    state = models.CharField(
        max_length=20,
        choices=VoucherState,
        default=VoucherState.DRAFT,
        db_default=VoucherState.DRAFT,
    )
    # Each key is the voucher's own (unique, and shaped voucher.<name>.<field>), so that the
    # business's staff may write its translations without reaching anybody else's texts.
    title_key = models.CharField(max_length=255, help_text="i18n translation key of the title.")
    description_key = models.CharField(
        max_length=255, help_text="i18n translation key of the description."
    )
    terms_key = models.CharField(max_length=255, help_text="i18n translation key of the terms.")
    discount_type = models.CharField(max_length=20, choices=DiscountType)
    discount_value = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(
        max_length=3,
        null=True,
        blank=True,
        help_text="ISO 4217 code of a fixed amount (EUR); empty for a percentage.",
    )
    valid_from = models.DateTimeField()
    expires_at = models.DateTimeField()
    max_redemptions = models.IntegerField(
        null=True, blank=True, help_text="Empty for no overall limit."
    )
    max_per_user = models.IntegerField(default=1, db_default=1)

    class Meta:
        db_table = schema_table("marketplace", "vouchers")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["business", "state"], name="vouchers_business_state_idx"),
            models.Index(fields=["expires_at"], name="vouchers_expires_at_idx"),
            models.Index(
                fields=["business", "state", "expires_at"],
                name="vouchers_biz_state_exp_idx",
            ),
            models.Index(
                fields=["state"],
                condition=Q(state=VoucherState.PUBLISHED),
                name="vouchers_published_idx",
            ),
            # The public list, newest first: the first page reads 20 entries, not every
            # published voucher sorted.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(state=VoucherState.PUBLISHED),
                name="vouchers_published_new_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=VoucherState.values), name="vouchers_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(discount_type__in=DiscountType.values),
                name="vouchers_discount_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(discount_value__gt=0), name="vouchers_discount_value_positive"
            ),
            models.CheckConstraint(
                # isnull too: a NULL currency makes the regex NULL, which a CHECK lets pass.
                condition=Q(
                    discount_type=DiscountType.FIXED,
                    currency__isnull=False,
                    currency__regex=CURRENCY_CODE,
                )
                | Q(discount_type=DiscountType.PERCENTAGE, currency__isnull=True),
                name="vouchers_fixed_amount_has_currency",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}_key__regex": VOUCHER_KEY.format(field=field)}),
                    name=f"vouchers_{field}_key_shape",
                )
                for field in TRANSLATED_FIELDS
            ),
            *(
                models.UniqueConstraint(fields=[f"{field}_key"], name=f"vouchers_{field}_key_uniq")
                for field in TRANSLATED_FIELDS
            ),
            models.CheckConstraint(
                condition=~Q(discount_type=DiscountType.PERCENTAGE)
                | Q(discount_value__lte=Decimal("100")),
                name="vouchers_percentage_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("expires_at")),
                name="vouchers_valid_from_before_expiry",
            ),
            models.CheckConstraint(
                condition=Q(max_redemptions__isnull=True) | Q(max_redemptions__gte=1),
                name="vouchers_max_redemptions_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_per_user__gte=1), name="vouchers_max_per_user_positive"
            ),
        ]

    def __str__(self):
        return self.title_key


# Upper-case letters and digits without the look-alikes 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class VoucherCode(PikaModel):
    """A code a customer presents to redeem a voucher; a voucher has many.

    ``redemption_count`` counts live (not reversed) redemptions and only the redemption
    service changes it; a single-use code can never count more than one.
    """

    voucher = models.ForeignKey(
        Voucher, on_delete=models.CASCADE, related_name="codes", db_index=False
    )
    code = models.CharField(max_length=32, unique=True)
    is_single_use = models.BooleanField(default=False, db_default=False)
    redemption_count = models.IntegerField(default=0, db_default=0, editable=False)

    class Meta:
        db_table = schema_table("marketplace", "voucher_codes")
        indexes = [
            models.Index(fields=["voucher"], name="voucher_codes_voucher_idx"),
        ]
        ordering = ["voucher", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=rf"^[{CODE_ALPHABET}]{{4,32}}$"),
                name="voucher_codes_alphabet",
            ),
            models.CheckConstraint(
                condition=Q(redemption_count__gte=0), name="voucher_codes_count_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(is_single_use=False) | Q(redemption_count__lte=1),
                name="voucher_codes_single_use_once",
            ),
        ]

    def __str__(self):
        return self.code


class RedemptionStatus(models.TextChoices):
    REDEEMED = "redeemed", "Redeemed"
    REVERSED = "reversed", "Reversed"


class Redemption(PikaModel):
    """The ledger: one voucher used by one customer at one time and place.

    Rows are never deleted: a mistaken redemption is reversed. Nothing it references can
    be deleted while it exists (``PROTECT``). ``idempotency_key`` makes a retried request
    find the first attempt instead of redeeming twice.
    """

    voucher = models.ForeignKey(
        Voucher,
        on_delete=models.PROTECT,
        related_name="redemptions",
        db_index=False,  # (voucher, user) leads with voucher
    )
    code = models.ForeignKey(
        VoucherCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redemptions",
        db_index=False,  # indexed by name in Meta.indexes
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="redemptions",
        db_index=False,  # (user, redeemed_at) leads with user
    )
    redeemed_at = models.DateTimeField(default=timezone.now, db_default=Now())
    location = WGS84PointField(
        geography=True, srid=4326, null=True, blank=True, spatial_index=False
    )
    status = models.CharField(
        max_length=20,
        choices=RedemptionStatus,
        default=RedemptionStatus.REDEEMED,
        db_default=RedemptionStatus.REDEEMED,
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(
        max_length=255, help_text="Chosen by the client; unique per user, not globally."
    )

    class Meta:
        db_table = schema_table("marketplace", "redemptions")
        ordering = ["-redeemed_at"]
        indexes = [
            models.Index(fields=["voucher", "user"], name="redemptions_voucher_user_idx"),
            models.Index(fields=["user", "redeemed_at"], name="redemptions_user_time_idx"),
            GistIndex(fields=["location"], name="redemptions_location_gist"),
            models.Index(fields=["code"], name="redemptions_code_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="redemptions_user_idempotency_uniq"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RedemptionStatus.values), name="redemptions_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=RedemptionStatus.REDEEMED, reversed_at__isnull=True)
                | Q(status=RedemptionStatus.REVERSED, reversed_at__isnull=False),
                name="redemptions_reversal_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.voucher_id} by {self.user_id} ({self.status})"


class SavedVoucherStatus(models.TextChoices):
    SAVED = "saved", "Saved"
    CLAIMED = "claimed", "Claimed"


class SavedVoucher(PikaModel):
    """A voucher a customer saved for later or claimed (possibly paying for it).

    Deleting the customer or the voucher removes it; a payment cannot be deleted while it
    pays for a claim.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_vouchers",
        db_index=False,  # (user, voucher) is unique and leads with user
    )
    voucher = models.ForeignKey(
        Voucher, on_delete=models.CASCADE, related_name="saved_by", db_index=False
    )
    status = models.CharField(
        max_length=20,
        choices=SavedVoucherStatus,
        default=SavedVoucherStatus.SAVED,
        db_default=SavedVoucherStatus.SAVED,
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        db_index=False,  # indexed by name in Meta.indexes
    )

    class Meta:
        db_table = schema_table("marketplace", "saved_vouchers")
        indexes = [
            models.Index(fields=["payment"], name="saved_vouchers_payment_idx"),
            models.Index(fields=["voucher"], name="saved_vouchers_voucher_idx"),
        ]
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "voucher"], name="saved_vouchers_uniq"),
            models.CheckConstraint(
                condition=Q(status__in=SavedVoucherStatus.values),
                name="saved_vouchers_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=SavedVoucherStatus.SAVED, claimed_at__isnull=True)
                | Q(status=SavedVoucherStatus.CLAIMED, claimed_at__isnull=False),
                name="saved_vouchers_claim_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.voucher_id} {self.status} by {self.user_id}"


class VoucherSearchDocument(models.Model):
    """A voucher's resolved title and description in one language, for full-text search.

    Derived data, written only by the database: triggers on vouchers, translations and
    languages keep it current whoever writes (migration ``marketplace.0006``).
    ``document`` weights the title above the description; ``content`` is the same text
    for the trigram index that forgives a typo.
    """

    pk = models.CompositePrimaryKey("voucher", "language")
    # The database cascades (marketplace.0009): the web may read documents, never write them,
    # so Django must not delete them row by row on the web's behalf.
    voucher = models.ForeignKey(
        Voucher, on_delete=models.DO_NOTHING, related_name="search_documents", db_index=False
    )
    language = models.ForeignKey(
        "i18n.Language", on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    document = SearchVectorField()
    # A title and a description of at most 10,000 characters each, and a space.
    content = BoundedTextField(max_length=20_001)

    class Meta:
        db_table = schema_table("marketplace", "voucher_search_documents")
        indexes = [
            # The language leads both (btree_gin): a search reads the postings of its own
            # language only. Matched in all five languages and filtered afterwards, a common
            # word's bitmap outgrew work_mem at the benchmark's scale and every row of its
            # pages was checked again (7 s; 0.4 s with the language in the index).
            GinIndex(fields=["language", "document"], name="search_language_document_gin"),
            GinIndex(
                F("language"),
                OpClass("content", name="gin_trgm_ops"),
                name="search_language_content_trgm",
            ),
        ]

    def __str__(self):
        return f"{self.voucher_id} [{self.language_id}]"


# How deep a voucher's slices may split: at most 2**4 = 16 slices, enough to keep the
# clients of a 2-core database busy, few enough that a redemption finds a free one at once.
SLICE_MAX_DEPTH = 4


class VoucherRedemptionSlice(models.Model):
    """A share of a voucher's redemption capacity, and how much of it is taken.

    A voucher starts with one slice holding its whole ``max_redemptions`` (NULL: no limit).
    A redemption takes room in any slice nobody else holds (``FOR UPDATE SKIP LOCKED``);
    when every slice with room is held, the waiter splits the one it gets (slice ``s`` of
    depth ``d`` gives half its room to slice ``s + 2**d``), so concurrent redemptions of a hot
    voucher spread over up to 16 rows instead of queueing for one. The sum of ``taken`` is
    the voucher's live redemptions: triggers on the ledger keep it, whoever writes
    (migration ``marketplace.0010``); only the database writes these rows.
    """

    pk = models.CompositePrimaryKey("voucher", "slice")
    # The database cascades (marketplace.0010): the web may never write slices, so Django
    # must not delete them on its behalf when staff delete a voucher.
    voucher = models.ForeignKey(
        Voucher,
        on_delete=models.DO_NOTHING,
        related_name="redemption_slices",
        db_index=False,
        db_constraint=False,
    )
    slice = models.SmallIntegerField()
    depth = models.SmallIntegerField(default=0, db_default=0)
    capacity = models.IntegerField(null=True, blank=True, help_text="Empty for no limit.")
    taken = models.IntegerField(default=0, db_default=0)

    class Meta:
        db_table = schema_table("marketplace", "voucher_redemption_slices")
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__gte=0), name="voucher_slices_taken_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(taken__lte=F("capacity")),
                name="voucher_slices_taken_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(depth__gte=0, depth__lte=SLICE_MAX_DEPTH)
                & Q(slice__gte=0)
                & Q(slice__lt=2**SLICE_MAX_DEPTH),
                name="voucher_slices_shape",
            ),
        ]

    def __str__(self):
        return f"{self.voucher_id}#{self.slice}"
