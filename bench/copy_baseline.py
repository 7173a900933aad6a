"""What a plain COPY achieves on the benchmark database, to compare the build's load with.

    .venv/bin/python -m bench.copy_baseline [--rows 100000]

Copies fresh rows (new ids and keys, same businesses) into ``marketplace.vouchers`` and
``i18n.translations`` as they stand after a build: every index and foreign key in place,
once with the user triggers off (a plain COPY into the indexed tables) and once with them on
(the audit trigger and the search documents' triggers, as any writer gets them). Each COPY
runs in a transaction that is rolled back, and the tables are vacuumed afterwards: the
benchmark database is left as it was.
"""

import argparse
import itertools
import time

from bench import build
from bench.dataset import LOAD_ORDER, DataSet, Sizes
from bench.ids import table_salt
from bench.run import django_for

TABLES = ("marketplace.vouchers", "i18n.translations")


def fresh_rows(data: DataSet, table: str, count: int) -> list[str]:
    """``count`` rows of ``table`` whose ids and keys differ from the loaded ones."""
    method = {name: method for name, _, method in LOAD_ORDER}[table]
    rows = getattr(data, method)()
    if table == "i18n.translations":
        # Vouchers' texts only: the categories' and businesses' texts are the loaded ones.
        rows = (row for row in rows if "\tvoucher." in row)
    return list(itertools.islice(rows, count))


def timed_copy(connection, table: str, rows: list[str], *, triggers: bool) -> float:
    """Rows per second of one COPY of ``rows``, rolled back."""
    columns = {name: columns for name, columns, _ in LOAD_ORDER}[table]
    with connection.transaction(force_rollback=True), connection.cursor() as cursor:
        cursor.execute(build.LOAD_SESSION)
        if not triggers:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        started = time.perf_counter()
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for start in range(0, len(rows), 5000):
                copy.write("".join(rows[start : start + 5000]))
        # Deferred foreign keys are checked at commit: check them now, inside the clock.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        elapsed = time.perf_counter() - started
    return len(rows) / elapsed


def main() -> None:
    """Print rows per second of a plain COPY and of a COPY with the triggers on."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", default="pika_bench")
    options = parser.parse_args()
    development = django_for(options.database, "owner")
    from django.conf import settings

    server = build.Server(
        host=settings.PG_HOST,
        port=settings.PG_PORT,
        database=options.database,
        development=development,
        owner=settings.PG_USER,
        owner_password=settings.PG_PASSWORD,
        web=settings.PG_WEB_USER,
        web_password=settings.PG_WEB_PASSWORD,
        statement_timeout_ms=settings.STATEMENT_TIMEOUT,
    )
    marker = build.stored_marker(server)
    if marker is None:
        raise SystemExit(f"{options.database} is not built: run make bench first")
    data = DataSet(sizes=Sizes.from_scale(marker.scale), seed=marker.seed, anchor=marker.anchor)
    data.plan()
    # New voucher ids (hence new keys): the same businesses, none of the loaded rows.
    data.salts["marketplace.vouchers"] = table_salt(marker.seed, "copy_baseline.vouchers")
    data.salts["i18n.translations"] = table_salt(marker.seed, "copy_baseline.translations")
    with server.connect() as connection:
        for table in TABLES:
            rows = fresh_rows(data, table, options.rows)
            plain = timed_copy(connection, table, rows, triggers=False)
            audited = timed_copy(connection, table, rows, triggers=True)
            print(
                f"{table}: plain COPY {plain:,.0f} rows/s; with the triggers on"
                f" {audited:,.0f} rows/s ({len(rows):,} rows, indexes and foreign keys on)"
            )
    with server.connect(autocommit=True) as connection:
        connection.execute(f"VACUUM (ANALYZE) {', '.join(TABLES)}")


if __name__ == "__main__":
    main()
