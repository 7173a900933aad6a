"""Writes of the marketplace domain."""

import datetime
import secrets
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import DatabaseError, connection, transaction
from django.db.models.functions import Now
from django.utils import timezone

from business.models import Business
from i18n.models import Language, Translation
from pika.errors import DomainError, Forbidden, Invalid, NotFound, refusal_from

from .models import (
    CODE_ALPHABET,
    TRANSLATED_FIELDS,
    Redemption,
    SavedVoucher,
    Voucher,
    VoucherCode,
    VoucherState,
)
from .selectors import redemptions_taken_of_voucher, voucher_list

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


@dataclass(frozen=True)
class RedeemResult:
    """A redemption and whether it was the first attempt's (a replayed idempotency key)."""

    redemption: Redemption
    replayed: bool


def voucher_redeem(
    *, voucher_id, idempotency_key: str, code: str | None = None, location: Point | None = None
) -> RedeemResult:
    """Redeem a live voucher (or one of its codes) for the acting user, atomically.

    The database does the work in ``marketplace.voucher_redeem``: limits, window,
    single-use codes and the idempotency key; the ledger's trigger takes room in one of the
    voucher's redemption slices under that slice's lock. A refusal raises a `DomainError`
    with a stable code and changes nothing. A retry with the same key returns the first
    redemption (``replayed``). The function writes the analytics event with the redemption,
    once, in the same transaction.
    """
    ewkt = f"SRID=4326;POINT({location.x} {location.y})" if location is not None else None
    with _refusals(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT redemption_id, replayed FROM"
            " marketplace.voucher_redeem(%s, %s, %s, %s::geography)",
            [voucher_id, code or None, idempotency_key, ewkt],
        )
        redemption_id, replayed = cursor.fetchone()
    # Only the code is joined, and only when there is one: each joined table costs a
    # redemption its row level security policies (the voucher is the caller's to read).
    redemptions = Redemption.objects.select_related("code") if code else Redemption.objects
    redemption = redemptions.get(pk=redemption_id)
    return RedeemResult(redemption=redemption, replayed=replayed)


def redemption_reverse(*, redemption_id) -> Redemption:
    """Reverse a redemption once, giving its slot (and its code's) back; business staff only.

    ``marketplace.redemption_reverse`` locks the voucher first, as redeeming does. A second
    reversal is refused (``redemption_already_reversed``).
    """
    with _refusals(), connection.cursor() as cursor:
        cursor.execute("SELECT marketplace.redemption_reverse(%s)", [redemption_id])
    return Redemption.objects.select_related("voucher", "code").get(pk=redemption_id)


@contextmanager
def _refusals():
    """Run a database operation in a savepoint; its refusals become `DomainError`s."""
    try:
        with transaction.atomic():
            yield
    except DatabaseError as error:
        refusal = refusal_from(error)
        if refusal is None:
            raise
        raise refusal from None


# Lifecycle: action → (states it may start from, the state it leads to). The start is the
# voucher's effective state: a published or paused voucher past its expiry is expired.
TRANSITIONS = {
    "publish": (
        {VoucherState.DRAFT, VoucherState.PAUSED, VoucherState.EXPIRED},
        VoucherState.PUBLISHED,
    ),
    "pause": ({VoucherState.PUBLISHED}, VoucherState.PAUSED),
    "archive": (
        {VoucherState.DRAFT, VoucherState.PUBLISHED, VoucherState.PAUSED, VoucherState.EXPIRED},
        VoucherState.ARCHIVED,
    ),
    "expire": ({VoucherState.PUBLISHED, VoucherState.PAUSED}, VoucherState.EXPIRED),
}


def voucher_effective_state(voucher: Voucher, now: datetime.datetime | None = None) -> str:
    """The state that counts: a published or paused voucher past ``expires_at`` is expired,
    whether or not a scheduled job has written that yet."""
    now = now or timezone.now()
    running = voucher.state in (VoucherState.PUBLISHED, VoucherState.PAUSED)
    return VoucherState.EXPIRED if running and voucher.expires_at <= now else voucher.state


