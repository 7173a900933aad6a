"""What the vouched identity costs per request, beside the same work without it.

Runs, many times, the database work every request does around its view: a transaction
that sets the acting user, IP address and user agent and reads the user's own row under
row level security. Once the way requests do it (signed: one more round trip for the
transaction's binding, the signature, and policies that verify it), and once with the bare
settings and a policy on the raw setting (the mechanism before it was signed), on a scratch
copy of users.users so that both read the same row through the same kind of policy.

    .venv/bin/python bench/identity_cost.py [--runs 2000]

A third variant signs the identity but reads through the bare-setting policy: the cost of
signing alone (one more round trip for the binding, one more setting), apart from the
policies' checks (every policy that names the user verifies the signature once per
statement, and users.users has three: its own and the two staff permission checks).

Prints the median and 95th percentile per request of each, and the differences.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from pika.db.context import db_identity_set, db_role_set  # noqa: E402
from pika.db.security import APPLICATION_ROLE  # noqa: E402

UNSIGNED_POLICY = "id = nullif(current_setting('app.user_id', true), '')::uuid"


def _setup(cursor):
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_users AS SELECT id, email FROM users.users LIMIT 1000"
    )
    cursor.execute("ALTER TABLE bench_users ADD PRIMARY KEY (id)")
    cursor.execute("ALTER TABLE bench_users ENABLE ROW LEVEL SECURITY")
    cursor.execute("ALTER TABLE bench_users FORCE ROW LEVEL SECURITY")
    cursor.execute(
        f"CREATE POLICY unsigned ON bench_users TO {APPLICATION_ROLE} USING ({UNSIGNED_POLICY})"
    )
    cursor.execute(f"GRANT SELECT ON bench_users TO {APPLICATION_ROLE}")
    cursor.execute("SELECT id FROM bench_users ORDER BY id LIMIT 1")
    return cursor.fetchone()[0]


def signed(user_id):
    with transaction.atomic(), connection.cursor() as cursor:
        db_role_set(APPLICATION_ROLE)
        db_identity_set(user_id=user_id, ip_address="192.0.2.1", user_agent="bench")
        cursor.execute('SELECT email FROM "users"."users" WHERE id = %s', [user_id])
        assert cursor.fetchone(), "the signed identity must see its row"


def vouched_only(user_id):
    with transaction.atomic(), connection.cursor() as cursor:
        db_role_set(APPLICATION_ROLE)
        db_identity_set(user_id=user_id, ip_address="192.0.2.1", user_agent="bench")
        cursor.execute("SELECT email FROM pg_temp.bench_users WHERE id = %s", [user_id])
        assert cursor.fetchone(), "the bare setting must see its row"


def unsigned(user_id):
    with transaction.atomic(), connection.cursor() as cursor:
        db_role_set(APPLICATION_ROLE)
        cursor.execute(
            "SELECT set_config('app.user_id', %s, true), set_config('app.ip_address', %s, true),"
            " set_config('app.user_agent', %s, true)",
            [str(user_id), "192.0.2.1", "bench"],
        )
        cursor.execute("SELECT email FROM pg_temp.bench_users WHERE id = %s", [user_id])
        assert cursor.fetchone(), "the bare setting must see its row"


def timed(work, user_id, runs):
    for _ in range(runs // 10):  # warm-up
        work(user_id)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work(user_id)
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="requests per variant")
    runs = parser.parse_args().runs
    with connection.cursor() as cursor:
        user_id = _setup(cursor)
    if user_id is None:
        sys.exit("no users: run `make setup` (or manage.py generate_data) first")
    results = {"unsigned settings": timed(unsigned, user_id, runs)}
    results["signing only"] = timed(vouched_only, user_id, runs)
    results["vouched identity"] = timed(signed, user_id, runs)
    print(f"{'per request':<26} {'p50 µs':>8} {'p95 µs':>8}   ({runs} runs each)")
    for name, (p50, p95) in results.items():
        print(f"{name:<26} {p50:>8.0f} {p95:>8.0f}")
    base = results["unsigned settings"][0]
    for name in ("signing only", "vouched identity"):
        print(f"{name + ' - unsigned':<26} {results[name][0] - base:>8.0f}")


if __name__ == "__main__":
    main()
