"""Operation 5: redemption throughput, as requests redeem, against the best single statement.

    .venv/bin/python -m bench.redemption_throughput [--scale 1] [--seed 1]
        [--clients 4,16,64] [--seconds 8] [--warm-up 1] [--repeat 1]

Each client is a thread with a database connection of its own that redeems over and over,
for ``--warm-up`` seconds (not measured), then for ``--seconds`` (measured). Two scenarios:
one hot voucher, and 1,000 distinct vouchers (a random one per redemption). Three
implementations, each redemption a transaction of its own with a new idempotency key and a
random one of 1,000 bench users:

- service: ``marketplace.services.voucher_redeem`` through Django, inside
  ``acting_as(user_id=..., role="application_role")`` on the web's login, as the API view
  runs it, including the analytics event it writes in the redemption's transaction. DEBUG is
  off, as in production; each thread keeps its own Django connection, as a pooled worker
  holds one for a request.
- sql function: ``marketplace.voucher_redeem`` through psycopg on the web's login, vouched
  the same way (``SET LOCAL ROLE application_role``, the transaction's binding signed with
  HMAC, the identity settings), then COMMIT.
- limit: `LIMIT_REDEEM_SQL`, one statement on the owner's login with no vouching: the upper
  bound of what the database can do.

After each run every voucher's ledger is checked against its limit (oversold redemptions)
and its counter (`counter_redemptions`). A sell-out check per implementation redeems a
voucher of 1,000 redemptions with 64 clients until each is refused: exactly 1,000 must be
redeemed. Prints the table and the ratios the issue asks for (service / limit, target 0.7;
the service's 64-client / 4-client throughput on the hot voucher, target 0.8), and writes
the JSON to ``bench/results/``. Runs on the benchmark database (built or reused as ``make
bench`` does); its users, vouchers, redemptions and analytics events are deleted at the end,
and at the start after a run that was killed; their audit rows stay (the log is
append-only).
"""

import argparse
import hashlib
import hmac
import os
import random
import statistics
import threading
import time
import uuid
from contextlib import contextmanager

from bench.run import PROJECT_DIR, bench_server, database_options, django_for
from bench.runner import percentile

USERS = 1000
DISTINCT_VOUCHERS = 1000
SELL_OUT_LIMIT = 1000
SELL_OUT_CLIENTS = 64
# Large enough that no limit refuses in the timed runs, yet a limit the checks exercise.
LARGE_LIMIT = 1_000_000_000
EMAIL = "bench-redemption-{}@pika.invalid"
TITLE_MARK = "benchredemption"
IP_ADDRESS, USER_AGENT = "192.0.2.1", "pika redemption bench"
SCENARIOS = ("hot voucher", "1,000 vouchers")
IMPLEMENTATIONS = ("service", "sql function", "limit")
TARGET_VS_LIMIT = 0.7
TARGET_SCALING = 0.8

LIMIT_REDEEM_SQL = """
WITH redeemed AS (
    INSERT INTO marketplace.redemptions (id, voucher_id, user_id, idempotency_key)
    SELECT public.uuid_generate_v7(), v.id, %(user)s, %(key)s FROM marketplace.vouchers v
    WHERE v.id = %(voucher)s
        AND v.state = 'published' AND v.valid_from <= now() AND v.expires_at > now()
    RETURNING id, voucher_id, user_id
)
INSERT INTO analytics.events (id, kind, occurred_at, user_id, voucher_id, business_id)
SELECT public.uuid_generate_v7(), 'voucher_redeemed', now(), r.user_id, r.voucher_id, v.business_id
FROM redeemed r JOIN marketplace.vouchers v ON v.id = r.voucher_id
RETURNING id
"""
"""The upper bound: one redemption in one statement, no row returned when not live.

The ledger row and its analytics event, as the service writes them: the ledger's trigger
takes room in one of the voucher's redemption slices (the one way the whole schema counts,
marketplace.0010) or refuses ``voucher_sold_out``, as for every writer. Unlike
``marketplace.voucher_redeem``, it checks neither the per-user limit nor the idempotency key
nor the business, and vouches for nobody.
"""


