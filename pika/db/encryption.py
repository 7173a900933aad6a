"""Columns encrypted at rest in Python, and keyed hashes for finding them by value.

Values are sealed with AES-256-GCM (`pika.db.ciphertext`) before they leave the process and
opened after they come back: the database stores opaque bytes, and neither the key nor the
plaintext is ever part of a statement, a bind parameter or a server setting.

Equality lookups cannot use the ciphertext (each encryption has a fresh nonce), so a
`LookupHashField` beside the column keeps an HMAC-SHA256 of its normalised value, under a
second key.
"""

import hashlib
import hmac
import re

from django.apps import apps
from django.conf import settings
from django.db import models

from pika.db.ciphertext import column_key, open_sealed, seal

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
    """Text sealed with AES-256-GCM under ``PIKA_ENCRYPTION_KEY`` in a bytea column.

    Every value is encrypted in Python on its way to the database (saves,
    ``QuerySet.update``, ``bulk_create``, ``loaddata``) and decrypted on its way back; the
    ciphertext is bound to this column (`column_context`), so it opens nowhere else.
    Filtering is limited to ``isnull``: use the companion `LookupHashField` to find rows by
    value.
    """

    description = "Text encrypted at rest (AES-256-GCM, in Python)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "bytea"

    def get_internal_type(self):
        return "EncryptedTextField"

    @property
    def column_context(self) -> str:
        """``schema.table.column``: the associated data that binds a value to this column."""
        return f"{self.model._meta.db_table.replace(chr(34), '')}.{self.column}"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else str(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None:
            return None
        return seal(value, key=column_key(settings.ENCRYPTION_KEY), context=self.column_context)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return open_sealed(
            value, keys=[column_key(settings.ENCRYPTION_KEY)], context=self.column_context
        )

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
