"""Email login, case-insensitive and unique; status decides who may log in."""

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from tests.users.factories import UserFactory
from users.models import User, UserStatus

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_email_is_unique_whatever_its_case():
    UserFactory(email="Ana@Pika.example")
    with pytest.raises(IntegrityError, match="users_email_ci_uniq"), transaction.atomic():
        UserFactory(email="ana@pika.EXAMPLE")


def test_login_matches_email_in_any_case():
    user = UserFactory(email="Luc@Pika.example")
    assert authenticate(username="luc@pika.example", password=PASSWORD) == user


@pytest.mark.parametrize(
    ("status", "may_log_in"),
    [
        (UserStatus.UNCONFIRMED, True),
        (UserStatus.ACTIVE, True),
        (UserStatus.SUSPENDED, False),
        (UserStatus.BANNED, False),
    ],
)
def test_status_decides_whether_the_user_may_log_in(status, may_log_in):
    user = UserFactory(status=status)
    user.refresh_from_db()
    assert user.is_active is may_log_in
    assert (authenticate(username=user.email, password=PASSWORD) is not None) is may_log_in


def test_new_users_default_to_unconfirmed_customers():
    user = User.objects.create_user("new@pika.example", PASSWORD)
    assert (user.status, user.role) == ("unconfirmed", "customer")


def test_password_is_stored_in_the_password_hash_column():
    user = UserFactory()
    assert User._meta.get_field("password").column == "password_hash"
    assert user.check_password(PASSWORD)
