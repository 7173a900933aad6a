"""``EXPLAIN (ANALYZE, BUFFERS)`` of each case's queries, as the benchmark runs them.

For the first parameter set of each case, the SQL the selector sends (captured from Django)
and the hand-written SQL are explained on the psycopg connection, in a transaction set up as
the benchmark's (`bench.stacks`): the plans are those the timings measured.
"""

import datetime
from pathlib import Path

import psycopg

from bench.report import RESULTS_DIR


class Recording:
    """A psycopg cursor that remembers what it executed."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.statements: list[tuple[str, object]] = []

    def execute(self, sql, params=None):
        """Execute as the cursor would, remembering the statement."""
        self.statements.append((sql, params))
        return self.cursor.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self.cursor, name)


def statements_of(stacks, case, implementation: str, params: dict) -> list[tuple[str, object]]:
    """The statements one iteration of ``implementation`` sends."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = case.acting_user(params)
    with stacks.transaction(implementation, user) as handle:
        if implementation == "selector":
            with CaptureQueriesContext(connection) as captured:
                case.run[implementation](handle, **params)
            return [(query["sql"], None) for query in captured.captured_queries]
        recording = Recording(handle)
        case.run[implementation](recording, **params)
        return recording.statements


def explained(stacks, user, sql: str, values) -> str:
    """The plan of ``sql`` with timings, or the plan alone if running it times out."""
    try:
        with stacks.transaction("raw", user) as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", values)
            return "\n".join(row[0] for row in cursor.fetchall())
    except psycopg.errors.QueryCanceled:
        with stacks.transaction("raw", user) as cursor:
            cursor.execute(f"EXPLAIN {sql}", values)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        return f"(EXPLAIN ANALYZE hit the statement timeout; the plan without timings:)\n{plan}"


def explain_all(stacks, all_cases, marker, login: str) -> Path:
    """Write the plans of every case to ``bench/results/`` and return the file's path."""
    now = datetime.datetime.now(datetime.UTC)
    path = RESULTS_DIR / f"{now:%Y%m%dT%H%M%SZ}-scale{marker.scale:g}-{login}-plans.txt"
    sections = []
    for case in all_cases:
        params = case.params[0]
        shown = {key: value for key, value in params.items() if key != "language_object"}
        for implementation in ("selector", "raw"):
            for sql, values in statements_of(stacks, case, implementation, params):
                plan = explained(stacks, case.acting_user(params), sql, values)
                sections.append(
                    f"=== {case.name} · {implementation} · {shown}\n{sql.strip()}\n\n{plan}\n"
                )
    RESULTS_DIR.mkdir(exist_ok=True)
    path.write_text("\n".join(sections))
    return path
