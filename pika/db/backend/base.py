"""Pika's database backend: PostGIS, with schema-qualified table names understood."""

from django.contrib.gis.db.backends.postgis.base import (
    DatabaseWrapper as PostGISDatabaseWrapper,
)

from pika.db.errors import DatabaseUnreachable

from .introspection import DatabaseIntrospection
from .schema import DatabaseSchemaEditor


class DatabaseWrapper(PostGISDatabaseWrapper):
    introspection_class = DatabaseIntrospection
    SchemaEditorClass = DatabaseSchemaEditor

    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except self.Database.OperationalError as exc:
            host = self.settings_dict["HOST"] or "localhost"
            port = self.settings_dict["PORT"] or 5432
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DatabaseUnreachable(
                f"cannot connect to PostgreSQL at {host}:{port} "
                f"(database {self.settings_dict['NAME']!r}, user {self.settings_dict['USER']!r}): "
                f"{reason}"
            ) from exc
