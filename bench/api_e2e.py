"""Operation 6: the API end to end through a production WSGI server, pooled and not.

    .venv/bin/python -m bench.api_e2e [--scale 1] [--iterations 300]

Starts gunicorn (2 sync workers, as `pika.wsgi` runs: on the web's login) on the benchmark
database twice, with the connection pool (``DATABASE_POOL_SIZE`` 20) and without it (0: a
new connection per request), and times over HTTP: the voucher list, nearby vouchers, one
voucher, and a redemption (a new idempotency key each time, on a voucher with no limit).
Prints p50/p95/p99 per request and writes the JSON to ``bench/results/``. Uses the
database ``make bench`` built (rebuilt when stale); it adds one customer and one unlimited
voucher to it.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

from bench.run import PROJECT_DIR, arguments, bench_server, django_for
from bench.runner import percentile

CUSTOMER_EMAIL = "bench-customer@pika.local"
PASSWORD = "bench customer password"
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url, method="GET", body=None, headers=None):
    """(status, parsed body) of one HTTP call."""
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        call.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(call, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def serve(database: str, pool_size: int):
    """A gunicorn process serving `pika.wsgi` on the benchmark database; (process, url)."""
    port = free_port()
    env = {
        **os.environ,
        "PG_DATABASE": database,
        "DATABASE_POOL_SIZE": str(pool_size),
        "DJANGO_DEBUG": "false",
        # Plain HTTP on loopback, as behind a proxy that ended TLS.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
    }
    process = subprocess.Popen(
        [
            str(PROJECT_DIR / ".venv/bin/gunicorn"),
            "pika.wsgi",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def prepare(server) -> tuple[str, str]:
    """A customer with a password and an unlimited live voucher; returns the voucher's id
    and a point near it."""
    from django.contrib.auth.hashers import make_password

    with server.connect() as owner:
        owner.execute(
            "INSERT INTO users.users (id, email, password_hash, first_name, last_name, role,"
            " status, is_staff, is_superuser, created_at, updated_at)"
            " SELECT public.uuid_generate_v7(), %s, %s, 'Bench', 'Customer', 'customer',"
            " 'active', false, false, now(), now()"
            " WHERE NOT EXISTS (SELECT FROM users.users WHERE email = %s)",
            [CUSTOMER_EMAIL, make_password(PASSWORD), CUSTOMER_EMAIL],
        )
        voucher, lat, lng = owner.execute(
            "SELECT v.id, ST_Y(b.location::geometry), ST_X(b.location::geometry)"
            " FROM marketplace.vouchers v JOIN business.businesses b ON b.id = v.business_id"
            " WHERE v.state = 'published' AND v.valid_from <= now() AND v.expires_at > now()"
            " + interval '1 day' AND b.is_active AND v.max_redemptions IS NULL"
            " ORDER BY v.id LIMIT 1"
        ).fetchone()
        owner.execute(
            "UPDATE marketplace.vouchers SET max_per_user = 1000000 WHERE id = %s", [voucher]
        )
    return str(voucher), f"{lat:.5f},{lng:.5f}"


def requests_to_time(base: str, voucher: str, near: str, auth: dict) -> dict:
    """The timed requests, by name: each a call returning (status, body)."""
    return {
        "voucher list": lambda: request(f"{base}/api/v1/vouchers/"),
        "nearby vouchers (5 km)": lambda: request(
            f"{base}/api/v1/vouchers/?near={near}&radius=5000"
        ),
        "one voucher": lambda: request(f"{base}/api/v1/vouchers/{voucher}/"),
        "redeem": lambda: request(
            f"{base}/api/v1/vouchers/{voucher}/redeem/",
            "POST",
            headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
        ),
    }


def main() -> None:
    """Time each request through gunicorn, pooled and not; print and write the figures."""
    options = arguments()
    django_for(options.database, "owner")

    from bench import build, report

    server = bench_server(options.database)
    # Reused when it matches the scale, seed and migrations; rebuilt when stale.
    build.ensure(server, scale=options.scale, seed=options.seed)
    voucher, near = prepare(server)
    with server.connect() as owner:
        machine = report.machine(owner)
    figures = []
    iterations = max(20, options.iterations // 3)
    print(f"{'request':<28} {'pool':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for pool_size in (20, 0):
        process, base = serve(options.database, pool_size)
        try:
            status, token = request(
                f"{base}/api/v1/auth/tokens/",
                "POST",
                {"email": CUSTOMER_EMAIL, "password": PASSWORD},
            )
            if status != 201:
                sys.exit(f"could not get a token: {status} {token}")
            auth = {"Authorization": f"Bearer {token['token']}"}
            calls = requests_to_time(base, voucher, near, auth)
            for name, call in calls.items():
                seconds = []
                for n in range(iterations + 5):
                    started = time.perf_counter()
                    status, body = call()
                    elapsed = time.perf_counter() - started
                    if status >= 400:
                        sys.exit(f"{name}: {status} {body}")
                    if n >= 5:
                        seconds.append(elapsed)
                p50, p95, p99 = (percentile(seconds, s) * 1000 for s in (50, 95, 99))
                print(f"{name:<28} {pool_size:>5} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}", flush=True)
                figures.append(
                    {
                        "operation": "api",
                        "name": name,
                        "implementation": f"gunicorn, pool {pool_size}",
                        "p50_ms": p50,
                        "p95_ms": p95,
                        "p99_ms": p99,
                        "iterations": len(seconds),
                        "scale": options.scale,
                    }
                )
        finally:
            process.terminate()
            process.wait(timeout=30)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = report.RESULTS_DIR / f"{stamp}-scale{options.scale:g}-api.json"
    path.write_text(json.dumps({"machine": machine, "figures": figures}, indent=2) + "\n")
    print(f"written: {path.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main()
