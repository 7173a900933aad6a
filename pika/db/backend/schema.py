"""Schema editing for tables that live in their own PostgreSQL schema."""

import copy

from django.conf import settings
from django.contrib.gis.db.backends.postgis.schema import PostGISSchemaEditor
from django.db.backends.ddl_references import Statement, Table
from django.db.backends.utils import split_identifier


class DatabaseSchemaEditor(PostGISSchemaEditor):
    """PostGIS schema editor that addresses indexes in their table's schema.

    An index or constraint lives in its table's schema, but Django names it bare in
    ``DROP INDEX IF EXISTS name``, ``ALTER INDEX name RENAME`` and ``SET CONSTRAINTS name
    IMMEDIATE``: for a table outside the search_path the index drop silently does nothing
    and the others fail. Every migration also runs with
    ``lock_timeout = MIGRATION_LOCK_TIMEOUT``, so DDL waiting behind a long transaction
    fails fast instead of queueing every query behind it.
    """

    def __enter__(self):
        super().__enter__()
        self._previous_lock_timeout = None
        if not self.collect_sql and settings.MIGRATION_LOCK_TIMEOUT:
            with self.connection.cursor() as cursor:
                if self.atomic_migration:
                    # Transaction-local: ends with the migration's transaction.
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, true)",
                        [f"{settings.MIGRATION_LOCK_TIMEOUT}ms"],
                    )
                else:
                    cursor.execute(
                        "SELECT current_setting('lock_timeout'),"
                        " set_config('lock_timeout', %s, false)",
                        [f"{settings.MIGRATION_LOCK_TIMEOUT}ms"],
                    )
                    self._previous_lock_timeout = cursor.fetchone()[0]
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        try:
            return super().__exit__(exc_type, exc_value, traceback)
        finally:
            if self._previous_lock_timeout is not None and self.connection.is_usable():
                with self.connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, false)",
                        [self._previous_lock_timeout],
                    )

    def _create_like_index_sql(self, model, field):
        """No ``varchar_pattern_ops`` twin beside every unique or indexed varchar.

        Django adds one for LIKE 'prefix%' searches; Pika's unique varchars are keys,
        hashes, codes and slugs that are matched whole, so each twin would only double the
        write cost. Where a prefix search is needed, declare it:
        ``Index(fields=[...], opclasses=["varchar_pattern_ops"], name=...)``.
        """
        return None

    def _field_db_check(self, field, field_db_params):
        """The field's own ``db_check``, so that altering a field adds or drops it.

        Django compares only the backend's per-type checks here (those of
        ``PositiveIntegerField``), so changing a column to a field with its own CHECK
        (`pika.db.bounded`) would install nothing. The column name is a placeholder, as in
        Django's version, so that renaming a column does not recreate its check.
        """
        placeholder = copy.copy(field)
        placeholder.column = "__column_name__"
        return placeholder.db_check(self.connection)

    def _index_in_table_schema(self, model, name: str) -> str:
        """Qualify an index or constraint name with the schema of the model's table."""
        schema, _ = split_identifier(model._meta.db_table)
        if not schema or name.startswith('"'):
            return name
        return f"{self.quote_name(schema)}.{self.quote_name(name)}"

    def _delete_index_sql(self, model, name, sql=None, concurrently=False):
        return super()._delete_index_sql(
            model, self._index_in_table_schema(model, name), sql, concurrently
        )

    def _delete_constraint_sql(self, template, model, name):
        if template in (self.sql_delete_index, self.sql_delete_index_concurrently):
            name = self._index_in_table_schema(model, name)
        return super()._delete_constraint_sql(template, model, name)

    def _delete_fk_sql(self, model, name):
        qualified = self._index_in_table_schema(model, name)
        if qualified == name:
            return super()._delete_fk_sql(model, name)
        # Django's PostgreSQL template, with the constraint found in the table's schema.
        return Statement(
            "SET CONSTRAINTS %(qualified_name)s IMMEDIATE; "
            "ALTER TABLE %(table)s DROP CONSTRAINT %(name)s",
            table=Table(model._meta.db_table, self.quote_name),
            name=self.quote_name(name),
            qualified_name=qualified,
        )

    def _rename_index_sql(self, model, old_name, new_name):
        return super()._rename_index_sql(
            model, self._index_in_table_schema(model, old_name), new_name
        )

    def alter_db_table(self, model, old_db_table, new_db_table):
        """Rename a table, moving it to another schema first when the schema changes."""
        old_schema, old_name = split_identifier(old_db_table)
        new_schema, new_name = split_identifier(new_db_table)
        if not old_schema and not new_schema:
            return super().alter_db_table(model, old_db_table, new_db_table)
        if old_db_table == new_db_table:
            return
        current = old_db_table
        if old_schema != new_schema:
            if new_schema:
                target = self.quote_name(new_schema)
            else:
                with self.connection.cursor() as cursor:
                    cursor.execute("SELECT current_schema()")
                    target = self.quote_name(cursor.fetchone()[0])
            self.execute(
                Statement(
                    "ALTER TABLE %(table)s SET SCHEMA %(schema)s",
                    table=self.quote_name(current),
                    schema=target,
                )
            )
            current = f"{target}.{self.quote_name(old_name)}"
        if old_name != new_name:
            self.execute(
                Statement(
                    "ALTER TABLE %(table)s RENAME TO %(name)s",
                    table=current,
                    name=self.quote_name(new_name),
                )
            )
        for sql in self.deferred_sql:
            if isinstance(sql, Statement):
                sql.rename_table_references(old_db_table, new_db_table)
