"""runserver's check for unapplied migrations logs in as the owner.

runserver serves on the web's login, which may not read django_migrations; the check reads it
on a connection of the owner's of its own, and reports what is unapplied.
"""

from io import StringIO

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from pika.management.commands.runserver import Command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner_check(settings):
    """The check pointed at the test database, with the owner's login."""
    settings.MIGRATION_CHECK_DATABASE = {**connection.settings_dict}


def run_check() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    Command(stdout=out, stderr=err).check_migrations()
    return out.getvalue(), err.getvalue()


def test_an_unapplied_migration_is_reported(owner_check):
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied("support", "0003_bounded_input")
    try:
        out, err = run_check()
    finally:
        recorder.record_applied("support", "0003_bounded_input")

    assert "1 unapplied migration(s)" in out and "support" in out
    assert err == ""


def test_nothing_is_said_when_every_migration_is_applied(owner_check):
    assert run_check() == ("", "")


def test_a_login_that_may_not_read_the_migrations_is_a_warning_not_a_crash(owner_check, settings):
    settings.MIGRATION_CHECK_DATABASE = {
        **connection.settings_dict,
        "USER": settings.PG_WEB_USER,
        "PASSWORD": settings.PG_WEB_PASSWORD,
    }

    out, err = run_check()

    assert out == ""
    assert "Could not check for unapplied migrations" in err
    assert "permission denied for table django_migrations" in err