def voucher_transition(*, voucher_id, action: str) -> Voucher:
    """Move a voucher along its lifecycle (publish, pause, archive, expire) and return it.

    An illegal transition raises ``illegal_transition``; publishing needs a complete
    voucher (``voucher_incomplete``) whose window has not ended (``voucher_window_over``:
    give an expired voucher a new window first). Nothing changes on a refusal.
    """
    if action not in TRANSITIONS:
        raise Invalid("unknown_action", f"No voucher action {action!r}.", {"action": [action]})
    sources, target = TRANSITIONS[action]
    with transaction.atomic():
        voucher = _voucher_for_update(voucher_id)
        now = timezone.now()
        current = voucher_effective_state(voucher, now)
        if current not in sources:
            raise DomainError("illegal_transition", f"A voucher that is {current} cannot {action}.")
        if target == VoucherState.PUBLISHED:
            _publishable_check(voucher, now)
        voucher.state = target
        voucher.save(update_fields=["state", "updated_at"])
    return voucher


def vouchers_expire_due(*, limit: int | None = None) -> int:
    """Write ``expired`` on published or paused vouchers past their expiry; return how many.

    Only bookkeeping: being past ``expires_at`` already makes a voucher not live. With
    ``limit``, at most that many, skipping rows another transaction holds (a redemption in
    flight), so that a caller can work through a large backlog in short transactions.
    """
    due = Voucher.objects.filter(
        state__in=[VoucherState.PUBLISHED, VoucherState.PAUSED], expires_at__lte=Now()
    )
    if limit is not None:
        # Locked and listed first: as a subquery of the UPDATE, the LIMIT may be re-run by
        # the plan and let more rows through.
        batch = list(
            due.order_by().select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
        )
        due = due.filter(pk__in=batch)
    return due.update(state=VoucherState.EXPIRED, updated_at=Now())


def _voucher_for_update(voucher_id) -> Voucher:
    voucher = Voucher.objects.select_for_update().filter(pk=voucher_id).first()
    if voucher is not None:
        return voucher
    if Voucher.objects.filter(pk=voucher_id).exists():
        raise Forbidden("permission_denied", "Only the business's staff may change this voucher.")
    raise NotFound("not_found", "No such voucher.")


def _publishable_check(voucher: Voucher, now: datetime.datetime) -> None:
    if voucher.expires_at <= now:
        raise DomainError(
            "voucher_window_over",
            "The voucher's validity window has ended: give it a later expires_at first.",
        )
    keys = [getattr(voucher, f"{field}_key") for field in TRANSLATED_FIELDS]
    present = set(
        Translation.objects.filter(key__in=keys, language__is_default=True).values_list(
            "key", flat=True
        )
    )
    missing = [
        field for field in TRANSLATED_FIELDS if getattr(voucher, f"{field}_key") not in present
    ]
    if missing:
        raise DomainError(
            "voucher_incomplete",
            "A voucher needs its texts in the default language before it is published;"
            f" missing: {', '.join(missing)}.",
        )
    if not Business.objects.filter(pk=voucher.business_id, is_active=True).exists():
        raise DomainError("business_inactive", "The voucher's business is not active.")


# What a business's staff may set on a voucher (the counters and the state have their own
# writers).
VOUCHER_EDITABLE = (
    "discount_type",
    "discount_value",
    "currency",
    "valid_from",
    "expires_at",
    "max_redemptions",
    "max_per_user",
)


