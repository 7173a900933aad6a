"""Convert the encrypted columns from pgcrypto's format to AES-256-GCM sealed in Python.

The key (``PIKA_ENCRYPTION_KEY``) never appears in SQL text or in a bind parameter: it reaches
the server once, through ``COPY ... FROM STDIN`` (data, which no log records), into a temporary
table of this transaction that SQL reads with a subquery; the table is dropped before commit.
Forwards, SQL decrypts with ``pgp_sym_decrypt`` (the plaintext comes back as a result, which is
not logged either) and Python seals and writes back ciphertext. Backwards, Python opens the
values and sends the plaintext by ``COPY`` into a temporary table, from which SQL encrypts with
``pgp_sym_encrypt``. Run it with the key the data is encrypted with.

The column list is frozen here, as it stood; the sealing itself is `pika.db.ciphertext`, whose
format carries its version, so readers of later versions still open what this wrote.
"""

from django.conf import settings
from django.db import DatabaseError, migrations

from pika.db.ciphertext import DecryptionFailed, column_key, open_sealed, seal

ENCRYPTED_COLUMNS = [
    ("users", "user_profiles", "phone_number"),
    ("payments", "payments", "account_reference"),
    ("files", "files", "private_metadata"),
]
BATCH_SIZE = 1000
KEY_SQL = "(SELECT key FROM pg_temp.pika_migration_key)"


def _key_load(cursor) -> None:
    cursor.execute(
        "CREATE TEMPORARY TABLE pika_migration_key (key text NOT NULL) ON COMMIT DROP"
    )
    with cursor.copy("COPY pg_temp.pika_migration_key (key) FROM STDIN") as copy:
        copy.write_row([settings.ENCRYPTION_KEY])


def _key_drop(cursor) -> None:
    cursor.execute("DROP TABLE pg_temp.pika_migration_key")


def encrypt_in_python(apps, schema_editor):
    connection = schema_editor.connection
    key = column_key(settings.ENCRYPTION_KEY)
    with connection.cursor() as writer:
        _key_load(writer)
        for schema, table, column in ENCRYPTED_COLUMNS:
            context = f"{schema}.{table}.{column}"
            try:
                with connection.chunked_cursor() as reader:
                    reader.execute(
                        f'SELECT id, pgp_sym_decrypt("{column}", {KEY_SQL})'
                        f' FROM "{schema}"."{table}" WHERE "{column}" IS NOT NULL ORDER BY id'
                    )
                    while rows := reader.fetchmany(BATCH_SIZE):
                        writer.executemany(
                            f'UPDATE "{schema}"."{table}" SET "{column}" = %s WHERE id = %s',
                            [(seal(plain, key=key, context=context), pk) for pk, plain in rows],
                        )
            except DatabaseError as exc:
                if "Wrong key" not in str(exc):
                    raise
                raise RuntimeError(
                    f"PIKA_ENCRYPTION_KEY does not decrypt {context} with pgcrypto: run this "
                    "migration with the key the data is encrypted with"
                ) from exc
        _key_drop(writer)


def _opened(sealed, key, context: str) -> str:
    try:
        return open_sealed(sealed, keys=[key], context=context)
    except DecryptionFailed as exc:
        raise RuntimeError(f"PIKA_ENCRYPTION_KEY does not decrypt {context}: {exc}") from None


def encrypt_in_sql(apps, schema_editor):
    connection = schema_editor.connection
    key = column_key(settings.ENCRYPTION_KEY)
    with connection.cursor() as writer:
        _key_load(writer)
        writer.execute(
            "CREATE TEMPORARY TABLE pika_migration_plaintext (id uuid PRIMARY KEY, value text"
            " NOT NULL) ON COMMIT DROP"
        )
        for schema, table, column in ENCRYPTED_COLUMNS:
            context = f"{schema}.{table}.{column}"
            with connection.chunked_cursor() as reader:
                reader.execute(
                    f'SELECT id, "{column}" FROM "{schema}"."{table}" WHERE "{column}" IS NOT NULL'
                )
                # No other command may run while a COPY is open: one COPY per batch read.
                while rows := reader.fetchmany(BATCH_SIZE):
                    plaintexts = [(pk, _opened(sealed, key, context)) for pk, sealed in rows]
                    with writer.copy(
                        "COPY pg_temp.pika_migration_plaintext (id, value) FROM STDIN"
                    ) as copy:
                        for row in plaintexts:
                            copy.write_row(row)
            writer.execute(
                f'UPDATE "{schema}"."{table}" AS t SET "{column}" = pgp_sym_encrypt(p.value, {KEY_SQL})'
                " FROM pg_temp.pika_migration_plaintext AS p WHERE t.id = p.id"
            )
            writer.execute("TRUNCATE pg_temp.pika_migration_plaintext")
        writer.execute("DROP TABLE pg_temp.pika_migration_plaintext")
        _key_drop(writer)


class Migration(migrations.Migration):

    dependencies = [
        ("users", "0005_named_indexes"),
        ("payments", "0003_named_indexes"),
        ("files", "0002_private_metadata_help_text"),
    ]

    operations = [migrations.RunPython(encrypt_in_python, encrypt_in_sql)]
