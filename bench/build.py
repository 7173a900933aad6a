"""The benchmark database: built once beside the development database, then reused.

``ensure`` compares the marker the last build left (the database's comment: scale, seed,
the migrations' leaves, the generator's version, the day the data is anchored to) with what
is asked for, and rebuilds from nothing when any differs: drop, create, ``manage.py
migrate``, then the load.

The load, as the tables' owner, in its own session whose timeouts it sets deliberately (no
statement or idle-in-transaction timeout: COPY and index builds run for minutes, and Python
formats rows between writes):

1. puts aside the loaded tables' indexes, foreign keys and user triggers (`bench.deferred`):
   the audit trigger, the column guards and the search-document triggers do not run per row;
   the audit log's own digest trigger stays on, so every log row carries the database's
   digest;
2. COPYs every table (`bench.dataset`), reporting rows per second;
3. builds the search documents once with the project's own
   ``marketplace.voucher_search_refresh``, in batches;
4. builds the indexes and validates the foreign keys again, enables the triggers;
5. records the load itself as one audit log row (table ``bench.load``) naming what was
   loaded and which triggers were off;
6. ``VACUUM (ANALYZE)``, checks `bench.invariants`, and writes the marker last: a build
   that fails half way is rebuilt next time.
"""

import datetime
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg

from bench.bulk import copy_rows
from bench.dataset import LOAD_ORDER, DataSet, Sizes
from bench.deferred import Deferred
from bench.invariants import violations
from bench.parallel import run_statements

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Bump when the generator changes what it writes: databases of older versions are rebuilt.
GENERATOR_VERSION = 4
# Live vouchers are placed around the build day; after this long a rebuild places them anew.
ANCHOR_MAX_AGE_DAYS = 30
SEARCH_BATCH = 20_000
SEARCH_DOCUMENTS = "marketplace.voucher_search_documents"
PUBLIC_LOCATIONS = "business.public_locations"
PUBLIC_LOCATIONS_BUILD = (
    f"INSERT INTO {PUBLIC_LOCATIONS} (business_id, location)"
    " SELECT b.id, b.location FROM business.businesses b"
    " WHERE b.is_active AND b.location IS NOT NULL"
)
LOAD_SESSION = (
    "SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0;"
    " SET maintenance_work_mem = '1GB'; SET synchronous_commit = off;"
    " SET max_parallel_maintenance_workers = 2"
)


@dataclass(frozen=True)
class Server:
    """Where the benchmark database lives and the logins that reach it."""

    host: str
    port: int
    database: str
    development: str  # the development database, which a build must never touch
    owner: str
    owner_password: str
    web: str
    web_password: str
    statement_timeout_ms: int

    def connect(self, *, database: str | None = None, web: bool = False, **options):
        """A psycopg connection as the owner (or the web's login)."""
        user, password = (self.web, self.web_password) if web else (self.owner, self.owner_password)
        return psycopg.connect(
            # The project's own statement timeout and jit off, as Django's connections have them.
            options=f"-c statement_timeout={self.statement_timeout_ms} -c jit=off",
            host=self.host,
            port=self.port,
            dbname=database or self.database,
            user=user,
            password=password,
            **options,
        )


@dataclass(frozen=True)
class Marker:
    """What a build was asked for; a database whose marker differs is rebuilt."""

    scale: float
    seed: int
    migrations: list[str]
    generator: int
    anchor: int  # Unix seconds: midnight UTC of the build day

    def reusable_for(self, wanted: "Marker") -> bool:
        """Whether a database built for ``self`` serves ``wanted``."""
        fresh = wanted.anchor - self.anchor <= ANCHOR_MAX_AGE_DAYS * 86_400
        same = (self.scale, self.seed, self.migrations, self.generator) == (
            wanted.scale,
            wanted.seed,
            wanted.migrations,
            wanted.generator,
        )
        return same and fresh


