"""Columns encrypted at rest with pgcrypto, and keyed hashes for finding them by value.

The key never appears in SQL text: the backend binds it, as a parameter, into the session
setting ``pika.encryption_key`` when it opens a connection, and SQL refers to it as
``current_setting('pika.encryption_key')``. Without the key the columns read as
``pgp_sym_encrypt`` ciphertext (bytea), and decrypting fails.

Equality lookups cannot use the ciphertext (each encryption is salted), so a
`LookupHashField` beside the column keeps an HMAC-SHA256 of its normalised value, under a
second key.
"""

import hashlib
import hmac
import re

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

KEY_SETTING = "pika.encryption_key"
KEY_SQL = f"current_setting('{KEY_SETTING}')"

_IGNORED_IN_LOOKUPS = re.compile(r"[\s\-().]")


def lookup_hash(value: str | None) -> str | None:
    """The keyed hash that finds an encrypted value: HMAC-SHA256 of its normalised form.

    Normalising drops spaces, dashes, dots and brackets and folds case, so that
    "+34 600-000 000" and "+34600000000" match.
    """
    if not value:
        return None
    normalised = _IGNORED_IN_LOOKUPS.sub("", value).casefold()
    return hmac.new(
        settings.LOOKUP_HASH_KEY.encode(), normalised.encode(), hashlib.sha256
    ).hexdigest()


class EncryptedTextField(models.Field):
    """Text stored as ``pgp_sym_encrypt(value, key)`` in a bytea column.

    Reading decrypts in the SELECT itself; filtering is limited to ``isnull`` (use the
    companion `LookupHashField` to find rows by value). Saves, ``QuerySet.update`` and
    ``bulk_create`` all encrypt, because the encryption is the column's SQL placeholder.
    """

    description = "Text encrypted at rest with pgcrypto"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "bytea"

    def get_internal_type(self):
        return "EncryptedTextField"

    def get_placeholder(self, value, compiler, connection):
        if value is None:
            return "%s"
        return f"pgp_sym_encrypt(%s::text, {KEY_SQL})"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else str(value)

    def select_format(self, compiler, sql, params):
        return f"pgp_sym_decrypt({sql}, {KEY_SQL})", params

    def to_python(self, value):
        return value if value is None else str(value)

    def get_lookup(self, lookup_name):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def formfield(self, **kwargs):
        return models.TextField().formfield(**kwargs)


class LookupHashField(models.CharField):
    """The keyed hash of another field's value, kept in step with it on every save."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = lookup_hash(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) of the project that is encrypted or keeps a lookup hash."""
    return [
        (model, field)
        for config in apps.get_app_configs()
        if getattr(config, "schema", None)
        for model in config.get_models()
        if model._meta.managed and not hasattr(model, "instance_type")
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField | LookupHashField)
    ]


def encryption_keys_rotate(*, old_key: str, progress=None, batch_size: int = 1000) -> int:
    """Re-encrypt every encrypted column from ``old_key`` to the configured key, and
    recompute every lookup hash with the configured lookup key; return the rows changed.

    Runs in one transaction: a wrong old key fails the first column and changes nothing.
    """
    changed = 0
    with transaction.atomic():
        # This session may predate the new key (a pooled connection): read with the new one.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config(%s, %s, true)", [KEY_SETTING, settings.ENCRYPTION_KEY]
            )
        for model, field in encrypted_fields():
            if not isinstance(field, EncryptedTextField):
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {model._meta.db_table} SET {field.column} = "
                    f"pgp_sym_encrypt(pgp_sym_decrypt({field.column}, %s), %s) "
                    f"WHERE {field.column} IS NOT NULL",
                    [old_key, settings.ENCRYPTION_KEY],
                )
                count = cursor.rowcount
            changed += count
            if progress:
                progress(f"{_name(model, field)}: re-encrypted {count}")
        for model, field in encrypted_fields():
            if not isinstance(field, LookupHashField):
                continue
            rows = []
            for row in model._default_manager.exclude(**{f"{field.source}__isnull": True}).only(
                "pk", field.source
            ):
                field.pre_save(row, add=False)
                rows.append(row)
            model._default_manager.bulk_update(rows, [field.name], batch_size=batch_size)
            changed += len(rows)
            if progress:
                progress(f"{_name(model, field)}: rehashed {len(rows)}")
    return changed


def _name(model, field) -> str:
    return f"{model._meta.db_table.replace(chr(34), '')}.{field.column}"
