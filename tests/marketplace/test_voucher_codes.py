"""Voucher codes are generated unique, random and without look-alike characters."""

import pytest

from marketplace.models import CODE_ALPHABET, VoucherCode
from marketplace.services import voucher_codes_generate
from tests.marketplace.factories import VoucherFactory

pytestmark = pytest.mark.django_db


def test_generates_the_requested_number_of_unique_codes():
    voucher = VoucherFactory()
    codes = voucher_codes_generate(voucher=voucher, count=500, length=6, single_use=True)
    assert len(codes) == 500
    assert len({code.code for code in codes}) == 500
    assert VoucherCode.objects.filter(voucher=voucher, is_single_use=True).count() == 500


def test_codes_avoid_look_alike_characters():
    codes = voucher_codes_generate(voucher=VoucherFactory(), count=200)
    characters = set("".join(code.code for code in codes))
    assert characters <= set(CODE_ALPHABET)
    assert not characters & set("01OIL")


def test_a_collision_with_an_existing_code_is_replaced():
    # With 4-character codes over 31 symbols collisions are frequent enough to occur.
    voucher = VoucherFactory()
    first = voucher_codes_generate(voucher=voucher, count=3000, length=4)
    second = voucher_codes_generate(voucher=voucher, count=3000, length=4)
    assert len({code.code for code in first + second}) == 6000


@pytest.mark.parametrize(("count", "length"), [(0, 8), (1, 3), (1, 33)])
def test_refuses_impossible_requests(count, length):
    with pytest.raises(ValueError):
        voucher_codes_generate(voucher=VoucherFactory(), count=count, length=length)