def counter_redemptions(connection, vouchers: list) -> dict:
    """How many redemptions each of ``vouchers`` has according to its slices, by id."""
    return dict(
        connection.execute(
            "SELECT v.id, coalesce(sum(s.taken), 0) FROM marketplace.vouchers v"
            " LEFT JOIN marketplace.voucher_redemption_slices s ON s.voucher_id = v.id"
            " WHERE v.id = ANY(%s) GROUP BY v.id",
            [vouchers],
        ).fetchall()
    )


def arguments() -> argparse.Namespace:
    """Command-line options; the environment (BENCH_*) gives the shared ones' defaults."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_options(parser)
    parser.add_argument("--clients", default="4,16,64", help="comma-separated client counts")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per run")
    parser.add_argument("--warm-up", type=float, default=1.0, help="unmeasured seconds first")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure (medians)")
    # What report.write_json records of every operation: a throughput run has no fixed
    # number of iterations, and the vouched implementations run as the web does.
    parser.set_defaults(iterations=None, login="web")
    options = parser.parse_args()
    if options.scale <= 0:
        parser.error("--scale must be greater than 0")
    options.clients = [int(count) for count in options.clients.split(",")]
    return options


def cleanup(server) -> None:
    """Delete the bench's analytics events, redemptions, vouchers and users (the ledger is
    PROTECT-referenced: it goes first). Safe to run at any time."""
    bench_vouchers = "SELECT id FROM marketplace.vouchers WHERE title_key LIKE %s"
    mark = f"voucher.{TITLE_MARK}%"
    with server.connect() as owner:
        for table in ("analytics.events", "marketplace.redemptions"):
            owner.execute(f"DELETE FROM {table} WHERE voucher_id IN ({bench_vouchers})", [mark])
        # Their search documents go with them (the foreign key cascades in the database).
        owner.execute("DELETE FROM marketplace.vouchers WHERE title_key LIKE %s", [mark])
        owner.execute("DELETE FROM users.users WHERE email LIKE %s", [EMAIL.format("%")])


def users_create(server) -> list[str]:
    """The bench users: active customers, each a distinct user for the per-user limits."""
    with server.connect() as owner:
        rows = owner.execute(
            "INSERT INTO users.users (email, status) SELECT replace(%s, '{}', n::text),"
            " 'active' FROM generate_series(1, %s) n RETURNING id",
            [EMAIL, USERS],
        ).fetchall()
    return [str(row[0]) for row in rows]


def vouchers_create(server, business, count: int, max_redemptions: int) -> list[str]:
    """``count`` fresh live vouchers of ``business`` with that limit, any number per user."""
    prefix = f"voucher.{TITLE_MARK}{uuid.uuid4().hex}-"
    with server.connect() as owner:
        rows = owner.execute(
            "INSERT INTO marketplace.vouchers (state, title_key, description_key, terms_key,"
            " discount_type, discount_value, currency, valid_from, expires_at, max_redemptions,"
            " max_per_user, business_id) SELECT 'published', %(prefix)s || n || '.title',"
            " %(prefix)s || n || '.description', %(prefix)s || n || '.terms', 'fixed', 5, 'EUR',"
            " now() - interval '1 hour', now() + interval '1 day', %(max)s, %(max)s,"
            " %(business)s FROM generate_series(1, %(count)s) n RETURNING id",
            {"prefix": prefix, "max": max_redemptions, "business": business, "count": count},
        ).fetchall()
    return [str(row[0]) for row in rows]


def vouch(connection, secret: bytes, user: str) -> None:
    """Run the rest of the transaction as ``application_role`` for ``user``, exactly as
    ``pika.db.context.acting_as`` does: the role first, then the signed identity."""
    connection.execute("SET LOCAL ROLE application_role")
    binding = connection.execute("SELECT security.transaction_binding()").fetchone()[0]
    claim = [user, IP_ADDRESS, USER_AGENT]
    proof = hmac.new(secret, "\n".join([binding, *claim]).encode(), hashlib.sha256).hexdigest()
    connection.execute(
        "SELECT set_config('app.user_id', %s, true), set_config('app.ip_address', %s, true),"
        " set_config('app.user_agent', %s, true), set_config('app.identity', %s, true)",
        [*claim, proof],
    )


def refusal(error: Exception) -> str:
    """An error as one line, with the refusal's stable code when it has one."""
    code = getattr(error, "code", None)
    first_line = (str(error).splitlines() or [""])[0]
    return f"{type(error).__name__}: {code + ': ' if code else ''}{first_line}"


