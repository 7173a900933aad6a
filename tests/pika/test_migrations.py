"""Every app's migrations go down to zero and back up, and stand on the pika migration.

The round trip is one pass over the whole migration graph, not one per app: a `migrate` renders
the project state of every migration it walks, which made a round trip per app cost about ten
seconds, most of the suite's time. The pass takes the apps to zero one at a time, always the
app whose `migrate <app> zero` drags the fewest migrations of other apps down with it (the
apps depend on each other in cycles, so no strict reverse dependency order exists). At each
app's step its migrations must all be unapplied and every table of its models gone, so each
app's reversal is still proven on its own step, in the state the earlier steps left. After the
last step (pika, which every app stands on) no domain schema may remain. One `migrate` then
brings everything back, and every table and schema must exist again.

On the way down, a few migrations are also reversed on their own, where a test needs the state
between two of an app's migrations (see PARTIAL_REVERSALS).
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from analytics.models import DailyVoucherStats, Event
from pika.db.tables import DOMAIN_SCHEMAS
from tests.conftest import table_exists

PIKA_FOUNDATION = ("pika", "0001_schemas_and_extensions")

# app: (the migration to go back to first, models whose tables must vanish, models whose
# tables must stay). Taken on the app's step, before it goes to zero: by then what depends on
# it is gone, so the reversal is cheap (from the full graph it drags a dozen migrations).
PARTIAL_REVERSALS = {
    # The materialized view (0002) can be dropped on its own, leaving the events it reads.
    "analytics": ("0001_initial", [DailyVoucherStats], [Event]),
}


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


def model_tables(app_label: str) -> list[str]:
    return [model._meta.db_table for model in apps.get_app_config(app_label).get_models()]


def applied_migrations() -> set[tuple[str, str]]:
    return set(MigrationRecorder(connection).applied_migrations())


def next_app_down(remaining: set[str]) -> str:
    """The remaining app whose way to zero unapplies the fewest migrations of other apps."""
    executor = MigrationExecutor(connection)

    def dragged(app_label: str) -> tuple[int, str]:
        plan = executor.migration_plan([(app_label, None)])
        return sum(migration.app_label != app_label for migration, _ in plan), app_label

    return min(remaining, key=dragged)


@pytest.mark.parametrize("app_label", [a for a in project_apps_with_migrations() if a != "pika"])
def test_first_migration_of_every_app_depends_on_the_pika_foundation(app_label):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    first = loader.get_migration(app_label, "0001_initial")
    assert PIKA_FOUNDATION in first.dependencies


@pytest.mark.django_db(transaction=True)
def test_every_app_migrates_to_zero_and_back():
    labels = project_apps_with_migrations()
    assert "pika" in labels
    assert set(PARTIAL_REVERSALS) <= set(labels)
    for app_label in labels:
        missing = [table for table in model_tables(app_label) if not table_exists(table)]
        assert not missing, f"{app_label}: tables missing before the pass: {missing}"

    remaining = set(labels)
    while remaining:
        app_label = next_app_down(remaining)
        remaining.remove(app_label)

        if app_label in PARTIAL_REVERSALS:
            target, vanishing, staying = PARTIAL_REVERSALS[app_label]
            vanishing = [model._meta.db_table for model in vanishing]
            staying = [model._meta.db_table for model in staying]
            # Present before, so that their absence afterwards is this reversal's doing.
            assert all(table_exists(table) for table in vanishing + staying), app_label
            call_command("migrate", app_label, target, verbosity=0, interactive=False)
            assert not any(table_exists(table) for table in vanishing), (app_label, target)
            assert all(table_exists(table) for table in staying), (app_label, target)

        call_command("migrate", app_label, "zero", verbosity=0, interactive=False)
        left = [table for table in model_tables(app_label) if table_exists(table)]
        assert not left, f"{app_label}: tables left after migrate {app_label} zero: {left}"
        still_applied = sorted(name for app, name in applied_migrations() if app == app_label)
        assert not still_applied, f"{app_label}: still applied after zero: {still_applied}"
        if app_label == "pika":
            # pika goes last: every other app's first migration depends on it.
            assert not remaining
            left = [schema for schema in DOMAIN_SCHEMAS if schema_exists(schema)]
            assert not left, f"schemas left after migrate pika zero: {left}"

    call_command("migrate", verbosity=0, interactive=False)

    for app_label in labels:
        config = apps.get_app_config(app_label)
        missing = [table for table in model_tables(app_label) if not table_exists(table)]
        assert not missing, f"{app_label}: tables missing after migrating back: {missing}"
        assert schema_exists(config.schema), app_label
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