def migration_leaves() -> list[str]:
    """The latest migration of each app, as on disk (needs Django set up)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes())


def today_anchor() -> int:
    """Midnight UTC today, in Unix seconds."""
    today = datetime.datetime.now(datetime.UTC).date()
    return int(
        datetime.datetime(today.year, today.month, today.day, tzinfo=datetime.UTC).timestamp()
    )


def stored_marker(server: Server) -> Marker | None:
    """The marker of the benchmark database, or None if it is missing or unmarked."""
    with server.connect(database="postgres", autocommit=True) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [server.database],
        ).fetchone()
    if row is None or not row[0]:
        return None
    try:
        return Marker(**json.loads(row[0]))
    except (ValueError, TypeError):
        return None


def ensure(server: Server, *, scale: float, seed: int, report=print) -> Marker:
    """Reuse the benchmark database if its marker matches, else build it; return the marker."""
    wanted = Marker(
        scale=scale,
        seed=seed,
        migrations=migration_leaves(),
        generator=GENERATOR_VERSION,
        anchor=today_anchor(),
    )
    stored = stored_marker(server)
    if stored is not None and stored.reusable_for(wanted):
        report(f"Reusing {server.database} (scale {stored.scale}, seed {stored.seed}).")
        return stored
    reason = "it does not exist yet" if stored is None else f"it was built for {asdict(stored)}"
    report(f"Building {server.database} at scale {scale}, seed {seed}: {reason}.")
    started = time.perf_counter()
    recreate(server)
    migrate(server, report)
    load(server, wanted, report)
    report(f"Built {server.database} in {time.perf_counter() - started:.0f} s.")
    return wanted


def recreate(server: Server) -> None:
    """Drop the benchmark database if it exists and create it empty (from template1, which
    carries the extensions the cluster's superuser installed)."""
    if server.database == server.development:
        raise RuntimeError(f"refusing to rebuild {server.database}: that is the development one")
    with server.connect(database="postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{server.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{server.database}" OWNER "{server.owner}"')


def migrate(server: Server, report) -> None:
    """Run the project's migrations against the benchmark database, as the owner."""
    report("  manage.py migrate")
    environment = {
        **os.environ,
        "PG_DATABASE": server.database,
        "PIKA_DATABASE_LOGIN": "owner",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=PROJECT_DIR,
        env=environment,
        check=True,
    )


def load(server: Server, marker: Marker, report) -> None:
    """Load the data set into the migrated database (see the module's docstring)."""
    data = DataSet(sizes=Sizes.from_scale(marker.scale), seed=marker.seed, anchor=marker.anchor)
    started = time.perf_counter()
    data.plan()
    report(f"  planned the data set in {time.perf_counter() - started:.1f} s")
    tables = [table for table, _, _ in LOAD_ORDER] + [SEARCH_DOCUMENTS]
    with server.connect() as connection:
        connection.execute(LOAD_SESSION)
        with connection.cursor() as cursor:
            deferred = Deferred.read(cursor, tables, keep_triggers_on={"audit.audit_logs"})
            deferred.put_aside(cursor)
        connection.commit()
        report(
            f"  put aside {len(deferred.indexes)} indexes, {len(deferred.foreign_keys)} foreign"
            f" keys and {len(deferred.triggers)} triggers"
        )
        loaded = {}
        expected = expected_rows(data)
        copying = time.perf_counter()
        for table, columns, method in LOAD_ORDER:
            loaded[table], _ = copy_rows(
                connection,
                table,
                columns,
                getattr(data, method)(),
                expected=expected.get(table),
                report=report,
            )
        seconds = time.perf_counter() - copying
        total = sum(loaded.values())
        report(f"  COPY: {total:,} rows in {seconds:.0f} s, {total / seconds:,.0f} rows/s")
        stage = time.perf_counter()
        search_documents_build(server, connection, report)
        (loaded[SEARCH_DOCUMENTS],) = connection.execute(
            f"SELECT count(*) FROM {SEARCH_DOCUMENTS}"
        ).fetchone()
        loaded[PUBLIC_LOCATIONS] = public_locations_build(connection)
        run_statements(
            server.connect,
            [(statement, None) for _, statement in deferred.indexes],
            label=lambda done, total, seconds: f"  indexes: {done}/{total} in {seconds:.0f} s",
            report=report,
            every=5,
        )
        with connection.cursor() as cursor:
            deferred.foreign_keys_back(cursor)
            connection.commit()
            report(f"  indexes and foreign keys back in {time.perf_counter() - stage:.0f} s")
            deferred.triggers_back(cursor)
            load_event_record(cursor, marker, loaded, deferred)
        connection.commit()
    vacuum_analyze(server, [*tables, PUBLIC_LOCATIONS], report)
    check(server, report)
    mark(server, marker)


def expected_rows(data: DataSet) -> dict[str, int]:
    """Row counts known before writing, for the progress lines."""
    return {
        "users.users": data.sizes.users,
        "business.businesses": data.sizes.businesses,
        "marketplace.vouchers": data.sizes.vouchers,
        "marketplace.redemptions": len(data.redemption_voucher),
        "audit.audit_logs": data.sizes.audit_rows,
    }


def search_documents_build(server: Server, connection, report) -> None:
    """Every voucher's search documents, by the project's refresh function, in batches."""
    ids = [row[0] for row in connection.execute("SELECT id FROM marketplace.vouchers ORDER BY id")]
    batches = [
        ("SELECT marketplace.voucher_search_refresh(%s::uuid[])", [ids[n : n + SEARCH_BATCH]])
        for n in range(0, len(ids), SEARCH_BATCH)
    ]

    def label(done: int, total: int, seconds: float) -> str:
        vouchers = min(done * SEARCH_BATCH, len(ids))
        return (
            f"  search documents: {vouchers:,}/{len(ids):,} vouchers,"
            f" {vouchers / seconds:,.0f} vouchers/s"
        )

    run_statements(server.connect, batches, label=label, report=report, every=10)


def public_locations_build(connection) -> int:
    """What the businesses' trigger (put aside during the load) would have written: the
    location of each active business (migration ``business.0005``)."""
    rows = connection.execute(PUBLIC_LOCATIONS_BUILD).rowcount
    connection.commit()
    return rows


def load_event_record(cursor, marker: Marker, loaded: dict, deferred: Deferred) -> None:
    """One audit log row for the whole load: what was written, and which triggers were off."""
    changes = {
        "rows": {"new": loaded},
        "scale": {"new": marker.scale},
        "seed": {"new": marker.seed},
        "triggers_off_during_load": {"new": [f"{t}.{name}" for t, name in deferred.triggers]},
    }
    cursor.execute(
        "INSERT INTO audit.audit_logs (id, action, table_name, record_id, changes, user_agent,"
        " timestamp) VALUES (public.uuid_generate_v7(), 'INSERT', 'bench.load', current_database(),"
        " %s, 'bench/build.py (make bench)', clock_timestamp())",
        [json.dumps(changes)],
    )


def vacuum_analyze(server: Server, tables: list[str], report) -> None:
    """VACUUM (ANALYZE) the loaded tables: statistics, hint bits and the visibility map, so
    that the first benchmark iterations do not pay for them."""
    started = time.perf_counter()
    with server.connect(autocommit=True) as connection:
        connection.execute(LOAD_SESSION)
        connection.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    report(f"  VACUUM (ANALYZE) in {time.perf_counter() - started:.0f} s")


def check(server: Server, report) -> None:
    """Raise if any invariant of `bench.invariants` is broken."""
    with server.connect() as connection, connection.cursor() as cursor:
        cursor.execute(LOAD_SESSION)
        broken = {rule: count for rule, count in violations(cursor).items() if count}
    if broken:
        raise RuntimeError(f"the loaded data breaks invariants: {broken}")
    report("  every invariant holds")


def mark(server: Server, marker: Marker) -> None:
    """Store the marker as the database's comment: the build is complete."""
    with server.connect(autocommit=True) as connection:
        comment = json.dumps(asdict(marker)).replace("'", "''")
        connection.execute(f"COMMENT ON DATABASE \"{server.database}\" IS '{comment}'")
