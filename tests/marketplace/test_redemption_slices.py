"""A voucher's redemptions are counted in slices: no hot row, and still no oversell.

Contention is made on purpose: another session holds a slice's lock while a redemption
runs, as a concurrent redemption would, so that each test sees the path it names.
"""

import threading
import time
from contextlib import contextmanager

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from marketplace.models import Redemption, RedemptionStatus, VoucherRedemptionSlice
from marketplace.selectors import redemptions_taken_of_voucher
from marketplace.services import voucher_update
from pika.db.context import acting_as
from pika.db.security import APPLICATION_ROLE
from pika.errors import DomainError, Invalid
from tests.business.factories import business_manager
from tests.marketplace.factories import VoucherFactory
from tests.marketplace.test_redemption import race, redeem_as
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def slices(voucher) -> list[tuple[int, int, int | None, int]]:
    """(slice, depth, capacity, taken) of each of the voucher's slices."""
    rows = VoucherRedemptionSlice.objects.filter(voucher=voucher).order_by("slice")
    return list(rows.values_list("slice", "depth", "capacity", "taken"))


def other_session() -> psycopg.Connection:
    params = connection.get_connection_params()
    keep = ["dbname", "user", "password", "host", "port", "options"]
    return psycopg.connect(**{key: params[key] for key in keep if key in params})


