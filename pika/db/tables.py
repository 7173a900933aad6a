"""The one place that builds schema-qualified table names.

A model pins its table to a PostgreSQL schema with
``db_table = schema_table("users", "users")``, which yields ``'"users"."users"'``. Django
passes such a name through ``quote_name`` untouched, so the ORM, migrations and raw SQL
(through ``Model._meta.db_table``) all address the table in its schema.
"""

import re

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
_QUALIFIED = re.compile(r'^"([a-z_][a-z0-9_]{0,62})"\."([a-z_][a-z0-9_]{0,62})"$')


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
    """Return the schema of a ``db_table`` built by `schema_table`, else None.

    A name derived from a qualified one, such as Django's default many-to-many table
    ``'"catalog"."tagged"_tags'``, is malformed and has no schema.
    """
    match = _QUALIFIED.match(db_table)
    return match.group(1) if match else None
