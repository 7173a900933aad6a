"""What a bulk load puts aside and restores: indexes, foreign keys and the project's triggers.

Building an index once over loaded rows is several times cheaper than maintaining it row by
row, and a foreign key added afterwards is checked by one join instead of one lookup per row.
The definitions are read from the catalogue before anything is dropped (``pg_get_indexdef``,
``pg_get_constraintdef``), so what comes back is exactly what the migrations made, and every
constraint is validated against the loaded rows when it is added back.

Primary keys and unique constraints stay (other tables' foreign keys need them); CHECK
constraints stay (they cost little per row). The user triggers of the loaded tables (audit,
column guards, search documents) are disabled by name and enabled again by name.
"""

from dataclasses import dataclass


@dataclass
class Deferred:
    """The catalogue's definitions of what `put_aside` drops or disables."""

    indexes: list[tuple[str, str]]  # (qualified index name, CREATE INDEX statement)
    foreign_keys: list[tuple[str, str, str]]  # (table, constraint, definition)
    triggers: list[tuple[str, str]]  # (table, trigger)

    @classmethod
    def read(cls, cursor, tables: list[str], *, keep_triggers_on: set[str]) -> "Deferred":
        """Read the definitions for ``tables``; triggers of ``keep_triggers_on`` stay on."""
        cursor.execute(
            """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname),
                pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_namespace n ON n.oid = i.relnamespace
            WHERE x.indrelid = ANY (%s::regclass[])
                AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY 1
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint
            WHERE contype = 'f' AND conrelid = ANY (%s::regclass[])
            ORDER BY 1, 2
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            """
            SELECT tgrelid::regclass::text, tgname FROM pg_trigger
            WHERE NOT tgisinternal AND tgenabled <> 'D' AND tgrelid = ANY (%s::regclass[])
                AND NOT tgrelid = ANY (%s::regclass[])
            ORDER BY 1, 2
            """,
            [tables, sorted(keep_triggers_on)],
        )
        return cls(indexes, foreign_keys, cursor.fetchall())

    def put_aside(self, cursor) -> None:
        """Drop the indexes and foreign keys, disable the triggers (as the tables' owner)."""
        for table, trigger in self.triggers:
            cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{trigger}"')
        for table, name, _ in self.foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in self.indexes:
            cursor.execute(f"DROP INDEX {name}")

    def foreign_keys_back(self, cursor) -> None:
        """Add the foreign keys again, each validated against the loaded rows."""
        for table, name, definition in self.foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    def triggers_back(self, cursor) -> None:
        """Enable the triggers `put_aside` disabled."""
        for table, trigger in self.triggers:
            cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{trigger}"')