class Refused(Exception):
    """The hand-written statement redeemed nothing: the voucher is not live."""


def service_client(server, secret):
    """(redeem, close) through the project's service, on this thread's Django connection."""
    from django.db import connections

    from marketplace import services
    from pika.db.context import acting_as
    from pika.db.security import APPLICATION_ROLE

    def redeem(voucher: str, user: str, key: str) -> None:
        with acting_as(
            user_id=user, ip_address=IP_ADDRESS, user_agent=USER_AGENT, role=APPLICATION_ROLE
        ):
            services.voucher_redeem(voucher_id=voucher, idempotency_key=key)

    return redeem, connections.close_all


def function_client(server, secret):
    """(redeem, close) calling ``marketplace.voucher_redeem`` through psycopg, vouched."""
    connection = server.connect(web=True)

    def redeem(voucher: str, user: str, key: str) -> None:
        try:
            vouch(connection, secret, user)
            connection.execute(
                "SELECT redemption_id FROM marketplace.voucher_redeem(%s, NULL, %s, NULL)",
                [voucher, key],
            )
            connection.commit()
        except Exception:
            connection.rollback()
            raise

    return redeem, connection.close


def limit_client(server, secret):
    """(redeem, close) running `LIMIT_REDEEM_SQL` on the owner's login."""
    connection = server.connect()

    def redeem(voucher: str, user: str, key: str) -> None:
        try:
            row = connection.execute(
                LIMIT_REDEEM_SQL, {"voucher": voucher, "user": user, "key": key}
            ).fetchone()
            connection.commit()
        except Exception:
            connection.rollback()
            raise
        if row is None:
            raise Refused("voucher_not_live")

    return redeem, connection.close


CLIENTS = {"service": service_client, "sql function": function_client, "limit": limit_client}


@contextmanager
def client_at_start(implementation: str, server, secret, start: threading.Barrier):
    """This thread's redeem function of ``implementation``, once every client is ready, closed
    on exit. A client that cannot connect breaks the barrier: nobody waits for it."""
    try:
        redeem, close = CLIENTS[implementation](server, secret)
    except BaseException:
        start.abort()
        raise
    try:
        start.wait()
        yield redeem
    finally:
        close()


def ledger_check(server, vouchers: list[str]) -> dict:
    """Redeemed ledger rows, oversold rows (past the limit) and counter ≠ ledger vouchers."""
    with server.connect() as owner:
        rows = owner.execute(
            "SELECT v.id, v.max_redemptions, count(r.id) FILTER (WHERE r.status = 'redeemed')"
            " FROM marketplace.vouchers v LEFT JOIN marketplace.redemptions r"
            " ON r.voucher_id = v.id WHERE v.id = ANY(%s) GROUP BY v.id",
            [vouchers],
        ).fetchall()
        counters = counter_redemptions(owner, vouchers)
    return {
        "redeemed": sum(ledger for _, _, ledger in rows),
        "oversold": sum(max(0, ledger - limit) for _, limit, ledger in rows if limit is not None),
        "mismatches": sum(1 for voucher, _, ledger in rows if counters[voucher] != ledger),
    }


def run(server, secret, implementation: str, vouchers, users, clients: int, options) -> dict:
    """One timed run: ``clients`` threads redeeming random ``vouchers`` for random ``users``;
    rate, p50/p99 latency, errors and the ledger check."""
    start = threading.Barrier(clients + 1)
    state = {"stop": False, "measure": False}
    latencies = [[] for _ in range(clients)]
    errors = [[] for _ in range(clients)]

    def client(n: int) -> None:
        pick = random.Random(f"{options.seed}-{n}")
        with client_at_start(implementation, server, secret, start) as redeem:
            while not state["stop"]:
                voucher, user = pick.choice(vouchers), pick.choice(users)
                began = time.perf_counter()
                try:
                    redeem(voucher, user, uuid.uuid4().hex)
                except Exception as error:  # counted and shown: a bench reports, not raises
                    if state["measure"]:
                        errors[n].append(refusal(error))
                    continue
                if state["measure"]:
                    latencies[n].append(time.perf_counter() - began)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(options.warm_up)
    state["measure"] = True
    began = time.perf_counter()
    time.sleep(options.seconds)
    state["measure"] = False
    elapsed = time.perf_counter() - began
    state["stop"] = True
    for thread in threads:
        thread.join()
    done = [latency for per_client in latencies for latency in per_client]
    failed = [error for per_client in errors for error in per_client]
    return {
        "per_second": len(done) / elapsed,
        "p50_ms": percentile(done, 50) * 1000 if done else float("nan"),
        "p99_ms": percentile(done, 99) * 1000 if done else float("nan"),
        "redemptions": len(done),
        "errors": len(failed),
        "first_error": failed[0] if failed else None,
        **ledger_check(server, vouchers),
    }


