"""Time-ordered UUIDv7 primary keys, made by Python and by the database alike."""

import uuid

import uuid_utils.compat
from django.db import models


def uuid7() -> uuid.UUID:
    """Return a new UUIDv7 (the ORM's default for primary keys)."""
    return uuid_utils.compat.uuid7()


class UUIDv7(models.Func):
    """SQL ``public.uuid_generate_v7()``, the database default for primary keys.

    PostgreSQL 15 has no built-in UUIDv7; the `pika` app's first migration creates the
    function, so rows inserted with plain SQL get time-ordered ids too.
    """

    function = "public.uuid_generate_v7"
    output_field = models.UUIDField()
    arity = 0
