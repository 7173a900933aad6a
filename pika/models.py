"""Abstract models shared by every domain app (the `public` schema holds no tables yet)."""

from django.db import models
from django.db.models.functions import Now

from pika.db.functions import UUIDv7, uuid7


class PikaModel(models.Model):
    """A UUIDv7 primary key and creation/update times, defaulted by Python and by SQL.

    The database defaults serve rows that other services insert with plain SQL.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, db_default=UUIDv7(), editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        abstract = True