def sell_out(server, secret, implementation: str, voucher: str, users) -> dict:
    """``SELL_OUT_CLIENTS`` threads redeem ``voucher`` until each is refused once."""
    start = threading.Barrier(SELL_OUT_CLIENTS + 1)
    refusals = [None] * SELL_OUT_CLIENTS

    def client(n: int) -> None:
        pick = random.Random(n)
        with client_at_start(implementation, server, secret, start) as redeem:
            while True:
                try:
                    redeem(voucher, pick.choice(users), uuid.uuid4().hex)
                except Exception as error:
                    refusals[n] = refusal(error)
                    return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(SELL_OUT_CLIENTS)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    checked = ledger_check(server, [voucher])
    sold_out = sum("voucher_sold_out" in (refused or "") for refused in refusals)
    return {
        **checked,
        "seconds": elapsed,
        "refused_sold_out": sold_out,
        "other_refusal": next((r for r in refusals if "voucher_sold_out" not in (r or "")), None),
        "ok": checked["redeemed"] == SELL_OUT_LIMIT
        and checked["oversold"] == 0
        and checked["mismatches"] == 0,
    }


def summary(runs: list[dict]) -> dict:
    """Medians of the rates and latencies of repeated runs; sums of what must be 0."""
    return {
        "per_second": statistics.median(r["per_second"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "redemptions": sum(r["redemptions"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "first_error": next((r["first_error"] for r in runs if r["first_error"]), None),
        "oversold": sum(r["oversold"] for r in runs),
        "mismatches": sum(r["mismatches"] for r in runs),
    }


def main() -> None:
    """Build or reuse the benchmark database, run every scenario, print, write the JSON."""
    options = arguments()
    # Production settings: DEBUG would keep every query in memory; one connection per
    # thread, kept for the thread's life (the pool would cap 64 threads at its size).
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DATABASE_POOL_SIZE"] = "0"
    django_for(options.database, "web")

    from bench import build, report
    from pika.db.identity import identity_secret

    server = bench_server(options.database)
    # Reused when it matches the scale, seed and migrations; rebuilt when stale.
    marker = build.ensure(server, scale=options.scale, seed=options.seed)
    secret = identity_secret()
    with server.connect() as owner:
        machine = report.machine(owner)
        business = owner.execute(
            "SELECT id FROM business.businesses WHERE is_active ORDER BY id LIMIT 1"
        ).fetchone()[0]
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = report.RESULTS_DIR / f"{stamp}-scale{marker.scale:g}-redemption.json"
    cleanup(server)  # what a killed run left
    results, sell_outs = {}, {}
    try:
        users = users_create(server)
        for _ in range(options.repeat):
            for scenario in SCENARIOS:
                for clients in options.clients:
                    # The implementations take turns: a drift in the machine hits them alike.
                    for implementation in IMPLEMENTATIONS:
                        count = 1 if scenario == "hot voucher" else DISTINCT_VOUCHERS
                        vouchers = vouchers_create(server, business, count, LARGE_LIMIT)
                        result = run(
                            server, secret, implementation, vouchers, users, clients, options
                        )
                        results.setdefault((scenario, implementation, clients), []).append(result)
                        print(
                            f"  {scenario:<15} {implementation:<13} {clients:>3} clients:"
                            f" {result['per_second']:7.0f}/s",
                            flush=True,
                        )
        for implementation in IMPLEMENTATIONS:
            [voucher] = vouchers_create(server, business, 1, SELL_OUT_LIMIT)
            sell_outs[implementation] = sell_out(server, secret, implementation, voucher, users)
    finally:
        cleanup(server)
    figures = figures_of(results, sell_outs, options)
    print_table(figures, options, marker)
    report.write_json(path, figures, marker, machine, options)
    print(f"written: {path.relative_to(PROJECT_DIR)}")


def figures_of(results: dict, sell_outs: dict, options) -> list[dict]:
    """The runs, the sell-out checks and the two ratios as report figures."""
    figures = []
    summaries = {key: summary(runs) for key, runs in results.items()}
    for (scenario, implementation, clients), figure in summaries.items():
        figures.append(
            {
                "operation": "redemption_throughput",
                "name": f"{scenario}, {clients} clients",
                "implementation": implementation,
                "login": "owner" if implementation == "limit" else "web",
                "scenario": scenario,
                "clients": clients,
                "seconds": options.seconds,
                "runs": options.repeat,
                **figure,
            }
        )
    for implementation, checked in sell_outs.items():
        figures.append(
            {
                "operation": "redemption_sell_out",
                "name": f"{SELL_OUT_LIMIT} redemptions, {SELL_OUT_CLIENTS} clients",
                "implementation": implementation,
                **checked,
            }
        )
    for scenario in SCENARIOS:
        for clients in options.clients:
            service = summaries[scenario, "service", clients]["per_second"]
            limit = summaries[scenario, "limit", clients]["per_second"]
            figures.append(
                {
                    "operation": "redemption_ratio",
                    "name": f"service / limit, {scenario}, {clients} clients",
                    "ratio": service / limit if limit else float("nan"),
                    "target": TARGET_VS_LIMIT,
                }
            )
    low, high = min(options.clients), max(options.clients)
    if low != high:
        figures.append(
            {
                "operation": "redemption_ratio",
                "name": f"service, hot voucher, {high} / {low} clients",
                "ratio": summaries["hot voucher", "service", high]["per_second"]
                / summaries["hot voucher", "service", low]["per_second"],
                "target": TARGET_SCALING,
            }
        )
    return figures


def print_table(figures: list[dict], options, marker) -> None:
    """The figures as fixed-width tables, with the targets each misses marked."""
    median = f"median of {options.repeat} runs of" if options.repeat > 1 else "one run of"
    print(
        f"Scale {marker.scale}, seed {marker.seed}: redemptions, {median} {options.seconds:g} s"
        f" after {options.warm_up:g} s of warm-up; service and sql function as the web"
        " (vouched, application_role), limit on the owner's login"
    )
    header = (
        f"{'scenario':<15} {'implementation':<14} {'clients':>7} {'redeemed/s':>10}"
        f" {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'oversold':>8} {'counter≠ledger':>14}"
    )
    print(header)
    print("-" * len(header))
    for f in figures:
        if f["operation"] == "redemption_throughput":
            print(
                f"{f['scenario']:<15} {f['implementation']:<14} {f['clients']:>7}"
                f" {f['per_second']:>10.0f} {f['p50_ms']:>8.2f} {f['p99_ms']:>8.2f}"
                f" {f['errors']:>6} {f['oversold']:>8} {f['mismatches']:>14}"
            )
    errors = [f for f in figures if f["operation"] == "redemption_throughput" and f["errors"]]
    for f in errors:
        print(f"  {f['name']}, {f['implementation']}: first error {f['first_error']}")
    print()
    print(f"Sell-out: a voucher of {SELL_OUT_LIMIT}, {SELL_OUT_CLIENTS} clients until refused")
    print(f"{'implementation':<14} {'redeemed':>8} {'oversold':>8} {'counter≠ledger':>14}  check")
    for f in figures:
        if f["operation"] == "redemption_sell_out":
            verdict = "ok" if f["ok"] else f"FAILED ({f['other_refusal']})"
            print(
                f"{f['implementation']:<14} {f['redeemed']:>8} {f['oversold']:>8}"
                f" {f['mismatches']:>14}  {verdict}"
            )
    print()
    for f in figures:
        if f["operation"] == "redemption_ratio":
            verdict = "ok" if f["ratio"] >= f["target"] else "MISSED"
            print(f"{f['name']:<46} {f['ratio']:>6.2f}  target ≥ {f['target']:g}: {verdict}")


if __name__ == "__main__":
    main()
