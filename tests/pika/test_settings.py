"""The seed's configuration variables reach every connection and migration."""

import pytest
from django.conf import settings
from django.db import connection


def show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


def as_ms(value: str) -> int:
    units = {"ms": 1, "s": 1000, "min": 60000, "h": 3600000}
    for unit in sorted(units, key=len, reverse=True):
        if value.endswith(unit):
            return int(value[: -len(unit)]) * units[unit]
    return int(value)


@pytest.mark.django_db
def test_statement_timeout_is_applied_to_the_connection():
    assert as_ms(show("statement_timeout")) == settings.STATEMENT_TIMEOUT


@pytest.mark.django_db
def test_idle_timeout_is_applied_to_the_connection():
    assert as_ms(show("idle_in_transaction_session_timeout")) == settings.IDLE_TIMEOUT


@pytest.mark.django_db
def test_default_schema_leads_the_search_path():
    assert show("search_path").split(",")[0].strip() == settings.DEFAULT_SCHEMA


@pytest.mark.django_db
def test_migrations_run_under_the_migration_lock_timeout():
    with connection.schema_editor():
        assert as_ms(show("lock_timeout")) == settings.MIGRATION_LOCK_TIMEOUT


@pytest.mark.django_db(transaction=True)
def test_non_atomic_migrations_restore_the_lock_timeout():
    before = show("lock_timeout")
    with connection.schema_editor(atomic=False):
        assert as_ms(show("lock_timeout")) == settings.MIGRATION_LOCK_TIMEOUT
    assert show("lock_timeout") == before


def test_pool_and_connect_timeout_come_from_the_environment():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["pool"]["max_size"] == settings.DATABASE_POOL_SIZE
    assert options["connect_timeout"] * 1000 >= settings.DATABASE_TIMEOUT
    assert settings.DATABASES["default"]["ENGINE"] == "pika.db.backend"
