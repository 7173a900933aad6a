"""Requests run as the application role with their own user, and never inherit another's."""

import pytest
from django.db import connection

from tests.users.factories import UserFactory

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.urls("tests.pika.probe_urls"), pytest.mark.django_db(transaction=True)]


def test_consecutive_requests_on_one_pooled_connection_do_not_share_identity(client):
    alice, _ = UserFactory(), UserFactory()
    client.force_login(alice)
    first = client.get("/whoami/").json()
    client.logout()
    second = client.get("/whoami/").json()

    assert first["backend"] == second["backend"], "the same database connection served both"
    assert first["role"] == second["role"] == "application_role"
    assert (first["user_id"], first["visible_users"]) == (str(alice.pk), 1)
    assert (second["user_id"], second["visible_users"]) == ("", 0)


def test_identity_does_not_outlive_the_request_on_the_connection(client):
    client.force_login(UserFactory())
    client.get("/whoami/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.user_id', true), current_user")
        assert cursor.fetchone() == ("", connection.settings_dict["USER"])


def test_logging_in_finds_the_user_under_row_level_security(client):
    staff = UserFactory(is_staff=True, email="Staff@Pika.example")
    response = client.post(
        "/admin/login/?next=/whoami/",
        {"username": "staff@pika.example", "password": PASSWORD, "next": "/whoami/"},
    )
    assert response.status_code == 302, response.content[:500]
    assert client.get("/whoami/").json()["user_id"] == str(staff.pk)


def test_a_wrong_password_leaves_no_identity_behind(client):
    UserFactory(is_staff=True, email="staff2@pika.example")
    response = client.post(
        "/admin/login/", {"username": "staff2@pika.example", "password": "wrong", "next": "/"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert client.get("/whoami/").json()["user_id"] == ""
