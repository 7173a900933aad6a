"""The search documents' GIN indexes lead with the language (btree_gin).

Built without locking writers out (CONCURRENTLY, so outside a transaction), the new
indexes before the old ones go: a search always has an index to read. Reversible.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("i18n", "0005_language_search_config"),
        ("marketplace", "0010_redemption_slices"),
        ("pika", "0004_btree_gin"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="vouchersearchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["language", "document"], name="search_language_document_gin"
            ),
        ),
        AddIndexConcurrently(
            model_name="vouchersearchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                models.F("language"),
                django.contrib.postgres.indexes.OpClass("content", name="gin_trgm_ops"),
                name="search_language_content_trgm",
            ),
        ),
        RemoveIndexConcurrently(
            model_name="vouchersearchdocument", name="voucher_search_document_gin"
        ),
        RemoveIndexConcurrently(
            model_name="vouchersearchdocument", name="voucher_search_content_trgm"
        ),
    ]
