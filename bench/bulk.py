"""COPY rows into a table through psycopg 3, reporting rows per second as it goes."""

import itertools
import time
from collections.abc import Callable, Iterable

# Rows per write: large enough that Python's per-call cost vanishes, small enough to stream.
CHUNK_ROWS = 5000
REPORT_EVERY_S = 5.0


def copy_rows(
    connection,
    table: str,
    columns: str,
    rows: Iterable[str],
    *,
    expected: int | None,
    report: Callable[[str], None],
) -> tuple[int, float]:
    """COPY ``rows`` (lines in COPY's text format) into ``table``; return (rows, seconds).

    Commits at the end: each table is one transaction.
    """
    started = last_report = time.perf_counter()
    written = 0
    rows = iter(rows)
    statement = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            copy.write("".join(chunk))
            written += len(chunk)
            now = time.perf_counter()
            if now - last_report >= REPORT_EVERY_S:
                last_report = now
                share = f" ({written * 100 // expected}%)" if expected else ""
                report(
                    f"  {table}: {written:,} rows{share}, {written / (now - started):,.0f} rows/s"
                )
    connection.commit()
    elapsed = time.perf_counter() - started
    report(f"  {table}: {written:,} rows in {elapsed:.1f} s, {written / elapsed:,.0f} rows/s")
    return written, elapsed
