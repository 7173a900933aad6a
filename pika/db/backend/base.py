"""Pika's database backend: PostGIS, with schema-qualified table names understood."""

from django.contrib.gis.db.backends.postgis.base import (
    DatabaseWrapper as PostGISDatabaseWrapper,
)
from psycopg_pool import PoolTimeout

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
            raise DatabaseUnreachable(
                f"cannot connect to PostgreSQL at {host}:{port} "
                f"(database {self.settings_dict['NAME']!r}, user {self.settings_dict['USER']!r}): "
                f"{self._connect_failure_reason(conn_params, exc)}"
            ) from exc

    def _connect_failure_reason(self, conn_params, exc) -> str:
        """The first line of why connecting failed.

        A pool only reports that it timed out; one direct attempt tells the real reason
        (refused, unknown host, bad password).
        """
        if isinstance(exc, PoolTimeout):
            try:
                self.Database.connect(**conn_params).close()
            except self.Database.OperationalError as direct:
                exc = direct
        lines = str(exc).strip().splitlines()
        return lines[0] if lines else type(exc).__name__
