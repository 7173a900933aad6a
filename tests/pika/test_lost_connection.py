"""A request whose database connection breaks is retried a bounded number of times, then 503.

The connections are really broken: the view (or another session) terminates the backend.
"""

import pytest
from django.db import connection

from pika.middleware import CONNECTION_ATTEMPTS
from tests.pika.probe_urls import backend_terminate
from tests.users.factories import UserFactory
from users.models import User

pytestmark = [pytest.mark.urls("tests.pika.probe_urls"), pytest.mark.django_db(transaction=True)]


def test_a_connection_lost_inside_the_request_is_retried_on_a_new_one(client):
    response = client.get("/api/lose-connection/?times=1")
    assert response.status_code == 200
    assert response.json()["attempts"] == 2


def test_a_connection_lost_on_every_attempt_ends_in_a_503_with_retry_after(client):
    response = client.get(f"/api/lose-connection/?times={CONNECTION_ATTEMPTS}")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert int(response["Retry-After"]) > 0


def test_a_retried_write_keeps_only_the_last_attempts_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/api/lose-connection/?times=2", {"note": "kept"}, content_type="application/json"
    )
    assert response.json() == {"attempts": 3, "body": {"note": "kept"}}
    assert User.objects.get(pk=user.pk).first_name == "attempt 3"


def test_a_write_lost_on_every_attempt_changes_nothing(client):
    user = UserFactory(first_name="before")
    client.force_login(user)
    response = client.post(f"/api/lose-connection/?times={CONNECTION_ATTEMPTS}")
    assert response.status_code == 503
    assert User.objects.get(pk=user.pk).first_name == "before"


def test_a_connection_lost_before_the_request_began_is_retried_for_a_read(client):
    backend_terminate(connection)
    response = client.get("/api/lose-connection/")
    assert (response.status_code, response.json()["attempts"]) == (200, 1)


def test_a_write_whose_connection_broke_outside_the_view_is_not_retried(client):
    """A break at BEGIN looks like one at COMMIT, which may have gone through: no replay."""
    user = UserFactory(first_name="before")
    client.force_login(user)
    backend_terminate(connection)
    response = client.post("/api/lose-connection/")
    assert response.status_code == 503
    assert User.objects.get(pk=user.pk).first_name == "before"
