"""``make bench``: build (or reuse) the benchmark database, run the operations, report.

    .venv/bin/python -m bench.run [--scale 1] [--seed 1] [--iterations 300] [--only nearby]

Each operation runs three ways on the same database, as the web runs (the web's login,
``application_role``, a vouched identity; see `bench.sessions`): the project's selector
through Django's ORM, SQLAlchemy 2 + GeoAlchemy2 mapped onto the same tables, and
hand-written SQL through psycopg. The table goes to stdout, the same figures as JSON to
``bench/results/``.
"""

import argparse
import os
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def database_options(parser: argparse.ArgumentParser) -> None:
    """The options every bench shares: which benchmark database (its scale, seed, name)."""
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", 1)))
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE", "pika_bench"), help="its name"
    )


def arguments() -> argparse.Namespace:
    """Command-line options; the environment (BENCH_*) gives their defaults."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    database_options(parser)
    parser.add_argument(
        "--iterations", type=int, default=int(os.environ.get("BENCH_ITERATIONS", 300))
    )
    parser.add_argument("--warm-up", type=int, default=int(os.environ.get("BENCH_WARM_UP", 30)))
    parser.add_argument(
        "--case-seconds",
        type=float,
        default=float(os.environ.get("BENCH_CASE_SECONDS", 20)),
        help="time budget of one case's timed rounds (fewer iterations for slow cases)",
    )
    parser.add_argument(
        "--login",
        choices=("web", "owner"),
        default=os.environ.get("BENCH_LOGIN", "web"),
        help="web: as requests run, under row level security (default); owner: bypassing it",
    )
    parser.add_argument("--only", action="append", help="run only these operations (by name)")
    parser.add_argument("--build-only", action="store_true", help="build or reuse, run nothing")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="write EXPLAIN (ANALYZE, BUFFERS) of every case's queries instead of timing them",
    )
    options = parser.parse_args()
    if options.scale <= 0:
        parser.error("--scale must be greater than 0")
    return options


def django_for(database: str, login: str) -> str:
    """Point Django at the benchmark database on ``login``; return the development
    database's name (which the build must never touch)."""
    import environ

    environ.Env.read_env(PROJECT_DIR / ".env")
    if os.environ.get("DATABASE_URL"):
        sys.exit("make bench needs PG_HOST/PG_PORT (the project's cluster), not DATABASE_URL")
    development = os.environ.get("PG_DATABASE", "pika")
    os.environ["PG_DATABASE"] = database
    os.environ["PIKA_DATABASE_LOGIN"] = login
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    return development


def bench_server(database: str, development: str = "pika"):
    """The benchmark database's server, on the project's settings (after `django_for`)."""
    from django.conf import settings

    from bench import build

    return build.Server(
        host=settings.PG_HOST,
        port=settings.PG_PORT,
        database=database,
        development=development,
        owner=settings.PG_USER,
        owner_password=settings.PG_PASSWORD,
        web=settings.PG_WEB_USER,
        web_password=settings.PG_WEB_PASSWORD,
        statement_timeout_ms=settings.STATEMENT_TIMEOUT,
    )


def main() -> None:
    """Build or reuse the database, then run and report every operation."""
    options = arguments()
    development = django_for(options.database, options.login)

    from bench import build

    server = bench_server(options.database, development)
    marker = build.ensure(server, scale=options.scale, seed=options.seed)
    if options.build_only:
        return
    from bench.runner import run_all

    run_all(server, marker, options)


if __name__ == "__main__":
    main()
