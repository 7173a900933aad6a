"""The database refuses voucher rows that break the rules, whoever writes them."""

import pytest
from django.db import IntegrityError, connection, transaction

from marketplace.models import Voucher, VoucherRedemptionSlice
from tests.marketplace.factories import VoucherFactory

pytestmark = pytest.mark.django_db


def set_columns(voucher, **values):
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Voucher._meta.db_table} SET {assignments} WHERE id = %s",
            [*values.values(), voucher.pk],
        )


@pytest.mark.parametrize(
    ("constraint", "values"),
    [
        ("vouchers_max_redemptions_positive", {"max_redemptions": 0}),
        ("vouchers_max_per_user_positive", {"max_per_user": 0}),
        ("vouchers_valid_from_before_expiry", {"valid_from": "2030-01-01T00:00:00Z"}),
        (
            "vouchers_percentage_at_most_100",
            {"discount_type": "percentage", "discount_value": 101, "currency": None},
        ),
        ("vouchers_fixed_amount_has_currency", {"currency": None}),
        ("vouchers_fixed_amount_has_currency", {"currency": "eur"}),
        ("vouchers_fixed_amount_has_currency", {"discount_type": "percentage"}),
        ("vouchers_title_key_shape", {"title_key": "business.1.name"}),
        ("vouchers_description_key_shape", {"description_key": "voucher.1.title"}),
        ("vouchers_terms_key_uniq", {"terms_key": "voucher.taken.terms"}),
        ("vouchers_discount_value_positive", {"discount_value": 0}),
        ("vouchers_state_valid", {"state": "bogus"}),
        ("vouchers_discount_type_valid", {"discount_type": "bogus"}),
    ],
)
def test_bad_voucher_row_is_refused(constraint, values):
    VoucherFactory(terms_key="voucher.taken.terms")
    voucher = VoucherFactory(expires_at="2029-01-01T00:00:00Z")
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        set_columns(voucher, **values)


def test_a_percentage_of_exactly_100_is_allowed():
    voucher = VoucherFactory(discount_type="percentage", currency=None, max_redemptions=3)
    set_columns(voucher, discount_value=100)
    voucher.refresh_from_db()
    assert voucher.discount_value == 100


def set_slice(voucher, **values):
    assignments = ", ".join(f"{c} = %s" for c in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {VoucherRedemptionSlice._meta.db_table} SET {assignments}"
            " WHERE voucher_id = %s AND slice = 0",
            [*values.values(), voucher.pk],
        )


@pytest.mark.parametrize(
    ("constraint", "values"),
    [
        ("voucher_slices_taken_not_negative", {"taken": -1}),
        ("voucher_slices_taken_within_capacity", {"taken": 4}),
        ("voucher_slices_shape", {"slice": 16}),
        ("voucher_slices_shape", {"depth": 5}),
    ],
)
def test_bad_slice_row_is_refused_even_to_the_owner(constraint, values):
    voucher = VoucherFactory(max_redemptions=3)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        set_slice(voucher, **values)


def test_a_full_slice_is_allowed():
    voucher = VoucherFactory(max_redemptions=3)
    set_slice(voucher, taken=3)
    assert VoucherRedemptionSlice.objects.get(voucher=voucher).taken == 3
