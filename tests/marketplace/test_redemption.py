"""Redemption: limits hold under concurrency, retries are idempotent, reversals give back."""

import datetime
import os
import subprocess
import sys
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone

from analytics.models import Event, EventKind
from marketplace.models import (
    Redemption,
    RedemptionStatus,
    Voucher,
    VoucherCode,
    VoucherRedemptionSlice,
    VoucherState,
)
from marketplace.selectors import redemptions_taken_of_voucher
from marketplace.services import redemption_reverse, voucher_redeem
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from pika.errors import DomainError
from tests.business.factories import BusinessFactory, business_manager
from tests.marketplace.factories import VoucherFactory
from tests.users.factories import UserFactory

THREADS = 12


def redeem_as(user, **arguments):
    """Redeem as ``user`` on this thread's own connection, as a request would."""
    with acting_as(user_id=user.pk, role=APPLICATION_ROLE):
        return voucher_redeem(**arguments)


def race(attempts):
    """Run each (user, arguments) attempt on its own thread and connection, all at once.

    Returns ``("ok", RedeemResult)`` or ``("refused", code)`` per attempt, in order.
    """
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def attempt(index, user, arguments):
        try:
            barrier.wait()
            outcomes[index] = ("ok", redeem_as(user, **arguments))
        except DomainError as refusal:
            outcomes[index] = ("refused", refusal.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(n, user, arguments))
        for n, (user, arguments) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def ledger_matches_counters(voucher: Voucher) -> None:
    live = Redemption.objects.filter(voucher=voucher, status=RedemptionStatus.REDEEMED)
    assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == live.count()
    for code in VoucherCode.objects.filter(voucher=voucher):
        assert code.redemption_count == live.filter(code=code).count()


@pytest.mark.django_db(transaction=True)
def test_many_threads_never_oversell_a_voucher_with_a_small_limit():
    voucher = VoucherFactory(max_redemptions=5, max_per_user=1)
    users = [UserFactory() for _ in range(THREADS)]
    outcomes = race([(user, {"voucher_id": voucher.pk, "idempotency_key": "k"}) for user in users])
    assert Counter(kind for kind, _ in outcomes) == {"ok": 5, "refused": THREADS - 5}
    assert {code for kind, code in outcomes if kind == "refused"} == {"voucher_sold_out"}
    ledger_matches_counters(voucher)
    assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == 5


@pytest.mark.django_db(transaction=True)
def test_one_user_racing_with_different_keys_gets_exactly_the_per_user_limit():
    voucher = VoucherFactory(max_redemptions=None, max_per_user=2)
    user = UserFactory()
    outcomes = race(
        [(user, {"voucher_id": voucher.pk, "idempotency_key": f"k{n}"}) for n in range(8)]
    )
    assert Counter(kind for kind, _ in outcomes) == {"ok": 2, "refused": 6}
    assert {code for kind, code in outcomes if kind == "refused"} == {"per_user_limit_reached"}
    ledger_matches_counters(voucher)


@pytest.mark.django_db(transaction=True)
def test_a_single_use_code_is_redeemed_once_however_many_race_for_it():
    voucher = VoucherFactory(max_redemptions=None)
    code = VoucherCode.objects.create(voucher=voucher, code="SNGE2345", is_single_use=True)
    outcomes = race(
        [
            (UserFactory(), {"voucher_id": voucher.pk, "idempotency_key": "k", "code": "snge2345"})
            for _ in range(8)
        ]
    )
    assert Counter(kind for kind, _ in outcomes) == {"ok": 1, "refused": 7}
    assert {code for kind, code in outcomes if kind == "refused"} == {"code_already_used"}
    code.refresh_from_db()
    assert code.redemption_count == 1
    ledger_matches_counters(voucher)


