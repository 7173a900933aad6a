"""What the audit trail costs per row: the row-level trigger it had, the statement-level
triggers it has (audit.0009), and no audit trigger at all, side by side.

Run after ``make setup``: ``.venv/bin/python bench/audit_cost.py [--rows 2000] [--rounds 5]``.

Everything happens on ``i18n.languages`` inside one transaction that is rolled back at the
end: the table, the log and the triggers are left as they were. Each round runs, on fresh
rows, for each of the three set-ups in turn:

- ``single-row UPDATE``: N UPDATEs of one row each, one statement per row (a request's save);
- ``N-row UPDATE``, ``N-row INSERT … SELECT``, ``N-row COPY``, ``N-row DELETE``: one
  statement writing N rows (a bulk write, ``QuerySet.update()``, a load, a purge).

The row-level set-up is the trigger of audit.0002 to audit.0008 (``audit.log_change``, one
INSERT per row, its digest from the log's BEFORE INSERT trigger), installed for the run from
the frozen copy in migration audit.0009. Every other trigger of the table is off throughout,
so that the one difference is the audit trigger. Each audited run checks that it wrote one
audit row per row.

Time is the database backend's CPU time (``/proc/<pid>/schedstat``, when the server runs on
this machine): unlike the wall clock, the machine's other load barely moves it. Wall-clock
time is printed beside it. Medians over the rounds, in µs per row written.

Statements run as the owner for a vouched user (``acting_as``): the trigger verifies the
identity and writes the log whoever writes the row. ``--as-application-role`` runs them as
``application_role`` for an active superuser instead, as a request would: row level security
then adds its own checks (the same with and without the trigger) to every statement.
"""

import argparse
import importlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")

TABLE = '"i18n"."languages"'
LOGS = '"audit"."audit_logs"'
SETUPS = {
    "row-level": ["audit_log_change"],
    "statement-level": ["audit_log_insert", "audit_log_update", "audit_log_delete"],
    "no audit trigger": [],
}
OPERATIONS = [
    "single-row UPDATE",
    "N-row UPDATE",
    "N-row INSERT … SELECT",
    "N-row COPY",
    "N-row DELETE",
]


def legacy_row_trigger_sql() -> str:
    """The row-level function and trigger audit.0009 replaced, as it keeps them for going back."""
    migration = importlib.import_module("audit.migrations.0009_statement_level_audit")
    return migration.LOG_CHANGE + migration.audit_row_trigger_sql(TABLE)


