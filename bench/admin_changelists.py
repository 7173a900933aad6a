"""Operation 7: admin changelists at benchmark scale, as a staff member browses them.

    .venv/bin/python -m bench.admin_changelists [--scale 1] [--iterations 30]

Each changelist (vouchers, translations, redemptions, audit logs) is asked for its first
page, a deep page, a search and a filter through Django's test client, so through the
middleware, sessions and row level security on the web's login, as a superuser. Reports
p50/p95/p99 and the number of queries of each page against the 300 ms target; the table to
stdout and the JSON to ``bench/results/``. Uses the database ``make bench`` built (run that
first); it rebuilds it when stale and adds one superuser to it.
"""

import json
import time

from bench.run import arguments, bench_server, django_for
from bench.runner import percentile

TARGET_MS = 300
ADMIN_EMAIL = "bench-admin@pika.local"


def pages(owner_connection) -> list[tuple[str, str, dict]]:
    """(changelist, case, query parameters): first page, deep page, search, filter."""
    language = owner_connection.execute(
        "SELECT id FROM i18n.languages WHERE NOT is_default ORDER BY code LIMIT 1"
    ).fetchone()[0]
    voucher = owner_connection.execute(
        "SELECT id, title_key FROM marketplace.vouchers ORDER BY id DESC OFFSET 1000 LIMIT 1"
    ).fetchone()
    customer = owner_connection.execute(
        "SELECT u.email FROM marketplace.redemptions r JOIN users.users u ON u.id = r.user_id"
        " ORDER BY r.id DESC LIMIT 1"
    ).fetchone()[0]
    deep = {"p": "200"}
    return [
        ("marketplace/voucher", "first page", {}),
        ("marketplace/voucher", "page 200", deep),
        ("marketplace/voucher", "search a title key", {"q": voucher[1]}),
        ("marketplace/voucher", "filter: published", {"state__exact": "published"}),
        ("i18n/translation", "first page", {}),
        ("i18n/translation", "page 200", deep),
        ("i18n/translation", "search a key", {"q": voucher[1]}),
        ("i18n/translation", "filter: a language", {"language__id__exact": str(language)}),
        ("marketplace/redemption", "first page", {}),
        ("marketplace/redemption", "page 200", deep),
        ("marketplace/redemption", "search a user's email", {"q": customer}),
        ("marketplace/redemption", "filter: reversed", {"status__exact": "reversed"}),
        ("audit/auditlog", "first page", {}),
        ("audit/auditlog", "page 200", deep),
        ("audit/auditlog", "search a record id", {"q": str(voucher[0])}),
        ("audit/auditlog", "filter: vouchers", {"table_name": "marketplace.vouchers"}),
    ]


def main() -> None:
    """Log a superuser in, time every page, print the table, write the JSON."""
    options = arguments()
    django_for(options.database, "web")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from bench import build, report
    from pika.db.context import acting_as
    from pika.db.security import APPLICATION_ROLE

    setup_test_environment()
    server = bench_server(options.database)
    # Reused when it matches the scale, seed and migrations; rebuilt when stale.
    build.ensure(server, scale=options.scale, seed=options.seed)
    with server.connect() as owner:
        owner.execute(
            "INSERT INTO users.users (id, email, password_hash, first_name, last_name, role,"
            " status, is_staff, is_superuser, created_at, updated_at)"
            " SELECT public.uuid_generate_v7(), %s, '!', 'Bench', 'Admin', 'admin',"
            " 'active', true, true, now(), now()"
            " WHERE NOT EXISTS (SELECT FROM users.users WHERE email = %s)",
            [ADMIN_EMAIL, ADMIN_EMAIL],
        )
        admin_id = owner.execute(
            "SELECT id FROM users.users WHERE email = %s", [ADMIN_EMAIL]
        ).fetchone()[0]
        cases = pages(owner)
        machine = report.machine(owner)
    from users.models import User

    client = Client()
    with acting_as(role=APPLICATION_ROLE, user_id=admin_id):
        client.force_login(User.objects.get(pk=admin_id))
    figures = []
    print(
        f"{'changelist':<24} {'case':<24} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'queries':>7}  target {TARGET_MS} ms"
    )
    for changelist, name, params in cases:
        url = f"/admin/{changelist}/"
        seconds, queries, status = [], 0, None
        for n in range(options.warm_up // 10 + options.iterations // 10 + 3):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, params)
                elapsed = time.perf_counter() - started
            status = response.status_code
            if n >= options.warm_up // 10:
                seconds.append(elapsed)
            queries = len(captured)
        p50, p95, p99 = (percentile(seconds, s) * 1000 for s in (50, 95, 99))
        missed = "" if p95 <= TARGET_MS else "  MISSED"
        print(
            f"{changelist:<24} {name:<24} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} "
            f"{queries:>7}  {status}{missed}",
            flush=True,
        )
        figures.append(
            {
                "operation": "admin_changelist",
                "name": f"{changelist}: {name}",
                "implementation": "django admin",
                "p50_ms": p50,
                "p95_ms": p95,
                "p99_ms": p99,
                "queries": queries,
                "status": status,
                "iterations": len(seconds),
                "target_p95_ms": TARGET_MS,
                "scale": options.scale,
            }
        )
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = report.RESULTS_DIR / f"{stamp}-scale{options.scale:g}-admin.json"
    path.write_text(json.dumps({"machine": machine, "figures": figures}, indent=2) + "\n")
    print(f"written: {path.relative_to(report.RESULTS_DIR.parent.parent)}")


if __name__ == "__main__":
    main()
