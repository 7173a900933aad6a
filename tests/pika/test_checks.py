"""The system check that keeps every model's table in its app's schema."""

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from pika.checks import check_tables_in_app_schema
from pika.db.tables import schema_table


def test_project_models_all_live_in_their_app_schema():
    assert check_tables_in_app_schema() == []


def test_a_table_outside_the_app_schema_is_an_error():
    with isolate_apps("marketplace") as isolated:

        class Stray(models.Model):
            class Meta:
                app_label = "marketplace"
                db_table = schema_table("business", "strays")

        class Unqualified(models.Model):
            class Meta:
                app_label = "marketplace"
                db_table = "unqualified"

        errors = check_tables_in_app_schema([isolated.get_app_config("marketplace")])

    assert {(e.id, e.obj) for e in errors} == {("pika.E001", Stray), ("pika.E001", Unqualified)}


def test_an_auto_created_many_to_many_table_is_checked_too():
    with isolate_apps("catalog") as isolated:

        class Tag(models.Model):
            class Meta:
                app_label = "catalog"
                db_table = schema_table("catalog", "tags")

        class Tagged(models.Model):
            tags = models.ManyToManyField(Tag)  # its table name is derived, unqualified

            class Meta:
                app_label = "catalog"
                db_table = schema_table("catalog", "tagged")

        errors = check_tables_in_app_schema([isolated.get_app_config("catalog")])

    assert [e.obj._meta.auto_created for e in errors] == [Tagged]


def test_the_check_is_registered_with_django():
    from django.core import checks

    assert check_tables_in_app_schema in checks.registry.registry.get_checks()
    assert apps.get_app_config("pika").schema == "public"
