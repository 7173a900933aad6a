"""Request headers are cleaned before they reach the database: no header value breaks a page."""

import pytest

from audit.models import AuditLog
from tests.users.factories import UserFactory

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.urls("tests.pika.probe_urls"), pytest.mark.django_db(transaction=True)]


def log_in(client, email: str, **headers):
    return client.post(
        "/admin/login/",
        {"username": email, "password": PASSWORD, "next": "/whoami/"},
        **headers,
    )


def last_login_log(user) -> AuditLog:
    """The audit row of the login's ``last_login`` update: written under the request's identity."""
    return AuditLog.objects.filter(
        table_name="users.users", record_id=str(user.pk), action="UPDATE"
    ).latest("timestamp")


@pytest.mark.parametrize("agent", ["Mozilla/5.0\x00(evil)", "Mozilla/5.0\r\n\x07\x1b\u200e(evil)"])
def test_control_characters_in_the_user_agent_break_no_page(client, agent):
    user = UserFactory(is_staff=True)

    assert client.get("/admin/login/", HTTP_USER_AGENT=agent).status_code == 200
    assert log_in(client, user.email, HTTP_USER_AGENT=agent).status_code == 302
    assert last_login_log(user).user_agent == "Mozilla/5.0(evil)"


def test_a_huge_user_agent_is_cut_to_its_limit(client):
    from pika.request_meta import USER_AGENT_MAX_LENGTH

    user = UserFactory(is_staff=True)
    assert log_in(client, user.email, HTTP_USER_AGENT="x" * 100_000).status_code == 302
    assert last_login_log(user).user_agent == "x" * USER_AGENT_MAX_LENGTH


@pytest.mark.parametrize("forwarded", ["not-an-ip", "<script>", "fe80::1%eth0", ""])
def test_a_forwarded_value_that_is_no_ip_falls_back_to_the_peer_address(
    client, settings, forwarded
):
    settings.USE_X_FORWARDED_FOR = True
    user = UserFactory(is_staff=True)

    response = log_in(client, user.email, HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.7")

    assert response.status_code == 302
    assert last_login_log(user).ip_address == "10.0.0.7"


def test_the_client_cannot_choose_its_address_by_prepending_to_the_header(client, settings):
    settings.USE_X_FORWARDED_FOR = True
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory(is_staff=True)

    # The client sent "198.51.100.66"; the proxy appended the address it saw.
    log_in(client, user.email, HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9")

    assert last_login_log(user).ip_address == "203.0.113.9"


def test_with_two_proxies_the_address_the_outer_one_saw_is_used(client, settings):
    settings.USE_X_FORWARDED_FOR = True
    settings.TRUSTED_PROXY_COUNT = 2
    user = UserFactory(is_staff=True)

    log_in(client, user.email, HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9, 10.0.0.2")

    assert last_login_log(user).ip_address == "203.0.113.9"


def test_without_the_setting_the_header_is_ignored(client, settings):
    settings.USE_X_FORWARDED_FOR = False
    user = UserFactory(is_staff=True)

    log_in(client, user.email, HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.7")

    assert last_login_log(user).ip_address == "10.0.0.7"
