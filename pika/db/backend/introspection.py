"""Introspection that understands schema-qualified table names.

Django's PostgreSQL introspection finds a table by ``relname = %s AND
pg_table_is_visible(oid)``: a table outside the ``search_path`` is invisible, so for
``'"users"."users"'`` it finds no constraints, no sequences and no table at all. Schema
editing then silently skips constraints it cannot see, ``flush`` leaves such tables
alone, and transactional tests leave rows behind.

Here every catalogue lookup of a table named ``"schema"."table"`` runs Django's own
queries with that schema first on the ``search_path``, and table listings name tables
outside the ``search_path`` the way models do, as ``"schema"."table"``.
"""

import functools
from contextlib import contextmanager

from django.contrib.gis.db.backends.postgis.introspection import PostGISIntrospection
from django.db.backends.postgresql.introspection import TableInfo
from django.db.backends.utils import split_identifier


@contextmanager
def schema_first_on_path(cursor, schema: str):
    """Put ``schema`` first on the session's search_path for the duration of the block."""
    cursor.execute("SELECT current_setting('search_path')")
    previous = cursor.fetchone()[0]
    cursor.execute(
        "SELECT set_config('search_path', quote_ident(%s) || ', ' || %s, false)",
        [schema, previous],
    )
    try:
        yield
    finally:
        cursor.execute("SELECT set_config('search_path', %s, false)", [previous])


def _resolving_schema(method):
    """Run an introspection method for ``"schema"."table"`` as if the table were visible."""

    @functools.wraps(method)
    def wrapper(self, cursor, table_name, *args, **kwargs):
        schema, name = split_identifier(table_name)
        if not schema:
            return method(self, cursor, table_name, *args, **kwargs)
        with schema_first_on_path(cursor, schema):
            return method(self, cursor, name, *args, **kwargs)

    return wrapper


class DatabaseIntrospection(PostGISIntrospection):
    get_table_description = _resolving_schema(PostGISIntrospection.get_table_description)
    get_relations = _resolving_schema(PostGISIntrospection.get_relations)
    get_constraints = _resolving_schema(PostGISIntrospection.get_constraints)
    get_geometry_type = _resolving_schema(PostGISIntrospection.get_geometry_type)

    def get_sequences(self, cursor, table_name, table_fields=()):
        schema, name = split_identifier(table_name)
        if not schema:
            return super().get_sequences(cursor, table_name, table_fields)
        with schema_first_on_path(cursor, schema):
            sequences = super().get_sequences(cursor, name, table_fields)
        # A sequence lives in its table's schema; name it so that it is found from anywhere.
        return [
            {**sequence, "name": f'"{schema}"."{sequence["name"]}"', "table": table_name}
            for sequence in sequences
        ]

    def get_table_list(self, cursor):
        """List tables and views, naming those outside the search_path "schema"."table".

        Objects that belong to an extension (PostGIS topology and tiger tables) are left
        out unless they are visible, as Django always listed visible ones.
        """
        cursor.execute("""
            SELECT
                CASE WHEN pg_catalog.pg_table_is_visible(c.oid) THEN c.relname
                     ELSE '"' || n.nspname || '"."' || c.relname || '"'
                END,
                CASE
                    WHEN c.relispartition THEN 'p'
                    WHEN c.relkind IN ('m', 'v') THEN 'v'
                    ELSE 't'
                END,
                obj_description(c.oid, 'pg_class')
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
                AND n.nspname NOT IN ('pg_catalog', 'pg_toast', 'information_schema')
                AND (
                    pg_catalog.pg_table_is_visible(c.oid)
                    OR (
                        n.nspname !~ '^pg_(toast_)?temp_'
                        AND NOT EXISTS (
                            SELECT FROM pg_catalog.pg_depend d
                            WHERE d.classid = 'pg_catalog.pg_class'::regclass
                                AND d.objid = c.oid
                                AND d.deptype = 'e'
                        )
                    )
                )
        """)
        return [TableInfo(*row) for row in cursor.fetchall() if row[0] not in self.ignored_tables]

    def django_table_names(self, only_existing=False, include_views=True):
        """Return the models' tables; with only_existing, those the database has.

        Existence is asked of PostgreSQL by name (``to_regclass``), so a model's
        ``"schema"."table"`` is found whether or not its schema is on the search_path.
        """
        tables = super().django_table_names(only_existing=False, include_views=include_views)
        if not only_existing:
            return tables
        kinds = ["r", "p", "f"] + (["v", "m"] if include_views else [])
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT wanted.name
                FROM unnest(%s::text[], %s::text[]) AS wanted(name, quoted)
                JOIN pg_catalog.pg_class c ON c.oid = to_regclass(wanted.quoted)
                WHERE c.relkind = ANY(%s::"char"[])
                """,
                [tables, [quote(table) for table in tables], kinds],
            )
            return [row[0] for row in cursor.fetchall()]
