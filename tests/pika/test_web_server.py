"""The WSGI application served as production serves it: logged in as the web's login.

The rest of the suite talks to the database as the owner and switches to the runtime role
inside; here a real server process (`pika.wsgi`, which sets PIKA_DATABASE_LOGIN=web) serves
real HTTP requests, so anything that only the owner may do on the way fails here.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from tests.api.conftest import PASSWORD
from tests.marketplace.factories import VoucherFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SERVE = (
    "from wsgiref.simple_server import make_server, WSGIRequestHandler\n"
    "from pika.wsgi import application\n"
    "class Quiet(WSGIRequestHandler):\n"
    "    def log_message(self, *args): pass\n"
    "make_server('127.0.0.1', {port}, application, handler_class=Quiet).serve_forever()\n"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def web_server():
    """A WSGI server on the test database, logged in as the web's login."""
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{settings.PG_WEB_USER}:{settings.PG_WEB_PASSWORD}"
        f"@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_DEBUG": "false",
        # Plain HTTP on loopback: no redirect to HTTPS (tests/serving/ serves over TLS).
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PIKA_DATABASE_LOGIN": "web",
    }
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE.format(port=port)],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(server.stderr.read().decode())
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)


def call(url, method="GET", body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_the_api_works_end_to_end_on_the_web_login(web_server, seed_data):
    voucher = VoucherFactory(max_redemptions=5)
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()

    status, page = call(f"{web_server}/api/v1/vouchers/?near=40.4168,-3.7038&radius=1000")
    assert status == 200 and str(voucher.pk) in [v["id"] for v in page["results"]]
    status, token = call(
        f"{web_server}/api/v1/auth/tokens/",
        "POST",
        {"email": user.email, "password": PASSWORD},
    )
    assert status == 201, token
    auth = {"Authorization": f"Bearer {token['token']}"}
    status, me = call(f"{web_server}/api/v1/me/", headers=auth)
    assert (status, me["email"]) == (200, user.email)
    status, redemption = call(
        f"{web_server}/api/v1/vouchers/{voucher.pk}/redeem/",
        "POST",
        headers={**auth, "Idempotency-Key": "web-login"},
    )
    assert status == 201, redemption
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(taken) FROM marketplace.voucher_redemption_slices WHERE voucher_id = %s",
            [voucher.pk],
        )
        assert cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM analytics.events WHERE voucher_id = %s AND kind = %s",
            [voucher.pk, "voucher_redeemed"],
        )
        assert cursor.fetchone()[0] == 1
