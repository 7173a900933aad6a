"""Password hashes that Django and PostgreSQL's pgcrypto both verify.

The seed checks passwords in SQL with ``password_hash = crypt('password123', password_hash)``
and creates them with ``crypt(..., gen_salt('bf'))``. pgcrypto knows bcrypt as ``$2a$``
only: Python's bcrypt writes ``$2b$`` by default, which pgcrypto silently never matches,
and Django's own bcrypt hasher adds a ``bcrypt$`` prefix that crypt() cannot read. This
hasher stores the bare ``$2a$<cost>$<salt><hash>`` string.

Django finds a hasher by the text before the first ``$``, which a bare bcrypt hash
lacks. So Django sees ``pgcrypto_bcrypt$$2a$...`` and the column holds ``$2a$...``:
`PasswordHashField` adds and strips the prefix at the database boundary.
"""

import bcrypt
from django.conf import settings
from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.db import models
from django.utils.crypto import constant_time_compare

MAX_PASSWORD_BYTES = 72  # bcrypt reads no further
ALGORITHM = "pgcrypto_bcrypt"
PREFIX = f"{ALGORITHM}$"


class PgCryptoBCryptHasher(BasePasswordHasher):
    """Bare ``$2a$`` bcrypt, the format of pgcrypto's ``crypt(..., gen_salt('bf'))``."""

    algorithm = ALGORITHM

    @property
    def rounds(self) -> int:
        return settings.PASSWORD_BCRYPT_ROUNDS

    def salt(self) -> str:
        return bcrypt.gensalt(self.rounds, prefix=b"2a").decode("ascii")

    def encode(self, password: str, salt: str) -> str:
        secret = password.encode()
        if len(secret) > MAX_PASSWORD_BYTES:
            raise ValueError(f"passwords are limited to {MAX_PASSWORD_BYTES} bytes")
        return PREFIX + bcrypt.hashpw(secret, salt.encode("ascii")).decode("ascii")

    def decode(self, encoded: str) -> dict:
        _, variant, cost, rest = encoded.removeprefix(PREFIX).split("$", 3)
        return {
            "algorithm": f"bcrypt ${variant}$",
            "work_factor": int(cost),
            "salt": rest[:22],
            "hash": rest[22:],
        }

    def verify(self, password: str, encoded: str) -> bool:
        secret, bare = password.encode(), encoded.removeprefix(PREFIX)
        if not bare.startswith(("$2a$", "$2b$", "$2y$")):
            return False
        # A password too long to be anyone's still costs a hash: no faster answer to tell.
        computed = bcrypt.hashpw(secret[:MAX_PASSWORD_BYTES], bare.encode("ascii")).decode()
        return len(secret) <= MAX_PASSWORD_BYTES and constant_time_compare(computed, bare)

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "work factor": decoded["work_factor"],
            "salt": mask_hash(decoded["salt"]),
            "checksum": mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return decoded["work_factor"] != self.rounds or not encoded.startswith(PREFIX + "$2a$")

    def harden_runtime(self, password: str, encoded: str) -> None:
        """Spend what a correct password spends on the upgrade to the configured rounds.

        Django calls this for a wrong password on a hash that `must_update`; a right one
        is re-hashed at the configured rounds, so without it the answer's delay would tell.
        """
        password_hash_runtime_spend(password)


def password_hash_runtime_spend(password: str) -> None:
    """Spend the time of hashing ``password`` once at the configured rounds, and discard it.

    For logins that fail before any hash is checked (unknown users, refused passwords), so
    that they take as long as the others.
    """
    salt = bcrypt.gensalt(settings.PASSWORD_BCRYPT_ROUNDS, prefix=b"2a")
    bcrypt.hashpw(password.encode()[:MAX_PASSWORD_BYTES], salt)


class PasswordHashField(models.CharField):
    """The password column: bare bcrypt in the database, Django's prefixed form in Python.

    Values of other hashers (or unusable passwords, ``!...``) pass through unchanged.
    """

    def from_db_value(self, value, expression, connection):
        if value and value.startswith("$2"):
            return PREFIX + value
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value and value.startswith("$2"):
            return PREFIX + value
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value.removeprefix(PREFIX) if isinstance(value, str) else value
