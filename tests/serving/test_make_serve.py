"""`make serve`: gunicorn with production settings, as the README's Deploying section says.

The server runs with the documented production environment (fresh secrets, DEBUG off, its own
database and logins) and speaks TLS itself, with a certificate the test made.
"""

import json
import re
import subprocess

import pytest

from tests.server_log import superuser_connect
from tests.serving.conftest import (
    PROJECT_DIR,
    fetch,
    free_port,
    owner_connect,
    production_environment,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_make_serve_answers_the_pages_over_https_only(production):
    url = production.url

    login = fetch(f"{url}/admin/login/")
    vouchers = fetch(f"{url}/api/v1/vouchers/")
    docs = fetch(f"{url}/api/docs/")

    assert login.status == 200 and 'name="password"' in login.text
    assert vouchers.status == 200 and "results" in json.loads(vouchers.body)
    assert docs.status == 200
    assert int(re.search(r"max-age=(\d+)", login.headers["Strict-Transport-Security"])[1]) > 0
    cookie = login.headers["Set-Cookie"]
    assert cookie.startswith("csrftoken=") and "Secure" in cookie


def test_make_serve_serves_hashed_static_files_for_browsers_to_keep(production):
    docs = fetch(f"{production.url}/api/docs/")
    scripts = re.findall(r'<script src="(/static/[^"]+)"', docs.text)

    assert scripts, docs.text
    for script in scripts:
        # collectstatic named it after its content: a browser may cache it for good.
        assert re.search(r"\.[0-9a-f]{12}\.js$", script), script
        answer = fetch(f"{production.url}{script}")
        assert answer.status == 200
        assert "immutable" in answer.headers["Cache-Control"]


def test_make_serve_errors_under_the_api_are_json_without_debug(production):
    unknown = fetch(f"{production.url}/api/v1/nope/")

    assert unknown.status == 404
    assert json.loads(unknown.body)["code"] == "not_found"
    assert "Traceback" not in production.output()


def test_make_serve_logs_in_as_the_web_login(production):
    fetch(f"{production.url}/api/v1/vouchers/")
    with owner_connect(production) as owner:
        logins = {
            login
            for (login,) in owner.execute(
                # Another login's sessions show their login and database, not their query.
                "SELECT usename FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        }

    assert logins == {production.env["PG_WEB_USER"]}


@pytest.mark.parametrize(
    "variable",
    ["DJANGO_SECRET_KEY", "PIKA_ENCRYPTION_KEY", "PIKA_LOOKUP_HASH_KEY", "PIKA_IDENTITY_KEY"],
)
def test_make_serve_refuses_a_development_secret_before_touching_the_database(
    tmp_path, settings, variable
):
    database = "pika_serve_never_created"
    env = {
        **production_environment(tmp_path, database, free_port()),
        variable: settings.DEVELOPMENT_SECRETS[variable],
    }

    result = subprocess.run(
        ["make", "serve"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode != 0
    assert f"{variable} has its development value" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    with superuser_connect() as superuser:
        created = superuser.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [database]
        ).fetchone()[0]
    assert created == 0, "it created the database before refusing"
