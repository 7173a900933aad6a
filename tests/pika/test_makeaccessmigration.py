"""`manage.py makeaccessmigration` freezes the declared access into a migration."""

import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pika.db.access import access_fingerprint, access_sql, declared_tables


def test_the_generated_migration_freezes_the_declaration_and_reverses_to_the_previous():
    out = StringIO()
    call_command("makeaccessmigration", "frozen_for_a_test", stdout=out)
    path = Path(out.getvalue().split("wrote ", 1)[1].strip())
    try:
        module = importlib.import_module(f"security.migrations.{path.stem}")
        assert declared_tables() == module.TABLES
        assert access_sql() in module.ACCESS_SQL
        assert access_fingerprint() in module.ACCESS_SQL
        operation = module.Migration.operations[0]
        assert module.PREVIOUS.ACCESS_SQL in operation.reverse_sql
    finally:
        path.unlink()


def test_a_name_that_is_no_identifier_is_refused():
    with pytest.raises(CommandError, match="not a valid migration name"):
        call_command("makeaccessmigration", "no-dashes")
