"""The one place that builds schema-qualified table names.

A model pins its table to a PostgreSQL schema with
``db_table = schema_table("users", "users")``, which yields ``'"users"."users"'``. Django
passes such a name through ``quote_name`` untouched, so the ORM, migrations and raw SQL
(through ``Model._meta.db_table``) all address the table in its schema.
"""

import re

from django.db.backends.utils import split_identifier

# The domain schemas, one per Django app of the same name; `public` exists already.
DOMAIN_SCHEMAS = (
    "users",
    "identity",
    "audit",
    "support",
    "payments",
    "files",
    "i18n",
    "catalog",
    "marketplace",
    "business",
    "analytics",
    "security",
)
SCHEMAS = ("public", *DOMAIN_SCHEMAS)

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def schema_table(schema: str, table: str) -> str:
    """Return the ``db_table`` value that places ``table`` in ``schema``."""
    if schema not in SCHEMAS:
        raise ValueError(f"unknown schema {schema!r}; Pika's schemas are {', '.join(SCHEMAS)}")
    if not _IDENTIFIER.match(table):
        raise ValueError(
            f"table name {table!r} must be a lower-case SQL identifier of at most 63 characters"
        )
    return f'"{schema}"."{table}"'


def table_schema(db_table: str) -> str | None:
    """Return the schema a ``db_table`` value names, or None for an unqualified name."""
    schema, _ = split_identifier(db_table)
    return schema or None
