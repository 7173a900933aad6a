"""The benchmark's data set, at a tiny size, keeps every constraint and invariant.

Loaded the build's way (COPY, the user triggers off, the search documents by the project's
refresh function, the public locations by the build's INSERT) inside the test's
transaction, then checked: the constraints as rows arrive, the deferred foreign keys on
demand, and `bench.invariants` after.
"""

import pytest
from django.db import connection

from bench.build import PUBLIC_LOCATIONS_BUILD
from bench.dataset import LOAD_ORDER, DataSet, Sizes
from bench.invariants import violations

pytestmark = pytest.mark.django_db

SIZES = Sizes(users=60, businesses=12, vouchers=80, redemptions=150, audit_rows=200)


def test_a_tiny_data_set_keeps_every_invariant():
    data = DataSet(sizes=SIZES, seed=7, anchor=1_795_737_600)
    data.plan()
    with connection.cursor() as cursor:
        for table, columns, method in LOAD_ORDER:
            if table != "audit.audit_logs":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write("".join(getattr(data, method)()))
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT marketplace.voucher_search_refresh(ARRAY(SELECT id FROM marketplace.vouchers))"
        )
        cursor.execute(PUBLIC_LOCATIONS_BUILD)
        found = violations(cursor)
        cursor.execute("SELECT count(*) FROM marketplace.redemptions")
        (redemptions,) = cursor.fetchone()
    assert found == dict.fromkeys(found, 0)
    assert redemptions > SIZES.redemptions // 2


def test_the_same_seed_gives_the_same_rows():
    first, second = (DataSet(sizes=SIZES, seed=3, anchor=1_795_737_600) for _ in range(2))
    first.plan()
    second.plan()
    assert list(first.voucher_rows()) == list(second.voucher_rows())
    assert list(first.redemption_rows()) == list(second.redemption_rows())
