"""What the audit trigger costs per row: single-row UPDATEs with and without it.

Run after ``make setup``: ``.venv/bin/python bench/audit_cost.py [--rows 10000]``. Every
UPDATE runs as ``application_role`` for a vouched user, as a request's would, inside one
transaction that is rolled back at the end: the table, the log and the trigger are left as
they were. The difference is the trigger: the row diff, the vouched identity (an HMAC
check per row) and the row digest, plus the audit row and its indexes.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")


def timed_updates(cursor, table: str, row_ids: list) -> float:
    """Seconds taken by one single-row UPDATE of each row.

    Each row is updated once: updating one row over and over in a single transaction
    would time the walk along its ever longer chain of row versions instead.
    """
    started = time.perf_counter()
    for row_id in row_ids:
        cursor.execute(f"UPDATE {table} SET name = 'benched' WHERE id = %s", [row_id])
    return time.perf_counter() - started


def bench_rows(cursor, table: str, prefix: str, count: int) -> list:
    """Insert ``count`` rows to update (unaudited: the trigger is off while this runs)."""
    cursor.execute(
        f"INSERT INTO {table} (code, name) SELECT %s || n, 'bench' FROM generate_series(1, %s) n"
        " RETURNING id",
        [prefix, count],
    )
    return [row[0] for row in cursor.fetchall()]


def main() -> None:
    """Print µs per UPDATE with the audit trigger, without it, and the difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows

    import django

    django.setup()
    from django.db import connection, transaction

    from i18n.models import Language
    from pika.db.context import acting_as
    from pika.db.security import APPLICATION_ROLE
    from users.models import User

    table = Language._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Deferred foreign-key checks would stop the ALTER TABLE below.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        actor = User.objects.order_by("pk").values_list("pk", flat=True).first()
        timings = {}
        with connection.cursor() as cursor:
            # Every other trigger off too (search documents would refresh per language
            # added), so that the one difference is the audit trigger.
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            warm_up, audited, plain = (
                bench_rows(cursor, table, prefix, count)
                for prefix, count in (("w", 500), ("a", rows), ("p", rows))
            )
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_log_change")
            with acting_as(user_id=actor, role=APPLICATION_ROLE):
                timed_updates(cursor, table, warm_up)
                timings["with the audit trigger"] = timed_updates(cursor, table, audited)
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_log_change")
            with acting_as(user_id=actor, role=APPLICATION_ROLE):
                timings["without it"] = timed_updates(cursor, table, plain)
        transaction.set_rollback(True)
    for label, seconds in timings.items():
        print(f"{label:>24}: {seconds / rows * 1e6:8.1f} µs/row ({rows} single-row UPDATEs)")
    extra = (timings["with the audit trigger"] - timings["without it"]) / rows * 1e6
    print(f"{'trigger cost':>24}: {extra:8.1f} µs/row")


if __name__ == "__main__":
    main()
