"""Development secrets never serve a deploy silently.

The repository holds the development value of every secret. Against a database on another
host each of them stops every command at start-up, and `manage.py check --deploy` (which
`make serve` runs first) names each one still in use, wherever the database is.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REMOTE_URL = "postgres://pika@db.example.com:5432/pika"
KEYS = ["DJANGO_SECRET_KEY", "PIKA_ENCRYPTION_KEY", "PIKA_IDENTITY_KEY", "PIKA_LOOKUP_HASH_KEY"]


def manage_environment() -> dict[str, str]:
    """A fresh shell's environment: no project variable but the cluster's port."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "PG_", "DJANGO_", "PIKA_"))
    }
    return {**environment, "PG_PORT": str(settings.PG_PORT)}


def manage(*arguments: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh shell's environment plus ``env``."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env={**manage_environment(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_remote_database_with_development_secrets_stops_every_command_in_one_line():
    result = manage("check", DATABASE_URL=REMOTE_URL)

    assert result.returncode == 1
    assert result.stderr.startswith("pika: the database server db.example.com is not this machine")
    assert f"development values: {', '.join(KEYS)}." in result.stderr
    assert "Traceback" not in result.stderr


def test_a_remote_database_with_every_secret_set_starts_with_debug_off():
    keys = {name: secrets.token_urlsafe(32) for name in KEYS}

    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DATABASE_URL=REMOTE_URL,
        **keys,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_web_s_password_counts_for_the_web_only():
    keys = {name: secrets.token_urlsafe(32) for name in KEYS}

    as_web = manage("check", DATABASE_URL=REMOTE_URL, PIKA_DATABASE_LOGIN="web", **keys)
    as_owner = manage("check", DATABASE_URL=REMOTE_URL, **keys)

    assert as_web.returncode == 1 and "values: PG_WEB_PASSWORD." in as_web.stderr
    assert as_owner.returncode == 0, as_owner.stderr


@pytest.mark.parametrize("variable", KEYS)
def test_check_deploy_names_a_development_secret_on_the_local_cluster_too(variable):
    keys = {name: secrets.token_urlsafe(32) for name in KEYS if name != variable}

    result = manage(
        "check", "--deploy", PG_PASSWORD="a-real-password", PG_WEB_PASSWORD="another", **keys
    )

    assert result.returncode == 1
    assert f"(pika.E002) {variable} has its development value." in result.stderr
    assert [line for line in result.stderr.splitlines() if "pika.E002" in line] == [
        f"?: (pika.E002) {variable} has its development value."
    ]


def test_check_deploy_names_the_web_s_password_whichever_login_runs_it():
    keys = {name: secrets.token_urlsafe(32) for name in KEYS}

    result = manage("check", "--deploy", PG_PASSWORD="a-real-password", **keys)

    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if "pika.E002" in line] == [
        "?: (pika.E002) PG_WEB_PASSWORD has its development value."
    ]


def test_gunicorn_refuses_to_start_against_a_remote_database_with_development_secrets():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "pika.wsgi",
            "--bind=127.0.0.1:0",
            "--no-control-socket",
        ],
        cwd=settings.BASE_DIR,
        env={**manage_environment(), "DATABASE_URL": REMOTE_URL},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "is not this machine, yet these settings have their development values" in result.stderr
    assert "Worker failed to boot" in result.stderr
