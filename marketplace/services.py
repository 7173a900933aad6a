"""Writes of the marketplace domain."""

import secrets

from django.db import transaction

from .models import CODE_ALPHABET, Voucher, VoucherCode

MAX_GENERATION_ROUNDS = 10


def voucher_code_new(*, length: int = 8) -> str:
    """A random code from the alphabet without look-alike characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


@transaction.atomic
def voucher_codes_generate(
    *, voucher: Voucher, count: int, length: int = 8, single_use: bool = False
) -> list[VoucherCode]:
    """Create ``count`` new unique codes for a voucher and return them.

    Codes are random (``secrets``); a collision with an existing code is skipped by the
    database (``ON CONFLICT DO NOTHING``) and replaced in the next round, so the call either
    returns exactly ``count`` codes or raises, leaving nothing behind.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if not 4 <= length <= 32:
        raise ValueError("length must be between 4 and 32")
    created: list[VoucherCode] = []
    for _ in range(MAX_GENERATION_ROUNDS):
        wanted = count - len(created)
        candidates = {voucher_code_new(length=length) for _ in range(wanted)}
        rows = VoucherCode.objects.bulk_create(
            [
                VoucherCode(voucher=voucher, code=code, is_single_use=single_use)
                for code in candidates
            ],
            ignore_conflicts=True,
        )
        # Ids come from Python, so the rows the database skipped are exactly those whose
        # id it does not have.
        created.extend(VoucherCode.objects.filter(pk__in=[row.pk for row in rows]))
        if len(created) == count:
            return created
    raise RuntimeError(f"could not find {count} free codes of length {length}; use longer codes")
