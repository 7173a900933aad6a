"""The server_log fixture sees what the server logs, and puts the logging back afterwards."""

import uuid

import pytest
from django.db import DataError, connection, transaction


def test_server_log_records_every_statement_with_its_values(server_log):
    marker = f"marker-{uuid.uuid4()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", [marker])
    assert f"'{marker}'" in server_log.text()


def test_server_log_forgets_what_came_before_a_restart(server_log):
    before, after = f"before-{uuid.uuid4()}", f"after-{uuid.uuid4()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", [before])
        server_log.restart()
        cursor.execute("SELECT %s", [after])
    assert before not in server_log.text()
    assert after in server_log.text()


@pytest.mark.parametrize("server_log", ["none"], indirect=True)
def test_server_log_at_default_logging_records_only_failing_statements(server_log):
    quiet, failing = f"quiet-{uuid.uuid4()}", f"failing-{uuid.uuid4()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", [quiet])
        with pytest.raises(DataError), transaction.atomic():
            cursor.execute("SELECT %s::text, 1 / 0", [failing])
    log = server_log.text()
    assert quiet not in log
    assert f"STATEMENT:  SELECT '{failing}'::text, 1 / 0" in log
