"""flush and transactional tests reach the tables that live in their own schemas."""

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import Category
from i18n.models import Language


def _make_rows():
    Language.objects.create(code="xx", name="Probe language")
    Category.objects.create(slug="probe", name_key="category.probe.name")


@pytest.mark.django_db(transaction=True)
def test_flush_empties_schema_qualified_tables():
    _make_rows()
    call_command("flush", interactive=False, verbosity=0)
    assert not Language.objects.exists()
    assert not Category.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_flush_sql_names_every_model_table():
    tables = connection.introspection.django_table_names(only_existing=True)
    assert Language._meta.db_table in tables
    assert Category._meta.db_table in tables


class TestTransactionalTestsCleanUp:
    """Two transactional tests in a row: the second sees nothing of the first.

    Proves the clean-up between them (tests/transactional_cleanup.py), which empties the
    tables the project's introspection lists, schema-qualified ones included.
    """

    @pytest.mark.django_db(transaction=True)
    def test_first_writes_committed_rows(self):
        _make_rows()
        assert Language.objects.filter(code="xx").exists()

    @pytest.mark.django_db(transaction=True)
    def test_second_finds_no_rows_left_behind(self):
        assert not Language.objects.exists()
        assert not Category.objects.exists()
