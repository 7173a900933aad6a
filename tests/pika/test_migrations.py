"""Every app's migrations go down to zero and back up, and stand on the pika migration."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests.conftest import table_exists

PIKA_FOUNDATION = ("pika", "0001_schemas_and_extensions")


def project_apps_with_migrations() -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    with_migrations = {app_label for app_label, _ in loader.disk_migrations}
    return sorted(
        config.label
        for config in apps.get_app_configs()
        if getattr(config, "schema", None) and config.label in with_migrations
    )


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = %s)", [name])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("app_label", [a for a in project_apps_with_migrations() if a != "pika"])
def test_first_migration_of_every_app_depends_on_the_pika_foundation(app_label):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    first = loader.get_migration(app_label, "0001_initial")
    assert PIKA_FOUNDATION in first.dependencies


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app_label", project_apps_with_migrations())
def test_app_migrates_to_zero_and_back(app_label):
    config = apps.get_app_config(app_label)
    tables = [model._meta.db_table for model in config.get_models()]
    assert all(table_exists(table) for table in tables)

    call_command("migrate", app_label, "zero", verbosity=0, interactive=False)
    assert not any(table_exists(table) for table in tables)
    if app_label == "pika":
        assert not schema_exists("marketplace")
    call_command("migrate", verbosity=0, interactive=False)

    assert all(table_exists(table) for table in tables)
    assert schema_exists(config.schema)
