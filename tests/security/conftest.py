"""Connections as the web's own login, for attacks that need more than SET ROLE."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture
def web_login(db):
    """A new connection to the test database as PG_WEB_USER, closed after the test.

    It sees only what other connections committed: tests that need data use
    ``django_db(transaction=True)``.
    """
    params = connection.settings_dict
    web = psycopg.connect(
        host=params["HOST"] or "localhost",
        port=params["PORT"] or 5432,
        dbname=params["NAME"],
        user=settings.PG_WEB_USER,
        password=settings.PG_WEB_PASSWORD,
        autocommit=True,
    )
    yield web
    web.close()
