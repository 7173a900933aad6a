#!/usr/bin/env python
"""Pika's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    """Run a management command; an unreachable database or a bad setting is one line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")
    if len(sys.argv) > 1:
        os.environ.setdefault("PIKA_DB_ACTOR", f"manage.py {sys.argv[1]}")
    if sys.argv[1:2] == ["runserver"]:
        # The development server serves requests: it logs in as the web role, like WSGI.
        os.environ.setdefault("PIKA_DATABASE_LOGIN", "web")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from pika.db.errors import DatabaseUnreachable

    try:
        execute_from_command_line(sys.argv)
    except (DatabaseUnreachable, ImproperlyConfigured) as exc:
        sys.exit(f"pika: {exc}")


if __name__ == "__main__":
    main()
