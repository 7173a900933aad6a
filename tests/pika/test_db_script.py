"""scripts/db.sh from a clone in a home folder closed to others, as root and as a plain user.

As root the cluster runs as pika-postgres, who cannot traverse a 0700 home: the cluster must
then live outside the clone, and no folder above the clone may be opened up for it. A plain
user runs the cluster as themselves in the clone's .pgdata/. The clone tests start real
clusters, on a free port among 54344-54349.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.local_cluster import server_log_path, socket_dir

PROJECT_DIR = Path(settings.BASE_DIR)
CLUSTER_OS_USER = "pika-postgres"
OUTSIDE_CLUSTERS_DIR = Path("/var/lib/pika-postgres")
TEST_PORTS = range(54344, 54350)

needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="runs the set-up as root and as a throwaway user (CI runs as root)"
)
needs_own_cluster = pytest.mark.skipif(
    not settings.EMBEDDED_DATABASE, reason="the suite runs against another server"
)


@dataclass(frozen=True)
class Clone:
    """A copy of the project's set-up files, and how to run them there."""

    path: Path
    port: int
    user: str | None = None

    def run(self, *command: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run command in the clone as its user, with a fresh shell's database settings."""
        if self.user:
            command = ("runuser", "-u", self.user, "--", *command)
        result = subprocess.run(
            command,
            cwd=self.path,
            env=fresh_environment(self.port),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
        return result


def fresh_environment(port: int) -> dict[str, str]:
    """This environment without any database setting (no DATABASE_URL), but PG_PORT=port."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name != "DATABASE_URL" and not name.startswith("PG")
    }
    return {**environment, "PG_PORT": str(port)}


def free_port() -> int:
    """A port of our range nothing listens on."""
    for port in TEST_PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {TEST_PORTS.start}-{TEST_PORTS.stop - 1}")


def copy_setup(parent: Path) -> Path:
    """parent/pika with the project's scripts and Makefile: all that `make db` needs."""
    clone = parent / "pika"
    clone.mkdir()
    shutil.copytree(PROJECT_DIR / "scripts", clone / "scripts")
    shutil.copy2(PROJECT_DIR / "Makefile", clone / "Makefile")
    return clone


def permissions_above(path: Path) -> dict[Path, tuple]:
    """Mode, owner, group and POSIX ACLs of every folder above path."""
    snapshot = {}
    for folder in path.parents:
        info = folder.stat()
        acls = sorted(
            (name, os.getxattr(folder, name))
            for name in os.listxattr(folder)
            if name.startswith("system.posix_acl")
        )
        snapshot[folder] = (oct(info.st_mode), info.st_uid, info.st_gid, acls)
    return snapshot


def answers(port: int) -> bool:
    """Whether the project's database answers on 127.0.0.1:port."""
    try:
        with psycopg.connect(
            host="127.0.0.1", port=port, user="pika", password="pika", dbname="pika"
        ) as database:
            return database.execute("SELECT 1").fetchone() == (1,)
    except psycopg.OperationalError:
        return False


def server_user(data_dir: Path) -> str:
    """The user the server process runs as (its pid opens postmaster.pid)."""
    pid = (data_dir / "postmaster.pid").read_text().split()[0]
    return pwd.getpwuid(Path("/proc", pid).stat().st_uid).pw_name


def serves_through_socket(folder: Path, port: int) -> bool:
    """Whether the server answers through a Unix socket in folder (no server address then)."""
    with psycopg.connect(
        host=str(folder), port=port, user="pika", password="pika", dbname="pika"
    ) as database:
        return database.execute("SELECT inet_server_addr() IS NULL").fetchone() == (True,)


def stop_quietly(clone: Clone) -> None:
    """Stop the clone's cluster after a test, whatever state the test left it in."""
    subprocess.run(
        [*(("runuser", "-u", clone.user, "--") if clone.user else ()), "scripts/db.sh", "stop"],
        cwd=clone.path,
        env=fresh_environment(clone.port),
        capture_output=True,
        timeout=120,
        check=False,
    )
    data_dir = clone.path / ".pgdata" / "data"
    try:
        owner = server_user(data_dir)
    except FileNotFoundError:
        return
    # A pid file left behind by a server that died may name another process by now.
    if owner in (clone.user, CLUSTER_OS_USER):
        os.kill(int((data_dir / "postmaster.pid").read_text().split()[0]), signal.SIGQUIT)


@pytest.fixture
def root_clone(tmp_path: Path) -> Iterator[Clone]:
    """A clone inside root's own 0700 folder, which pika-postgres cannot traverse."""
    home = tmp_path / "root-home"
    home.mkdir()
    home.chmod(0o700)
    clone = Clone(copy_setup(home), free_port())
    yield clone
    stop_quietly(clone)
    link = clone.path / ".pgdata"
    if link.is_symlink() and Path(os.readlink(link)).parent == OUTSIDE_CLUSTERS_DIR:
        shutil.rmtree(os.readlink(link), ignore_errors=True)


@pytest.fixture
def user_clone() -> Iterator[Clone]:
    """A clone in the 0700 home of a throwaway user, removed with the user afterwards."""
    name = f"pika-t{uuid.uuid4().hex[:8]}"
    home = Path("/home", name)
    subprocess.run(
        ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash", name],
        check=True,
    )
    try:
        home.chmod(0o700)
        clone = Clone(copy_setup(home), free_port(), name)
        subprocess.run(["chown", "-R", f"{name}:", str(clone.path)], check=True)
        yield clone
        stop_quietly(clone)
    finally:
        subprocess.run(["userdel", "--remove", name], capture_output=True, check=False)


@needs_root
def test_root_runs_the_cluster_outside_a_clone_its_user_cannot_reach(root_clone):
    before = permissions_above(root_clone.path)

    started = root_clone.run("make", "-s", "db")

    assert (
        started.stdout.splitlines()[-1] == f"postgres://pika:pika@127.0.0.1:{root_clone.port}/pika"
    )
    assert answers(root_clone.port)
    outside = Path(os.readlink(root_clone.path / ".pgdata"))
    assert outside.parent == OUTSIDE_CLUSTERS_DIR
    assert server_user(outside / "data") == CLUSTER_OS_USER
    reach = subprocess.run(["runuser", "-u", CLUSTER_OS_USER, "--", "test", "-x", root_clone.path])
    assert reach.returncode != 0, "the clone must stay out of pika-postgres's reach"
    assert permissions_above(root_clone.path) == before

    log = Path(root_clone.run("scripts/db.sh", "log-path").stdout.strip())
    assert log == outside / "postgresql.log"
    assert "ready to accept connections" in log.read_text()
    sockets = Path(root_clone.run("scripts/db.sh", "socket-dir").stdout.strip())
    assert serves_through_socket(sockets, root_clone.port)
    psql = root_clone.run(
        "make", "-s", "psql", stdin="SELECT 'psql on ' || current_setting('port');"
    )
    assert f"psql on {root_clone.port}" in psql.stdout

    again = root_clone.run("make", "-s", "db")
    assert "creating" not in again.stderr
    assert again.stdout == started.stdout

    root_clone.run("make", "-s", "db-stop")
    assert not answers(root_clone.port)


@needs_root
def test_a_user_runs_the_cluster_as_themselves_inside_the_clone(user_clone):
    before = permissions_above(user_clone.path)

    started = user_clone.run("make", "-s", "db")

    assert (
        started.stdout.splitlines()[-1] == f"postgres://pika:pika@127.0.0.1:{user_clone.port}/pika"
    )
    assert answers(user_clone.port)
    pgdata = user_clone.path / ".pgdata"
    assert pgdata.is_dir() and not pgdata.is_symlink()
    assert server_user(pgdata / "data") == user_clone.user
    assert permissions_above(user_clone.path) == before

    log = Path(user_clone.run("scripts/db.sh", "log-path").stdout.strip())
    assert log == pgdata / "postgresql.log"
    assert "ready to accept connections" in log.read_text()
    sockets = Path(user_clone.run("scripts/db.sh", "socket-dir").stdout.strip())
    assert sockets == pgdata / "run"
    assert serves_through_socket(sockets, user_clone.port)

    user_clone.run("make", "-s", "db-stop")
    assert not answers(user_clone.port)


@needs_own_cluster
@pytest.mark.django_db
def test_log_path_names_the_log_the_running_server_writes():
    marker = f"pika-log-marker-{uuid.uuid4().hex}"
    with connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN RAISE WARNING '{marker}'; END $$")

    assert marker in server_log_path().read_text()


@needs_own_cluster
@pytest.mark.django_db
def test_socket_dir_names_the_running_server_s_socket_folder():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("pool", None)

    with psycopg.connect(**{**params, "host": str(socket_dir())}) as database:
        through_socket, port = database.execute(
            "SELECT inet_server_addr() IS NULL, current_setting('port')::int"
        ).fetchone()

    assert through_socket
    assert port == settings.PG_PORT