class ServerClock:
    """The backend's CPU time in seconds, when its /proc entry is readable; else None."""

    def __init__(self, cursor):
        cursor.execute("SELECT pg_backend_pid()")
        self.path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def __call__(self) -> float | None:
        try:
            return int(self.path.read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return None


class Bench:
    def __init__(self, cursor, rows: int, role: str | None):
        self.cursor, self.rows, self.role = cursor, rows, role
        self.server_clock = ServerClock(cursor)
        self.batch = 0

    def use(self, setup: str) -> None:
        """Enable the triggers of one set-up, disable the others'."""
        for name, triggers in SETUPS.items():
            for trigger in triggers:
                state = "ENABLE" if name == setup else "DISABLE"
                self.cursor.execute(f"ALTER TABLE {TABLE} {state} TRIGGER {trigger}")

    def fresh_rows(self) -> list:
        """N new rows to update or delete, written with no audit trigger."""
        self.use("no audit trigger")
        self.batch += 1
        self.cursor.execute(
            f"INSERT INTO {TABLE} (code, name) SELECT %s || n, 'bench'"
            " FROM generate_series(1, %s) n RETURNING id",
            [f"f{self.batch}_", self.rows],
        )
        return [row[0] for row in self.cursor.fetchall()]

    def logged(self) -> int:
        self.cursor.execute(f"SELECT count(*) FROM {LOGS} WHERE table_name = 'i18n.languages'")
        return self.cursor.fetchone()[0]

    def timed(self, setup: str, work) -> tuple[float, float | None]:
        """Seconds (wall, server CPU) that ``work`` takes under ``setup``; checks the log."""
        self.use(setup)
        before = self.logged()
        if self.role:
            self.cursor.execute(f"SET LOCAL ROLE {self.role}")
        wall, server = time.perf_counter(), self.server_clock()
        work()
        wall, server_after = time.perf_counter() - wall, self.server_clock()
        if self.role:
            self.cursor.execute("RESET ROLE")
        written = self.logged() - before
        expected = self.rows if SETUPS[setup] else 0
        if written != expected:
            raise AssertionError(f"{setup}: {written} audit rows written, {expected} expected")
        return wall, (server_after - server if server is not None else None)

    def run(self, operation: str, setup: str) -> tuple[float, float | None]:
        cursor, self.batch = self.cursor, self.batch + 1
        prefix = f"b{self.batch}_"
        if operation == "single-row UPDATE":
            ids = self.fresh_rows()

            def work():
                for row_id in ids:
                    cursor.execute(f"UPDATE {TABLE} SET name = 'benched' WHERE id = %s", [row_id])

        elif operation == "N-row UPDATE":
            ids = self.fresh_rows()

            def work():
                cursor.execute(f"UPDATE {TABLE} SET name = 'benched' WHERE id = ANY (%s)", [ids])

        elif operation == "N-row INSERT … SELECT":

            def work():
                cursor.execute(
                    f"INSERT INTO {TABLE} (code, name)"
                    " SELECT %s || n, 'bench' FROM generate_series(1, %s) n",
                    [prefix, self.rows],
                )

        elif operation == "N-row COPY":
            data = "".join(f"{prefix}{n}\tbench\n" for n in range(self.rows))

            def work():
                with cursor.cursor.copy(f"COPY {TABLE} (code, name) FROM STDIN") as copy:
                    copy.write(data)

        else:
            ids = self.fresh_rows()

            def work():
                cursor.execute(f"DELETE FROM {TABLE} WHERE id = ANY (%s)", [ids])

        return self.timed(setup, work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="N: rows per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="measurements per figure")
    parser.add_argument("--as-application-role", action="store_true")
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction

    from pika.db.context import acting_as
    from pika.db.security import APPLICATION_ROLE
    from users.models import User

    actor = (
        User.objects.filter(is_superuser=True, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if actor is None:
        sys.exit("no active superuser to act as: run make setup (it creates the dev admin)")
    role = APPLICATION_ROLE if options.as_application_role else None
    # Row level security refuses COPY FROM to the roles it applies to.
    operations = [op for op in OPERATIONS if not (role and op == "N-row COPY")]
    wall = {(op, setup): [] for op in operations for setup in SETUPS}
    server = {key: [] for key in wall}
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Deferred foreign-key checks would stop the ALTER TABLEs.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            cursor.execute(legacy_row_trigger_sql())
            bench = Bench(cursor, options.rows, role)
            with acting_as(user_id=actor, ip_address="192.0.2.1", user_agent="bench"):
                for round_ in range(options.rounds + 1):  # round 0 warms up
                    for op in operations:
                        for setup in SETUPS:
                            seconds, cpu = bench.run(op, setup)
                            if round_:
                                wall[op, setup].append(seconds)
                                server[op, setup].append(cpu)
        transaction.set_rollback(True)
    report(options, wall, server)


def report(options, wall, server) -> None:
    def per_row(samples):
        if not samples or None in samples:
            return None
        return statistics.median(samples) / options.rows * 1e6

    out = io.StringIO()
    who = "application_role" if options.as_application_role else "the owner"
    out.write(
        f"µs per row, median of {options.rounds} rounds, N = {options.rows},"
        f" as {who} for a vouched user\n"
    )
    for label, figures in (("server CPU", server), ("wall clock", wall)):
        if per_row(figures[OPERATIONS[0], "row-level"]) is None:
            out.write(f"\n({label}: not readable here)\n")
            continue
        out.write(f"\n{label:<24}{'row-level':>11}{'statement':>11}{'none':>8}")
        out.write(f"{'audit cost: row':>17}{'statement':>11}{'ratio':>7}\n")
        for op in [op for op in OPERATIONS if (op, "row-level") in figures]:
            row, statement, none = (per_row(figures[op, setup]) for setup in SETUPS)
            row_cost, statement_cost = row - none, statement - none
            ratio = row_cost / statement_cost if statement_cost > 0 else float("inf")
            out.write(
                f"{op:<24}{row:>11.1f}{statement:>11.1f}{none:>8.1f}"
                f"{row_cost:>17.1f}{statement_cost:>11.1f}{ratio:>6.1f}x\n"
            )
    print(out.getvalue(), end="")


if __name__ == "__main__":
    main()
