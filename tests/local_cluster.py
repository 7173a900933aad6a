"""Where the project's own cluster keeps its server log and Unix socket, asked of scripts/db.sh.

The cluster lives in the project's .pgdata/ or, for a clone its system user cannot reach, in a
folder under /var/lib/pika-postgres/: tests ask the script instead of assuming either.
"""

import subprocess
from pathlib import Path

from django.conf import settings

DB_SCRIPT = Path(settings.BASE_DIR) / "scripts" / "db.sh"


def db_script_output(subcommand: str) -> str:
    """What `scripts/db.sh SUBCOMMAND` prints, for the project's own cluster."""
    result = subprocess.run(
        [str(DB_SCRIPT), subcommand], capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"scripts/db.sh {subcommand} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def server_log_path() -> Path:
    """The log file of the project's own PostgreSQL server."""
    return Path(db_script_output("log-path"))


def socket_dir() -> Path:
    """The folder of the project's own server's Unix socket."""
    return Path(db_script_output("socket-dir"))
