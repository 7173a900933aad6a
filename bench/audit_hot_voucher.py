"""Hot-voucher redemption throughput with the row-level audit trigger it had, the
statement-level triggers it has (audit.0009), and no audit trigger, side by side.

Run after ``make setup``: ``.venv/bin/python bench/audit_hot_voucher.py [--clients 4,16,64]
[--seconds 8]``.

Each client is a thread with a connection of its own that redeems one voucher, the hot one,
over and over. Each redemption is a transaction as a request runs it: the transaction's
binding, the vouched identity of one of 256 bench users and ``SET LOCAL ROLE
application_role`` (one round trip), ``marketplace.voucher_redeem`` (the ledger INSERT,
one audited statement, whose trigger takes room in one of the voucher's slices) and COMMIT.
Every run has a fresh unlimited voucher; it prints redemptions per second, the median and
99th percentile latency, and checks that the slices add up to the ledger (no oversell, no
lost update).

The row-level set-up is the trigger of audit.0002 to audit.0008, installed on the vouchers and
redemptions tables for its runs from the frozen copy in migration audit.0009; "no audit
trigger" disables the statement-level ones there. Both are put back when the bench ends,
fails or is interrupted (and at its start, after a bench that was killed).

It writes to the development database and commits: the bench users, vouchers and
redemptions are deleted at the end; their audit rows stay (the log is append-only).
"""

import argparse
import hashlib
import hmac
import importlib
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")

TABLES = ['"marketplace"."vouchers"', '"marketplace"."redemptions"']
STATEMENT_TRIGGERS = ["audit_log_insert", "audit_log_update", "audit_log_delete"]
SETUPS = ["row-level", "statement-level", "no audit trigger"]
USERS = 256
EMAIL = "audit-bench-{}@pika.invalid"


def owner_sql(connect, statements: str) -> None:
    with connect() as conn:
        conn.execute(statements)


def restore(connect) -> None:
    """Back to the installed triggers; remove the bench's rows. Safe to run at any time."""
    migration = importlib.import_module("audit.migrations.0009_statement_level_audit")
    with connect() as conn:
        conn.execute(
            "".join(
                migration.audit_row_trigger_drop_sql(table)
                + "".join(f"ALTER TABLE {table} ENABLE TRIGGER {t};" for t in STATEMENT_TRIGGERS)
                for table in TABLES
            )
        )
        # Fails, rightly, if anything but the bench still uses the row-level function.
        conn.execute("DROP FUNCTION IF EXISTS audit.log_change()")
        bench_vouchers = "voucher.auditbench%"
        # The redemption function records an analytics event with each redemption.
        for table in [
            "analytics.events",
            "marketplace.redemptions",
            "marketplace.voucher_search_documents",
        ]:
            conn.execute(
                f"DELETE FROM {table} WHERE voucher_id IN"
                " (SELECT id FROM marketplace.vouchers WHERE title_key LIKE %s)",
                [bench_vouchers],
            )
        conn.execute("DELETE FROM marketplace.vouchers WHERE title_key LIKE %s", [bench_vouchers])
        conn.execute("DELETE FROM users.users WHERE email LIKE %s", [EMAIL.format("%")])


def use(connect, setup: str) -> None:
    migration = importlib.import_module("audit.migrations.0009_statement_level_audit")
    sql = ""
    if setup == "row-level":
        sql += migration.LOG_CHANGE.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    for table in TABLES:
        state = "ENABLE" if setup == "statement-level" else "DISABLE"
        sql += "".join(f"ALTER TABLE {table} {state} TRIGGER {t};" for t in STATEMENT_TRIGGERS)
        if setup == "row-level":
            sql += migration.audit_row_trigger_sql(table)
        else:
            sql += migration.audit_row_trigger_drop_sql(table)
    owner_sql(connect, sql)


def fixtures(connect) -> tuple[str, list[str]]:
    """An active business of the seed and the bench users (active customers)."""
    with connect() as conn:
        business = conn.execute(
            "SELECT id FROM business.businesses WHERE is_active ORDER BY id LIMIT 1"
        ).fetchone()
        if business is None:
            sys.exit("no active business: run make setup (it loads the seed)")
        users = conn.execute(
            "INSERT INTO users.users (email, status) SELECT replace(%s, '{}', n::text),"
            " 'active' FROM generate_series(1, %s) n RETURNING id",
            [EMAIL, USERS],
        ).fetchall()
    return business[0], [row[0] for row in users]


def hot_voucher(connect, business) -> str:
    key = f"auditbench{uuid.uuid4().hex}"
    with connect() as conn:
        return conn.execute(
            "INSERT INTO marketplace.vouchers (state, title_key, description_key, terms_key,"
            " discount_type, discount_value, currency, valid_from, expires_at, max_redemptions,"
            " max_per_user, business_id) VALUES ('published', %s, %s, %s, 'fixed', 5, 'EUR',"
            " now() - interval '1 hour', now() + interval '1 day', NULL, 1000000, %s)"
            " RETURNING id",
            [
                f"voucher.{key}.title",
                f"voucher.{key}.description",
                f"voucher.{key}.terms",
                business,
            ],
        ).fetchone()[0]


def server_cpu(backends) -> float:
    """Seconds of CPU the clients' database backends have used (NaN when unreadable)."""
    try:
        return sum(int(path.read_text().split()[0]) for path in backends) / 1e9
    except (OSError, ValueError, IndexError):
        return float("nan")


