"""Writes that span every schema: re-encrypting the encrypted columns under new keys."""

from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connection, models, transaction

from pika.db.ciphertext import ColumnKey, column_key, open_sealed
from pika.db.encryption import EncryptedTextField, LookupHashField, encrypted_fields, lookup_hash

Progress = Callable[[str], None]


def encryption_keys_rotate(
    *, old_key: str, progress: Progress | None = None, batch_size: int = 1000
) -> int:
    """Re-encrypt every encrypted value from ``old_key`` to ``settings.ENCRYPTION_KEY`` and
    recompute every lookup hash under ``settings.LOOKUP_HASH_KEY``; return the rows rewritten.

    Decrypts and encrypts in Python, batch by batch, inside one transaction: no key and no
    plaintext reaches the database. A value that neither the old nor the new key opens raises
    `pika.db.ciphertext.DecryptionFailed` and rolls everything back. Values already under the
    new key open too, so running it twice is harmless.
    """
    keys = (column_key(old_key), column_key(settings.ENCRYPTION_KEY))
    rewritten = 0
    with transaction.atomic():
        for model, fields in _fields_by_model().items():
            rewritten += _table_rotate(model, fields, keys, progress or _silent, batch_size)
    return rewritten


def _silent(message: str) -> None:
    """Progress that goes nowhere."""


def _fields_by_model() -> dict[type[models.Model], list[models.Field]]:
    grouped: dict[type[models.Model], list[models.Field]] = {}
    for model, field in encrypted_fields():
        grouped.setdefault(model, []).append(field)
    return grouped


def _table_rotate(
    model: type[models.Model],
    fields: list[models.Field],
    keys: Sequence[ColumnKey],
    progress: Progress,
    batch_size: int,
) -> int:
    """Rewrite one table's encrypted and lookup hash columns, streaming it in batches."""
    encrypted = [field for field in fields if isinstance(field, EncryptedTextField)]
    hashes = [field for field in fields if isinstance(field, LookupHashField)]
    # The values to read: every encrypted column, and the source of every lookup hash.
    sources = list(
        {
            f.name: f for f in [*encrypted, *(model._meta.get_field(h.source) for h in hashes)]
        }.values()
    )
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, quote(model._meta.pk.column)
    any_set = " OR ".join(f"{quote(field.column)} IS NOT NULL" for field in sources)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in [*encrypted, *hashes])
    name = table.replace('"', "")

    done = 0
    with connection.cursor() as writer, connection.chunked_cursor() as reader:
        writer.execute(f"SELECT count(*) FROM {table} WHERE {any_set}")
        total = writer.fetchone()[0]
        reader.execute(
            f"SELECT {pk}, {', '.join(quote(field.column) for field in sources)} FROM {table}"
            f" WHERE {any_set} ORDER BY {pk}"
        )
        while rows := reader.fetchmany(batch_size):
            updates = []
            for pk_value, *stored in rows:
                plain = {
                    field.name: _opened(field, value, keys)
                    for field, value in zip(sources, stored, strict=True)
                }
                updates.append(
                    [
                        *(
                            field.get_db_prep_save(plain[field.name], connection)
                            for field in encrypted
                        ),
                        *(lookup_hash(plain[field.source]) for field in hashes),
                        pk_value,
                    ]
                )
            writer.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", updates)
            done += len(rows)
            progress(f"{name}: {done}/{total} rows")
    progress(f"{name}: {done} rows rewritten")
    return done


def _opened(field: models.Field, stored, keys: Sequence[ColumnKey]):
    """A stored value in clear: opened with whichever key sealed it if the field is encrypted."""
    if stored is None or not isinstance(field, EncryptedTextField):
        return stored
    return open_sealed(stored, keys=keys, context=field.column_context)