def voucher_create(*, business_id, texts: dict[str, dict[str, str]], **fields) -> Voucher:
    """Create a draft voucher of a business, with its texts per language code.

    Its translation keys are its own (``voucher.<id>.<field>``). Row level security lets
    only the business's owner and managers (or staff with Django's permission) do this.
    """
    unknown = set(fields) - set(VOUCHER_EDITABLE)
    if unknown:
        raise Invalid("invalid", "Unknown fields.", {name: ["Unknown field."] for name in unknown})
    if not business_manageable(business_id=business_id):
        raise Forbidden("permission_denied", "Only the business's staff may add its vouchers.")
    with transaction.atomic():
        voucher = Voucher(business_id=business_id, state=VoucherState.DRAFT, **fields)
        for field in TRANSLATED_FIELDS:
            setattr(voucher, f"{field}_key", f"voucher.{voucher.pk}.{field}")
        voucher.full_clean()
        voucher.save(force_insert=True)
        _texts_write(voucher, texts)
    return voucher


def voucher_update(
    *, voucher_id, texts: dict[str, dict[str, str]] | None = None, **fields
) -> Voucher:
    """Change a voucher's terms and texts; an archived voucher is read-only."""
    unknown = set(fields) - set(VOUCHER_EDITABLE)
    if unknown:
        raise Invalid("invalid", "Unknown fields.", {name: ["Unknown field."] for name in unknown})
    with transaction.atomic():
        voucher = _voucher_for_update(voucher_id)
        if voucher.state == VoucherState.ARCHIVED:
            raise DomainError("voucher_archived", "An archived voucher cannot change.")
        for name, value in fields.items():
            setattr(voucher, name, value)
        voucher.full_clean(exclude=["business"])
        _maximum_check(voucher)
        # The slices' trigger re-checks the maximum under their locks (a redemption may
        # have come in since) and refuses with ``voucher_max_below_redemptions``.
        with _refusals():
            voucher.save()
        _texts_write(voucher, texts or {})
    return voucher


def _maximum_check(voucher: Voucher) -> None:
    if voucher.max_redemptions is None:
        return
    taken = redemptions_taken_of_voucher(voucher_id=voucher.pk)
    if voucher.max_redemptions < taken:
        raise Invalid(
            "invalid",
            "The maximum is below the redemptions the voucher has.",
            {"max_redemptions": [f"This voucher has {taken} redemptions already."]},
        )


def business_manageable(*, business_id) -> bool:
    """Whether the acting user may manage the business's vouchers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT security.is_business_staff(%s, '{owner,manager}')"
            " OR security.has_perm('marketplace.add_voucher')",
            [business_id],
        )
        return cursor.fetchone()[0]


def _texts_write(voucher: Voucher, texts: dict[str, dict[str, str]]) -> None:
    languages = dict(Language.objects.filter(code__in=texts).values_list("code", "pk"))
    unknown = set(texts) - set(languages)
    if unknown:
        raise Invalid(
            "invalid",
            "Unknown languages.",
            {f"texts.{code}": ["Unknown language."] for code in unknown},
        )
    for code, values in texts.items():
        for field, value in values.items():
            if field not in TRANSLATED_FIELDS:
                raise Invalid("invalid", "Unknown text.", {f"texts.{code}.{field}": ["Unknown."]})
            Translation.objects.update_or_create(
                key=getattr(voucher, f"{field}_key"),
                language_id=languages[code],
                defaults={"value": value, "domain": "voucher"},
            )


def voucher_save(*, user_id, voucher_id) -> tuple[SavedVoucher, bool]:
    """Save a live voucher for later; saving it again changes nothing.

    Returns the saved row and whether this call created it.
    """
    if not voucher_list().filter(pk=voucher_id).exists():
        raise NotFound("not_found", "No such voucher on offer.")
    return SavedVoucher.objects.get_or_create(user_id=user_id, voucher_id=voucher_id)


def voucher_unsave(*, user_id, voucher_id) -> None:
    """Forget a saved voucher; one that was never saved is a 404."""
    deleted, _ = SavedVoucher.objects.filter(user_id=user_id, voucher_id=voucher_id).delete()
    if not deleted:
        raise NotFound("not_found", "This voucher is not saved.")
