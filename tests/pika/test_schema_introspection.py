"""Schema editing and introspection of tables that live outside the search_path."""

import pytest
from django.contrib.gis.db.backends.postgis.introspection import PostGISIntrospection
from django.db import connection, models
from django.test.utils import isolate_apps

from pika.db.tables import schema_table
from tests.conftest import catalog_constraints, table_exists
from users.models import User

pytestmark = pytest.mark.django_db

TABLE = schema_table("analytics", "introspection_probe")


@pytest.fixture
def probe_model():
    """A throwaway model on "analytics"."introspection_probe", created and dropped here."""
    with isolate_apps("analytics"):

        class Probe(models.Model):
            code = models.CharField(max_length=20, unique=True)
            label = models.CharField(max_length=50)
            owner = models.ForeignKey(User, on_delete=models.CASCADE)

            class Meta:
                app_label = "analytics"
                db_table = TABLE
                indexes = [models.Index(fields=["label"], name="probe_label_idx")]

        with connection.schema_editor() as editor:
            editor.create_model(Probe)
        yield Probe
        if table_exists(Probe._meta.db_table):
            with connection.schema_editor() as editor:
                editor.delete_model(Probe)


def altered(model, name, **changes):
    """Return (old, new) field pair: a copy of the model's field with changes applied."""
    old = model._meta.get_field(name)
    _, _, args, kwargs = old.deconstruct()
    if old.remote_field:
        kwargs["to"] = old.remote_field.model
    kwargs.update(changes)
    new = type(old)(*args, **kwargs)
    new.set_attributes_from_name(name)
    new.model = model
    return old, new


def kinds(db_table):
    return set(catalog_constraints(db_table).values())


def test_stock_introspection_cannot_see_a_schema_qualified_table(probe_model):
    with connection.cursor() as cursor:
        stock = PostGISIntrospection(connection).get_constraints(cursor, TABLE)
        ours = connection.introspection.get_constraints(cursor, TABLE)
    assert stock == {}
    assert {name for name, info in ours.items() if info["unique"] and not info["primary_key"]}
    assert set(ours) == set(catalog_constraints(TABLE))


def test_introspection_lists_the_table_and_leaves_the_search_path_as_it_was(probe_model):
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        before = cursor.fetchone()[0]
        connection.introspection.get_constraints(cursor, TABLE)
        cursor.execute("SHOW search_path")
        after = cursor.fetchone()[0]
    assert before == after
    assert TABLE in connection.introspection.table_names()
    assert User._meta.db_table in connection.introspection.django_table_names(only_existing=True)


def test_removing_unique_drops_the_constraint(probe_model):
    assert "u" in kinds(TABLE)
    old, new = altered(probe_model, "code", unique=False)
    with connection.schema_editor() as editor:
        editor.alter_field(probe_model, old, new)
    assert "u" not in kinds(TABLE)


def test_adding_unique_creates_the_constraint(probe_model):
    old, new = altered(probe_model, "label", unique=True)
    with connection.schema_editor() as editor:
        editor.alter_field(probe_model, old, new)
    with connection.cursor() as cursor:
        info = connection.introspection.get_constraints(cursor, TABLE)
    assert any(c["unique"] and c["columns"] == ["label"] for c in info.values())


def test_removing_a_foreign_key_constraint_drops_it(probe_model):
    assert "f" in kinds(TABLE)
    old, new = altered(probe_model, "owner", db_constraint=False)
    with connection.schema_editor() as editor:
        editor.alter_field(probe_model, old, new)
    assert "f" not in kinds(TABLE)


def test_removing_an_index_drops_it(probe_model):
    index = probe_model._meta.indexes[0]
    assert index.name in catalog_constraints(TABLE)
    with connection.schema_editor() as editor:
        editor.remove_index(probe_model, index)
    assert index.name not in catalog_constraints(TABLE)


def test_removing_db_index_from_a_field_drops_its_index(probe_model):
    # The foreign key's implicit index, named by Django, not by us.
    indexes_before = {n for n, kind in catalog_constraints(TABLE).items() if kind == "i"}
    old, new = altered(probe_model, "owner", db_index=False)
    with connection.schema_editor() as editor:
        editor.alter_field(probe_model, old, new)
    indexes_after = {n for n, kind in catalog_constraints(TABLE).items() if kind == "i"}
    assert len(indexes_after) == len(indexes_before) - 1


def test_renaming_an_index_renames_it_in_the_table_schema(probe_model):
    with connection.schema_editor() as editor:
        editor.rename_index(
            probe_model,
            probe_model._meta.indexes[0],
            models.Index(fields=["label"], name="probe_label_renamed_idx"),
        )
    names = catalog_constraints(TABLE)
    assert "probe_label_renamed_idx" in names
    assert "probe_label_idx" not in names


def test_moving_a_table_to_another_schema_and_name(probe_model):
    target = schema_table("security", "introspection_probe_moved")
    with connection.schema_editor() as editor:
        editor.alter_db_table(probe_model, TABLE, target)
    assert table_exists(target)
    assert not table_exists(TABLE)
    with connection.schema_editor() as editor:
        editor.alter_db_table(probe_model, target, TABLE)
    assert table_exists(TABLE)


def test_no_pattern_ops_twins_are_created_beside_unique_varchars():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%%\\_like'"
            " AND schemaname = ANY(%s)",
            [["public", "users", "identity", "payments", "marketplace", "security"]],
        )
        assert cursor.fetchone()[0] == 0


def test_every_index_of_a_project_table_has_a_chosen_name():
    from django.apps import apps

    tables = [
        model._meta.db_table.replace('"', "")
        for config in apps.get_app_configs()
        if getattr(config, "schema", None)
        for model in config.get_models()  # not the auto-created many-to-many tables
        if model._meta.managed and not hasattr(model, "instance_type")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || tablename, indexname FROM pg_indexes"
            " WHERE schemaname || '.' || tablename = ANY(%s)"
            " AND indexname ~ '_[0-9a-f]{8}(_like|_uniq)?$'",
            [tables],
        )
        assert cursor.fetchall() == []