@pytest.mark.django_db(transaction=True)
def test_retries_racing_the_first_attempt_all_return_the_one_redemption():
    voucher = VoucherFactory(max_redemptions=10, max_per_user=5)
    user = UserFactory()
    outcomes = race([(user, {"voucher_id": voucher.pk, "idempotency_key": "same"})] * 8)
    assert all(kind == "ok" for kind, _ in outcomes)
    assert len({result.redemption.pk for _, result in outcomes}) == 1
    assert sorted(result.replayed for _, result in outcomes) == [False] + [True] * 7
    ledger_matches_counters(voucher)
    assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == 1
    assert Event.objects.filter(voucher=voucher, kind=EventKind.VOUCHER_REDEEMED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_idempotency_keys_are_per_user_and_refuse_another_voucher():
    first, second = VoucherFactory(), VoucherFactory()
    alice, bob = UserFactory(), UserFactory()
    mine = redeem_as(alice, voucher_id=first.pk, idempotency_key="k").redemption
    theirs = redeem_as(bob, voucher_id=first.pk, idempotency_key="k").redemption
    assert mine.pk != theirs.pk
    with pytest.raises(DomainError) as refused:
        redeem_as(alice, voucher_id=second.pk, idempotency_key="k")
    assert refused.value.code == "idempotency_key_reused"
    assert redemptions_taken_of_voucher(voucher_id=second.pk) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"state": VoucherState.DRAFT}, "voucher_not_live"),
        ({"state": VoucherState.PAUSED}, "voucher_not_live"),
        ({"valid_from": timezone.now() + datetime.timedelta(days=1)}, "voucher_not_yet_valid"),
        (
            {
                "valid_from": timezone.now() - datetime.timedelta(days=9),
                "expires_at": timezone.now() - datetime.timedelta(days=1),
            },
            "voucher_expired",
        ),
    ],
)
def test_a_voucher_that_is_not_live_is_refused_and_nothing_changes(changes, code):
    voucher = VoucherFactory(**changes)
    with pytest.raises(DomainError) as refused:
        redeem_as(UserFactory(), voucher_id=voucher.pk, idempotency_key="k")
    assert refused.value.code == code
    assert not Redemption.objects.filter(voucher=voucher).exists()
    assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == 0


@pytest.mark.django_db(transaction=True)
def test_an_inactive_business_takes_its_vouchers_off_offer():
    voucher = VoucherFactory(business=BusinessFactory(is_active=False))
    with pytest.raises(DomainError, match="not on offer"):
        redeem_as(UserFactory(), voucher_id=voucher.pk, idempotency_key="k")


@pytest.mark.django_db(transaction=True)
def test_nobody_signed_in_cannot_redeem():
    voucher = VoucherFactory()
    with pytest.raises(DomainError) as refused, acting_as(role=APPLICATION_ROLE):
        voucher_redeem(voucher_id=voucher.pk, idempotency_key="k")
    assert (refused.value.code, refused.value.status) == ("not_authenticated", 401)


@pytest.mark.django_db(transaction=True)
def test_a_reversal_gives_the_slot_back_once_and_only_to_the_business_staff():
    voucher = VoucherFactory(max_redemptions=1)
    code = VoucherCode.objects.create(voucher=voucher, code="ABCD2345", is_single_use=True)
    customer, stranger = UserFactory(), UserFactory()
    redemption = redeem_as(
        customer, voucher_id=voucher.pk, idempotency_key="k", code="ABCD2345"
    ).redemption
    for user, expected in ((customer, "permission_denied"), (stranger, "not_found")):
        with (
            pytest.raises(DomainError) as refused,
            acting_as(user_id=user.pk, role=APPLICATION_ROLE),
        ):
            redemption_reverse(redemption_id=redemption.pk)
        assert refused.value.code == expected
    manager = business_manager(voucher.business)
    with acting_as(user_id=manager.pk, role=APPLICATION_ROLE):
        reversed_ = redemption_reverse(redemption_id=redemption.pk)
    assert reversed_.status == RedemptionStatus.REVERSED and reversed_.reversed_at
    ledger_matches_counters(voucher)
    code.refresh_from_db()
    assert (redemptions_taken_of_voucher(voucher_id=voucher.pk), code.redemption_count) == (0, 0)
    with (
        pytest.raises(DomainError) as refused,
        acting_as(user_id=manager.pk, role=APPLICATION_ROLE),
    ):
        redemption_reverse(redemption_id=redemption.pk)
    assert refused.value.code == "redemption_already_reversed"
    assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == 0
    # The slot is free again, and the single-use code with it.
    redeem_as(stranger, voucher_id=voucher.pk, idempotency_key="k2", code="ABCD2345")


