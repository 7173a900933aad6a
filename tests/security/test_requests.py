"""What a request may do in the database follows what Django verified about its user."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.users.factories import UserFactory
from users.models import User

pytestmark = [pytest.mark.urls("tests.pika.probe_urls"), pytest.mark.django_db(transaction=True)]


def test_a_banned_users_session_gives_no_identity(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/whoami/").json()["vouched"] == str(user.pk)
    User.objects.filter(pk=user.pk).update(status="banned")
    seen = client.get("/whoami/").json()
    assert (seen["vouched"], seen["visible_users"]) == ("", 0)


def test_a_session_invalidated_by_a_password_change_gives_no_identity(client):
    user = UserFactory()
    client.force_login(user)
    user.set_password("another password entirely")
    user.save()
    seen = client.get("/whoami/").json()
    assert (seen["vouched"], seen["visible_users"]) == ("", 0)


def test_staff_without_permissions_see_no_more_than_a_customer(client):
    UserFactory()
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/whoami/").json()["visible_users"] == 1


def test_staff_see_what_their_django_permissions_allow(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    other = UserFactory(email="someone.else@pika.example")
    client.force_login(staff)
    assert client.get("/whoami/").json()["visible_users"] == User.objects.count()
    page = client.get("/admin/users/user/")
    assert page.status_code == 200
    assert other.email.encode() in page.content


def test_staff_with_change_user_cannot_make_themselves_superuser(client):
    staff = UserFactory(is_staff=True, email="staff@pika.example")
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(staff)
    url = f"/admin/users/user/{staff.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200
    assert b'name="is_superuser"' not in form.content  # shown read-only
    client.post(
        url,
        {
            "email": staff.email,
            "first_name": "Staff",
            "last_name": "",
            "role": "customer",
            "status": "active",
            "is_superuser": "on",
            "is_staff": "on",
            "profile-TOTAL_FORMS": "0",
            "profile-INITIAL_FORMS": "0",
            "preferences-TOTAL_FORMS": "0",
            "preferences-INITIAL_FORMS": "0",
        },
    )
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_a_view_that_writes_and_then_fails_leaves_nothing_behind():
    user = UserFactory(first_name="before")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    assert client.get("/write-then-fail/").status_code == 500
    user.refresh_from_db()
    assert user.first_name == "before"


def test_a_view_that_writes_and_then_refuses_leaves_nothing_behind(client):
    user = UserFactory(first_name="before")
    client.force_login(user)
    assert client.get("/write-then-refuse/").status_code == 400
    user.refresh_from_db()
    assert user.first_name == "before"


def test_a_streamed_body_runs_as_the_request_s_user_and_role(client):
    user = UserFactory()
    client.force_login(user)
    body = b"".join(client.get("/stream/").streaming_content).decode()
    assert body == f"application_role {user.pk}"
