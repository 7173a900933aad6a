"""Runs every case of every operation: warm-up, then interleaved timed iterations.

Iterations of the three implementations alternate (selector, SQLAlchemy, raw, then the next
parameter set), so that a cache warming or a checkpoint in the middle of a run weighs on all
three alike. The clock covers the operation only: building the query, running it and
materializing its rows, inside a transaction already set up as the web's would be.
"""

import random
import time

import psycopg
from django.db import DatabaseError
from sqlalchemy.exc import SQLAlchemyError

from bench import report
from bench.operations import OPERATIONS, Context, cases
from bench.stacks import IMPLEMENTATIONS, Stacks

# What a timed-out statement raises through each stack.
FAILURES = (psycopg.Error, DatabaseError, SQLAlchemyError)

MIN_ITERATIONS = 5


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0-100) of ``values``, interpolated between neighbours."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * share / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(stacks: Stacks, case, implementation: str, params: dict) -> tuple[float, list | None]:
    """(seconds, answer) of one iteration, in one transaction; the answer is None when the
    statement failed (the project's statement timeout): its time still counts."""
    run = case.run[implementation]
    started = time.perf_counter()
    try:
        with stacks.transaction(implementation, case.acting_user(params)) as handle:
            started = time.perf_counter()
            answer = run(handle, **params)
            return time.perf_counter() - started, answer
    except FAILURES as error:
        print(f"    {implementation}: {type(error).__name__}: {str(error).strip()}", flush=True)
        return time.perf_counter() - started, None


def measure(stacks: Stacks, case, *, iterations: int, warm_up: int, budget_s: float) -> list[dict]:
    """Figures of each implementation for one case; raises if their answers differ.

    At most ``warm_up`` warm-up rounds (fewer once a tenth of ``budget_s`` is spent, at least
    one), then at most ``iterations`` timed rounds, fewer if the warm-up says they would
    take longer than ``budget_s`` (at least `MIN_ITERATIONS`): a slow case still finishes
    in minutes, and its percentiles rest on fewer samples (the JSON says how many).
    """
    started = time.perf_counter()
    rounds = 0
    while rounds < max(1, warm_up) and (
        rounds < 1 or time.perf_counter() - started < budget_s / 10
    ):
        for implementation in IMPLEMENTATIONS:
            timed(stacks, case, implementation, case.params[rounds % len(case.params)])
        rounds += 1
    per_round = (time.perf_counter() - started) / rounds
    iterations = max(MIN_ITERATIONS, min(iterations, int(budget_s / per_round)))
    seconds = {implementation: [] for implementation in IMPLEMENTATIONS}
    rows = {implementation: 0 for implementation in IMPLEMENTATIONS}
    failed = {implementation: 0 for implementation in IMPLEMENTATIONS}
    for n in range(iterations):
        params = case.params[n % len(case.params)]
        answers = {}
        for implementation in IMPLEMENTATIONS:
            elapsed, answer = timed(stacks, case, implementation, params)
            seconds[implementation].append(elapsed)
            if answer is None:
                failed[implementation] += 1
            else:
                answers[implementation] = answer
                rows[implementation] += len(answer)
        agreeing = {repr(answer) for answer in answers.values()}
        if n < len(case.params) and len(agreeing) > 1:
            raise AssertionError(f"{case.name}: the implementations disagree for {params}")
    return [
        {
            "operation": case.operation,
            "name": case.name,
            "implementation": implementation,
            "p50_ms": percentile(seconds[implementation], 50) * 1000,
            "p95_ms": percentile(seconds[implementation], 95) * 1000,
            "p99_ms": percentile(seconds[implementation], 99) * 1000,
            "rows": rows[implementation] / max(1, iterations - failed[implementation]),
            "iterations": iterations,
            "failed": failed[implementation],
            "target_p95_ms": case.targets.get(implementation),
        }
        for implementation in IMPLEMENTATIONS
    ]


def run_all(server, marker, options) -> None:
    """Measure every selected operation, print the table and write the JSON."""
    stacks = Stacks(server, web=options.login == "web")
    figures = []
    with server.connect() as connection:
        context = Context(
            connection=connection, rng=random.Random(options.seed), scale=marker.scale
        )
        selected = [name for name in OPERATIONS if not options.only or name in options.only]
        all_cases = [case for name in selected for case in cases(name, context)]
        machine = report.machine(connection)
    if options.explain:
        from bench.explain import explain_all

        try:
            print(f"Plans written to {explain_all(stacks, all_cases, marker, options.login)}")
        finally:
            stacks.close()
        return
    path = report.results_path(marker, options.login)
    try:
        for case in all_cases:
            print(f"  {case.name} …", flush=True)
            figures += measure(
                stacks,
                case,
                iterations=options.iterations,
                warm_up=options.warm_up,
                budget_s=options.case_seconds,
            )
            report.ratios(figures)
            # After every case: an interrupted run keeps what it measured.
            report.write_json(path, figures, marker, machine, options)
    finally:
        stacks.close()
    print(report.table(figures, marker, options.login))
    print(f"Figures written to {path}")
