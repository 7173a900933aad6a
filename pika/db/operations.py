"""Migration operations for the database-wide parts: extensions and schemas."""

from django.contrib.postgres.operations import CreateExtension
from django.core.management.base import CommandError
from django.db import ProgrammingError
from django.db.migrations.operations.base import Operation
from psycopg import errors as pg_errors


class EnsureExtension(CreateExtension):
    """Create a PostgreSQL extension unless it exists, and say clearly when we can't.

    A role that may not create the extension (postgis needs a superuser) gets a
    `CommandError` naming the statement a superuser must run, not a traceback. Reversing
    drops the extension only when the migrating role owns it: one installed beforehand by
    a superuser or a DBA is theirs to keep.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        try:
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        except ProgrammingError as exc:
            statement = f"CREATE EXTENSION IF NOT EXISTS {self.name} CASCADE;"
            database = schema_editor.connection.settings_dict["NAME"]
            if isinstance(exc.__cause__, pg_errors.InsufficientPrivilege):
                raise CommandError(
                    f"the database role may not create the extension {self.name}; "
                    f"a superuser must run in database {database!r}: {statement}"
                ) from exc
            if isinstance(exc.__cause__, pg_errors.UndefinedFile):
                raise CommandError(
                    f"the server has no extension {self.name}; install its package on the "
                    f"database server (make setup does for the project's own cluster)"
                ) from exc
            raise

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_userbyid(extowner) = current_user FROM pg_extension"
                " WHERE extname = %s",
                [self.name],
            )
            row = cursor.fetchone()
        if row and row[0]:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Ensure extension {self.name}"


class CreateSchema(Operation):
    """Create a PostgreSQL schema; reversing drops it (only when empty)."""

    reversible = True

    def __init__(self, name: str):
        self.name = name

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema_editor.quote_name(self.name)}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(f"DROP SCHEMA IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self):
        return f"Create schema {self.name}"

    @property
    def migration_name_fragment(self):
        return f"create_schema_{self.name}"
