"""pg_trgm, for search that forgives a typo (trigram indexes on voucher texts).

A trusted extension: the database's owner may create it without a superuser.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pika", "0002_session_functions")]

    operations = [TrigramExtension()]
