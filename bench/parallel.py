"""Run independent statements on a few connections at once: the build's index builds and
search-document batches keep every core busy instead of one."""

import queue
import threading
import time
from collections.abc import Callable

WORKERS = 2
# Each worker is one process already: parallel maintenance workers would only compete.
SESSION = (
    "SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0;"
    " SET maintenance_work_mem = '512MB'; SET synchronous_commit = off;"
    " SET max_parallel_maintenance_workers = 0"
)


def run_statements(
    connect: Callable,
    statements: list[tuple[str, object]],
    *,
    label: Callable[[int, int, float], str],
    report: Callable[[str], None],
    every: int = 1,
) -> None:
    """Execute ``(sql, params)`` statements on `WORKERS` connections, each in autocommit.

    ``label(done, total, seconds)`` is reported after every ``every``-th statement and the
    last; the first error stops the workers and is raised.
    """
    pending: queue.Queue = queue.Queue()
    for number, statement in enumerate(statements):
        pending.put((number, statement))
    errors: list[BaseException] = []
    done = [0]
    lock = threading.Lock()
    started = time.perf_counter()

    def work() -> None:
        with connect(autocommit=True) as connection:
            connection.execute(SESSION)
            while not errors:
                try:
                    _, (sql, params) = pending.get_nowait()
                except queue.Empty:
                    return
                try:
                    connection.execute(sql, params)
                except BaseException as error:
                    errors.append(error)
                    return
                with lock:
                    done[0] += 1
                    if done[0] % every == 0 or done[0] == len(statements):
                        report(label(done[0], len(statements), time.perf_counter() - started))

    threads = [threading.Thread(target=work) for _ in range(min(WORKERS, len(statements)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