def run(connect, voucher, users, clients: int, seconds: float, warm_up: float) -> dict:
    from pika.db.identity import identity_secret

    secret = identity_secret()
    start = threading.Barrier(clients + 1)
    state = {"stop": False, "measure": False}
    latencies, errors = [[] for _ in range(clients)], []
    backends = [None] * clients

    def client(n: int) -> None:
        with connect() as conn:
            backends[n] = Path(f"/proc/{conn.info.backend_pid}/schedstat")
            start.wait()
            counter = 0
            while not state["stop"]:
                user = str(users[(n + counter * clients) % len(users)])
                counter += 1
                began = time.perf_counter()
                try:
                    binding = conn.execute("SELECT security.transaction_binding()").fetchone()[0]
                    claim = [user, "192.0.2.1", "audit bench"]
                    proof = hmac.new(
                        secret, "\n".join([binding, *claim]).encode(), hashlib.sha256
                    ).hexdigest()
                    conn.execute(
                        "SELECT set_config('app.user_id', %s, true),"
                        " set_config('app.ip_address', %s, true),"
                        " set_config('app.user_agent', %s, true),"
                        " set_config('app.identity', %s, true),"
                        " set_config('role', 'application_role', true)",
                        [*claim, proof],
                    )
                    conn.execute(
                        "SELECT redemption_id FROM marketplace.voucher_redeem(%s, NULL, %s, NULL)",
                        [voucher, f"{voucher}-{n}-{counter}"],
                    )
                    conn.commit()
                except Exception as error:  # counted and shown: a bench reports, not raises
                    conn.rollback()
                    errors.append(repr(error))
                    continue
                if state["measure"]:
                    latencies[n].append(time.perf_counter() - began)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(warm_up)
    state["measure"] = True
    began, cpu = time.perf_counter(), server_cpu(backends)
    time.sleep(seconds)
    state["measure"] = False
    elapsed, cpu = time.perf_counter() - began, server_cpu(backends) - cpu
    state["stop"] = True
    for thread in threads:
        thread.join()
    with connect() as conn:
        counter, ledger = conn.execute(
            "SELECT (SELECT sum(taken) FROM marketplace.voucher_redemption_slices s"
            " WHERE s.voucher_id = v.id), (SELECT count(*) FROM marketplace.redemptions r"
            " WHERE r.voucher_id = v.id) FROM marketplace.vouchers v WHERE v.id = %s",
            [voucher],
        ).fetchone()
    done = sorted(latency for per_client in latencies for latency in per_client)
    return {
        "per_second": len(done) / elapsed,
        "cpu_per_redemption": cpu / len(done) * 1e6 if done and cpu == cpu else float("nan"),
        "p50": statistics.median(done) * 1000 if done else float("nan"),
        "p99": done[int(len(done) * 0.99)] * 1000 if done else float("nan"),
        "errors": errors,
        "consistent": counter == ledger,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="4,16,64", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per run")
    parser.add_argument("--warm-up", type=float, default=1.0, help="unmeasured seconds first")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (medians)")
    options = parser.parse_args()
    clients = [int(count) for count in options.clients.split(",")]

    import django

    django.setup()
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    keep = ["dbname", "user", "password", "host", "port", "options", "sslmode"]

    def connect():
        return psycopg.connect(**{key: params[key] for key in keep if key in params})

    with connect() as conn:
        if conn.execute("SELECT to_regprocedure('audit.log_changes()')").fetchone()[0] is None:
            sys.exit("audit.0009 is not applied: run manage.py migrate")
    restore(connect)
    results = {(setup, count): [] for setup in SETUPS for count in clients}
    try:
        business, users = fixtures(connect)
        for _ in range(options.repeat):  # the set-ups take turns: drift hits them alike
            for setup in SETUPS:
                use(connect, setup)
                for count in clients:
                    voucher = hot_voucher(connect, business)
                    result = run(connect, voucher, users, count, options.seconds, options.warm_up)
                    results[setup, count].append(result)
                    rate = result["per_second"]
                    print(f"  {setup:<17} {count:>3} clients: {rate:7.0f}/s", file=sys.stderr)
    finally:
        restore(connect)
    report(results, clients, options)


def report(results, clients, options) -> None:
    def median(runs, key):
        return statistics.median(run[key] for run in runs)

    print(
        f"Hot voucher, median of {options.repeat} runs of {options.seconds:g} s: redemptions"
        " per second, p50 / p99 latency (ms), database CPU per redemption (µs)"
    )
    print(f"{'clients':>8}" + "".join(f"{setup:>34}" for setup in SETUPS))
    for count in clients:
        cells = []
        for setup in SETUPS:
            runs = results[setup, count]
            cells.append(
                f"{median(runs, 'per_second'):>7.0f}/s {median(runs, 'p50'):5.1f} /"
                f"{median(runs, 'p99'):6.1f} {median(runs, 'cpu_per_redemption'):6.0f}"
            )
        print(f"{count:>8}" + "".join(f"{cell:>34}" for cell in cells))
    for (setup, count), runs in results.items():
        errors = [error for run in runs for error in run["errors"]]
        if errors or not all(run["consistent"] for run in runs):
            consistent = all(run["consistent"] for run in runs)
            print(
                f"{setup}, {count} clients: {len(errors)} errors ({errors[:1]}),"
                f" counter {'=' if consistent else '≠'} ledger"
            )


if __name__ == "__main__":
    main()
