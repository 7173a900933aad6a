"""Clear, one-line errors when the database is out of reach or lacks privileges."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, connections

from pika.db.operations import EnsureExtension

PROJECT_DIR = Path(settings.BASE_DIR)


def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_server_is_one_line_naming_host_and_port():
    port = closed_port()
    # The pool still times out before the direct attempt names the reason; after 1 s instead
    # of the default 5 s, which this test would otherwise spend waiting.
    environment = {
        **os.environ,
        "DATABASE_URL": "",
        "PG_HOST": "127.0.0.1",
        "PG_PORT": str(port),
        "DATABASE_TIMEOUT": "1000",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "showmigrations", "pika"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("pika:")]
    assert len(errors) == 1
    assert f"127.0.0.1:{port}" in errors[0]


@pytest.mark.django_db
def test_extension_a_role_may_not_create_names_the_statement_a_superuser_must_run():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            pytest.skip("the test role is a superuser and may create any extension")
    name = f"{settings.DATABASES['default']['NAME']}_no_postgis"
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    admin = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    bare = connections.create_connection("default")
    bare.settings_dict = {
        **bare.settings_dict,
        "NAME": name,
        "OPTIONS": {k: v for k, v in bare.settings_dict["OPTIONS"].items() if k != "pool"},
    }
    try:
        with pytest.raises(CommandError) as error, bare.schema_editor() as editor:
            EnsureExtension("postgis").database_forwards("pika", editor, None, None)
        assert "CREATE EXTENSION IF NOT EXISTS postgis" in str(error.value)
        assert name in str(error.value)
    finally:
        bare.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
