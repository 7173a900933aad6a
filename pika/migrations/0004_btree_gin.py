"""btree_gin, so that a GIN index may lead with a plain column (the search documents' language).

A trusted extension: the database's owner may create it without a superuser.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("pika", "0003_pg_trgm")]

    operations = [BtreeGinExtension()]