@contextmanager
def slice_held(voucher, number: int):
    """Hold a slice's row lock in another session, as a redemption in flight does."""
    with other_session() as session:
        session.execute(
            "SELECT FROM marketplace.voucher_redemption_slices"
            " WHERE voucher_id = %s AND slice = %s FOR UPDATE",
            [voucher.pk, number],
        )
        yield session


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def in_thread(function):
    """Start ``function`` on a thread of its own (its own connection); return a join that
    gives its result or raises its exception."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except Exception as error:  # handed to the test by join()
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()

    def join():
        thread.join(timeout=30)
        assert not thread.is_alive(), "the thread never finished"
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return join


def wait_until(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def redeem_waiting_for(voucher, number: int, user, key: str):
    """Redeem on another thread while another session holds slice ``number``, and release it
    once the redemption waits: the path of a redemption that found every slice held."""
    with slice_held(voucher, number):
        join = in_thread(lambda: redeem_as(user, voucher_id=voucher.pk, idempotency_key=key))
        wait_until(waiting_for_a_lock)
    return join()


def test_a_new_voucher_has_one_slice_with_its_whole_capacity():
    assert slices(VoucherFactory(max_redemptions=10)) == [(0, 0, 10, 0)]
    assert slices(VoucherFactory(max_redemptions=None)) == [(0, 0, None, 0)]


def test_a_redemption_skips_a_held_slice_instead_of_waiting_for_it():
    voucher = VoucherFactory(max_redemptions=10, max_per_user=5)
    user = UserFactory()
    # Two slices: the first redemption waited for a held slice and split it.
    redeem_waiting_for(voucher, 0, user, "a")
    assert slices(voucher) == [(0, 1, 5, 1), (1, 1, 5, 0)]
    # Slice 0 held again: the next redemption takes slice 1 at once, in this thread.
    with slice_held(voucher, 0):
        redeem_as(user, voucher_id=voucher.pk, idempotency_key="b")
        assert slices(voucher) == [(0, 1, 5, 1), (1, 1, 5, 1)]


def test_a_slice_splits_no_deeper_than_sixteen_and_never_with_one_place_left():
    voucher = VoucherFactory(max_redemptions=2, max_per_user=5)
    user = UserFactory()
    redeem_waiting_for(voucher, 0, user, "a")
    assert slices(voucher) == [(0, 1, 1, 1), (1, 1, 1, 0)]
    redeem_waiting_for(voucher, 1, user, "b")
    # One place was left in slice 1: taken, not split.
    assert slices(voucher) == [(0, 1, 1, 1), (1, 1, 1, 1)]
    with pytest.raises(DomainError) as refused:
        redeem_as(user, voucher_id=voucher.pk, idempotency_key="c")
    assert refused.value.code == "voucher_sold_out"


def test_many_clients_on_a_hot_voucher_spread_over_slices_and_count_exactly():
    voucher = VoucherFactory(max_redemptions=None, max_per_user=100)
    users = [UserFactory() for _ in range(8)]
    for round_ in range(3):
        outcomes = race(
            [(user, {"voucher_id": voucher.pk, "idempotency_key": f"{round_}"}) for user in users]
        )
        assert all(kind == "ok" for kind, _ in outcomes), outcomes
    layout = slices(voucher)
    assert all(depth <= 4 and number < 16 for number, depth, _, _ in layout)
    live = Redemption.objects.filter(voucher=voucher, status=RedemptionStatus.REDEEMED)
    assert sum(taken for *_, taken in layout) == live.count() == 24


def test_changing_the_maximum_gathers_the_slices_and_refuses_one_below_the_redemptions():
    voucher = VoucherFactory(max_redemptions=10, max_per_user=5)
    user = UserFactory()
    redeem_waiting_for(voucher, 0, user, "a")
    with slice_held(voucher, 0):
        redeem_as(user, voucher_id=voucher.pk, idempotency_key="b")
    assert len(slices(voucher)) == 2
    manager = business_manager(voucher.business)
    with acting_as(user_id=manager.pk, role=APPLICATION_ROLE):
        voucher_update(voucher_id=voucher.pk, max_redemptions=3)
    assert slices(voucher) == [(0, 0, 3, 2)]
    with pytest.raises(Invalid) as refused, acting_as(user_id=manager.pk, role=APPLICATION_ROLE):
        voucher_update(voucher_id=voucher.pk, max_redemptions=1)
    assert "max_redemptions" in refused.value.fields
    # Past the service's check (as a redemption racing it would make it), the trigger
    # refuses under the slices' locks.
    with (
        pytest.raises(DatabaseError, match="voucher_max_below_redemptions"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE marketplace.vouchers SET max_redemptions = 1 WHERE id = %s", [voucher.pk]
        )
    assert slices(voucher) == [(0, 0, 3, 2)]


def test_changing_the_maximum_while_clients_redeem_never_lets_more_through():
    voucher = VoucherFactory(max_redemptions=1000, max_per_user=100)
    users = [UserFactory() for _ in range(6)]
    lowered = []

    def lower():
        # Down to two more than it has, as soon as some have gone through, while the
        # clients keep redeeming; a refusal (one came in meanwhile) is tried again.
        wait_until(lambda: redemptions_taken_of_voucher(voucher_id=voucher.pk) >= 3)
        while not lowered:
            taken = redemptions_taken_of_voucher(voucher_id=voucher.pk)
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE marketplace.vouchers SET max_redemptions = %s WHERE id = %s",
                        [taken + 2, voucher.pk],
                    )
                lowered.append(taken + 2)
            except DatabaseError as error:
                assert "voucher_max_below_redemptions" in str(error)
        return lowered[0]

    join = in_thread(lower)
    attempts = [
        (user, {"voucher_id": voucher.pk, "idempotency_key": f"{n}"})
        for n in range(10)
        for user in users
    ]
    outcomes = []
    for start in range(0, len(attempts), len(users)):
        outcomes += race(attempts[start : start + len(users)])
    maximum = join()
    redeemed = [outcome for outcome in outcomes if outcome[0] == "ok"]
    refused = {code for kind, code in outcomes if kind == "refused"}
    assert refused <= {"voucher_sold_out"}
    assert len(redeemed) <= maximum
    live = Redemption.objects.filter(voucher=voucher, status=RedemptionStatus.REDEEMED).count()
    assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == live == len(redeemed)
    assert sum(capacity for _, _, capacity, _ in slices(voucher)) == maximum


def test_the_ledger_keeps_the_slices_whoever_writes_it():
    """The owner's plain SQL (a load, a fix) counts as the service does, and a statement
    that would oversell is refused whole."""
    voucher = VoucherFactory(max_redemptions=3)
    users = [UserFactory() for _ in range(4)]
    insert = (
        "INSERT INTO marketplace.redemptions (voucher_id, user_id, idempotency_key)"
        " SELECT %s, u, 'load' FROM unnest(%s::uuid[]) u"
    )
    with (
        pytest.raises(DatabaseError, match="voucher_sold_out"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(insert, [voucher.pk, [user.pk for user in users]])
    assert slices(voucher) == [(0, 0, 3, 0)]
    with connection.cursor() as cursor:
        cursor.execute(insert, [voucher.pk, [user.pk for user in users[:3]]])
        assert slices(voucher) == [(0, 0, 3, 3)]
        cursor.execute(
            "UPDATE marketplace.redemptions SET status = 'reversed', reversed_at = now()"
            " WHERE voucher_id = %s AND user_id = %s",
            [voucher.pk, users[0].pk],
        )
        assert slices(voucher) == [(0, 0, 3, 2)]
        cursor.execute(
            "DELETE FROM marketplace.redemptions WHERE voucher_id = %s AND user_id = %s",
            [voucher.pk, users[1].pk],
        )
        assert slices(voucher) == [(0, 0, 3, 1)]


def test_clients_selling_out_vouchers_never_deadlock():
    """Many rounds of 12 clients selling out a voucher of 5: each round splits slices and
    fills them while others wait, the moment when a waiter could hold a full slice that
    another waits for. Every attempt ends redeemed or sold out, never in a deadlock."""
    users = [UserFactory() for _ in range(12)]
    for round_ in range(10):
        voucher = VoucherFactory(max_redemptions=5, max_per_user=1)
        outcomes = race(
            [(user, {"voucher_id": voucher.pk, "idempotency_key": f"{round_}"}) for user in users]
        )
        assert None not in outcomes, f"round {round_}: an attempt failed otherwise (see stderr)"
        kinds = sorted(kind if kind == "ok" else value for kind, value in outcomes)
        assert kinds == ["ok"] * 5 + ["voucher_sold_out"] * 7, (round_, kinds)
        assert redemptions_taken_of_voucher(voucher_id=voucher.pk) == 5
