"""The development server, serving on the web's login like production.

manage.py runs it as the web's login (``pika_web``), which owns nothing and may not read
``django_migrations``; Django's start-up check for unapplied migrations reads that table, so
here it logs in as the owner for that one check, and closes that connection before serving.
"""

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import (
    Command as StaticfilesRunserverCommand,
)
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import ConnectionHandler, DatabaseError

from pika.db.errors import DatabaseUnreachable


class Command(StaticfilesRunserverCommand):
    help = (
        "Serve the project for development, logged in as the web's login (PG_WEB_USER), with "
        "static files and reloading on code changes. Unapplied migrations are looked up on the "
        "owner's login and reported; `make run` applies them before serving."
    )

    def check_migrations(self):
        """Warn about unapplied migrations, read on the owner's login."""
        owner = {**settings.MIGRATION_CHECK_DATABASE}
        # One short-lived connection, not a pool.
        owner["OPTIONS"] = {key: value for key, value in owner["OPTIONS"].items() if key != "pool"}
        # The migration recorder reads through the ORM by alias, so the owner's connection
        # stands in for the default one during the check (before any request is served).
        owner_connection = ConnectionHandler({DEFAULT_DB_ALIAS: owner})[DEFAULT_DB_ALIAS]
        web_connection = connections[DEFAULT_DB_ALIAS]
        connections[DEFAULT_DB_ALIAS] = owner_connection
        try:
            executor = MigrationExecutor(owner_connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except (DatabaseUnreachable, DatabaseError) as error:
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            self.stderr.write(
                self.style.WARNING(
                    f"Could not check for unapplied migrations on the owner's login: {first_line}"
                )
            )
            return
        finally:
            connections[DEFAULT_DB_ALIAS] = web_connection
            owner_connection.close()
        if plan:
            waiting = sorted({migration.app_label for migration, _backwards in plan})
            self.stdout.write(
                self.style.NOTICE(
                    f"\nYou have {len(plan)} unapplied migration(s). Your project may not work "
                    f"properly until you apply the migrations for app(s): {', '.join(waiting)}.\n"
                    "Run 'make setup' (or 'python manage.py migrate') to apply them."
                )
            )
