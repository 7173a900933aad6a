"""The project served the way its README tells people to serve it, by the README's commands.

`make run` (the development server) and `make serve` (gunicorn with production settings)
run here as real processes on free ports; the tests then talk HTTP to them. `make serve` gets a
database and logins of its own on the project's cluster, with fresh secrets, so that its
production settings never touch the development database or the roles the suite uses.
"""

import os
import secrets
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from psycopg import sql

from tests.server_log import superuser_connect

PROJECT_DIR = Path(settings.BASE_DIR)
# Set-up plus start-up on a fresh database: migrations take most of it.
START_TIMEOUT = 300
# Variables of the developer's shell that would point a server elsewhere than the test wants.
PROJECT_VARIABLES = ("DATABASE_", "PG_", "DJANGO_", "PIKA_", "GUNICORN_", "WEB_CONCURRENCY")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Answer:
    """One HTTP response, read whole."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def fetch(url: str, method: str = "GET", headers: dict | None = None) -> Answer:
    """The answer to one request; a self-signed certificate is accepted (the test made it)."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


@dataclass
class Server:
    """A server started by a make target, with its output in a log file."""

    url: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """Stop make and everything it started (the server and its workers or reloader)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def start(target: list[str], env: dict[str, str], log: Path, url: str) -> Server:
    """Run `make TARGET...` in the project folder and wait until ``url/admin/login/`` answers."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["make", *target],
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group, so that stopping it stops the server make started.
            start_new_session=True,
        )
    server = Server(url, process, log, env)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make {' '.join(target)} ended ({process.returncode}):\n{server.output()}")
        if "Traceback" in server.output():
            # runserver's thread can die while its process lives on, serving nothing.
            server.stop()
            pytest.fail(f"make {' '.join(target)} failed while starting:\n{server.output()}")
        try:
            if fetch(f"{url}/admin/login/").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.stop()
    pytest.fail(
        f"make {' '.join(target)} did not serve within {START_TIMEOUT} s:\n{server.output()}"
    )


def shell_environment() -> dict[str, str]:
    """This process's environment without the project's own settings: a fresh shell's."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(PROJECT_VARIABLES) and name != "DJANGO_SETTINGS_MODULE"
    }


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, so that gunicorn itself speaks TLS."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def production_environment(folder: Path, database: str, port: int) -> dict[str, str]:
    """What the README's Deploying section tells a deploy to set, with fresh secrets; the
    database and both logins are the test's own, on the project's cluster."""
    certificate, key = self_signed_certificate(folder)
    return {
        **shell_environment(),
        "PG_PORT": str(settings.PG_PORT),
        "PG_DATABASE": database,
        "PG_USER": f"{database}_owner",
        "PG_PASSWORD": secrets.token_urlsafe(24),
        "PG_WEB_USER": f"{database}_web",
        "PG_WEB_PASSWORD": secrets.token_urlsafe(24),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "PIKA_ENCRYPTION_KEY": secrets.token_urlsafe(32),
        "PIKA_LOOKUP_HASH_KEY": secrets.token_urlsafe(32),
        "PIKA_IDENTITY_KEY": secrets.token_urlsafe(32),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_CMD_ARGS": f"--certfile={certificate} --keyfile={key}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }


def drop_database_and_logins(database: str) -> None:
    """Remove what `make serve` created for the test: its database and its two logins."""
    with superuser_connect() as superuser:
        superuser.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )
        for role in (f"{database}_owner", f"{database}_web"):
            superuser.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture(scope="session")
def production(tmp_path_factory) -> Iterator[Server]:
    """`make serve` with the documented production environment, over TLS on a free port."""
    superuser_connect().close()  # skips, saying why, without the project's own cluster
    folder = tmp_path_factory.mktemp("serve")
    database = f"pika_serve_{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = production_environment(folder, database, port)
    server = start(["serve"], env, folder / "serve.log", f"https://127.0.0.1:{port}")
    try:
        # The first deploy's one-off step (README, Deploying): the languages content is in.
        run_manage(server, "loaddata", "languages")
        yield server
    finally:
        server.stop()
        drop_database_and_logins(database)


def run_manage(server: Server, *arguments: str, env: dict | None = None) -> str:
    """Run a management command with the server's environment; its output."""
    result = subprocess.run(
        [str(PROJECT_DIR / ".venv/bin/python"), "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env={**server.env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {arguments} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def owner_connect(server: Server) -> psycopg.Connection:
    """A connection to the server's database as its owner."""
    env = server.env
    return psycopg.connect(
        host="127.0.0.1",
        port=int(env["PG_PORT"]),
        user=env["PG_USER"],
        password=env["PG_PASSWORD"],
        dbname=env["PG_DATABASE"],
        autocommit=True,
    )