@pytest.mark.django_db(transaction=True)
def test_the_event_is_written_with_its_redemption_and_never_for_a_rolled_back_one():
    voucher = VoucherFactory()
    user = UserFactory()

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), acting_as(user_id=user.pk, role=APPLICATION_ROLE):
        voucher_redeem(voucher_id=voucher.pk, idempotency_key="k")
        raise Abandon
    assert not Event.objects.filter(voucher=voucher).exists()
    assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == 0
    redeem_as(user, voucher_id=voucher.pk, idempotency_key="k")
    assert list(Event.objects.filter(voucher=voucher).values_list("kind", "user_id")) == [
        (EventKind.VOUCHER_REDEEMED, user.pk)
    ]


def test_the_redemption_counts_have_no_other_writer(db):
    """The web, even the voucher's own manager running SQL of its choosing, changes no
    slice: inserts are refused, updates and deletes reach no row."""
    voucher = VoucherFactory(max_redemptions=5)
    manager = business_manager(voucher.business)
    with acting_as(user_id=manager.pk, role=APPLICATION_ROLE), connection.cursor() as cursor:
        assert Voucher.objects.filter(pk=voucher.pk).update(max_per_user=3) == 1
        cursor.execute(
            "SELECT slice, capacity, taken FROM marketplace.voucher_redemption_slices"
            " WHERE voucher_id = %s",
            [voucher.pk],
        )
        assert cursor.fetchall() == [(0, 5, 0)]  # the manager sees the counts
        for statement in (
            "UPDATE marketplace.voucher_redemption_slices SET taken = 5 WHERE voucher_id = %s",
            "UPDATE marketplace.voucher_redemption_slices SET capacity = NULL"
            " WHERE voucher_id = %s",
            "DELETE FROM marketplace.voucher_redemption_slices WHERE voucher_id = %s",
        ):
            cursor.execute(statement, [voucher.pk])
            assert cursor.rowcount == 0, statement
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            cursor.execute(
                "INSERT INTO marketplace.voucher_redemption_slices"
                " (voucher_id, slice, depth, capacity, taken) VALUES (%s, 1, 1, NULL, 0)",
                [voucher.pk],
            )
    slices = VoucherRedemptionSlice.objects.filter(voucher=voucher)
    assert list(slices.values_list("slice", "capacity", "taken")) == [(0, 5, 0)]


WEB_LOGIN_REDEMPTION = """
import django
django.setup()
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from marketplace.services import voucher_redeem
from django.db import connection
with acting_as(user_id="{user}", role=APPLICATION_ROLE):
    result = voucher_redeem(voucher_id="{voucher}", idempotency_key="web")
    with acting_as(user_id=None, role=APPLICATION_ROLE):
        pass  # nested: the user and the role come back afterwards
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_user, current_user, security.current_user_id()")
        print(*cursor.fetchone(), result.redemption.pk)
"""


@pytest.mark.django_db(transaction=True)
def test_the_service_runs_on_the_web_login_and_records_its_event():
    """As WSGI runs it: the web's login, which may vouch only once it is application_role
    (``acting_as`` sets the role first), also for the event written with the redemption."""
    voucher, user = VoucherFactory(), UserFactory()
    environment = {
        **os.environ,
        "PG_DATABASE": connection.settings_dict["NAME"],
        "PIKA_DATABASE_LOGIN": "web",
        "DATABASE_POOL_SIZE": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", WEB_LOGIN_REDEMPTION.format(user=user.pk, voucher=voucher.pk)],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    session_user, current_user, acting, redemption = done.stdout.split()
    assert (session_user, current_user, acting) == (
        settings.PG_WEB_USER,
        APPLICATION_ROLE,
        str(user.pk),
    )
    assert Redemption.objects.get(pk=redemption).user_id == user.pk
    assert Event.objects.filter(voucher=voucher, kind=EventKind.VOUCHER_REDEEMED).count() == 1
