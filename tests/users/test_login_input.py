"""A failed login is a form error, and costs the same whether or not the email is known."""

import bcrypt
import pytest

from tests.users.factories import UserFactory

PASSWORD = "correct horse battery staple"
TOO_LONG = "é" * 40  # 80 bytes: bcrypt would read only the first 72
FORM_ERROR = b"Please enter the correct email"

pytestmark = [pytest.mark.urls("tests.pika.probe_urls"), pytest.mark.django_db(transaction=True)]


def log_in(client, email: str, password: str):
    return client.post(
        "/admin/login/", {"username": email, "password": password, "next": "/whoami/"}
    )


@pytest.fixture
def bcrypt_work(monkeypatch):
    """The bcrypt work done so far, in units of one round (2**cost per hash computed)."""
    spent = []
    real_hashpw = bcrypt.hashpw

    def counting_hashpw(password: bytes, salt: bytes) -> bytes:
        spent.append(2 ** int(salt.split(b"$")[2]))
        return real_hashpw(password, salt)

    monkeypatch.setattr(bcrypt, "hashpw", counting_hashpw)
    return spent


@pytest.mark.parametrize("known", [True, False], ids=["known email", "unknown email"])
def test_a_password_over_72_bytes_is_a_failed_login(client, known):
    user = UserFactory(is_staff=True)
    email = user.email if known else "nobody@pika.example"

    response = log_in(client, email, TOO_LONG)

    assert response.status_code == 200
    assert FORM_ERROR in response.content
    assert client.get("/whoami/").json()["user_id"] == ""


def test_unknown_email_wrong_and_right_password_cost_the_same_bcrypt_work(
    client, settings, bcrypt_work
):
    # Seed-style hashes are cheaper than the configured rounds, as crypt(gen_salt('bf')) writes.
    settings.PASSWORD_BCRYPT_ROUNDS = 4
    wrong, right = UserFactory(is_staff=True), UserFactory(is_staff=True)
    settings.PASSWORD_BCRYPT_ROUNDS = 8
    attempts = {
        "unknown email": ("nobody@pika.example", PASSWORD),
        "wrong password": (wrong.email, "not the password"),
        "right password": (right.email, PASSWORD),
        "too long, known email": (wrong.email, TOO_LONG),
    }

    work = {}
    for name, (email, password) in attempts.items():
        bcrypt_work.clear()
        log_in(client, email, password)
        work[name] = sum(bcrypt_work)
        client.logout()

    assert min(work.values()) >= 2**8, work
    assert max(work.values()) / min(work.values()) < 1.1, work
