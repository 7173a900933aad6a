"""What the API tests share: languages, a customer with a password, bearer tokens."""

import pytest

from i18n.models import Language
from tests.users.factories import UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def languages():
    en = Language.objects.create(code="en", name="English", is_default=True)
    es = Language.objects.create(code="es", name="Spanish")
    return en, es


def user_with_password(**fields):
    user = UserFactory(**fields)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def customer():
    return user_with_password()


def token_for(client, user) -> str:
    response = client.post(
        "/api/v1/auth/tokens/",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
