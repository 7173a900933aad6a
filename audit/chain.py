"""Tamper evidence for the audit log: each row's digest and the chain that links sealed rows.

The database trigger stores each row's digest as it writes the row (``row_hash``, computed
by ``audit.log_digest``). ``manage.py seal_audit_log`` then links rows into one chain, in
the order it seals them: ``chain_hash(n) = SHA-256(chain_hash(n - 1) || digest(n))``.
Writers never touch the chain, so concurrent audited transactions stay concurrent.

Python recomputes both here from the column values as PostgreSQL prints them, so that
verifying trusts no function stored in the database whose log it checks.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from pika.db.tables import schema_table

# Sealed rows in chain order (migration audit.0006); written by seal_audit_log alone.
CHAIN_TABLE = schema_table("audit", "audit_chain")
GENESIS = bytes(32)  # the chain hash before the first sealed row

# The values a digest covers, as SQL printing them from the audit log aliased ``log``, in
# the order ``audit.log_digest`` (migration audit.0004) encodes them.
DIGEST_VALUES_SQL = ", ".join(
    [
        "log.id::text",
        "log.user_id::text",
        "log.action",
        "log.table_name",
        "log.record_id",
        "log.changes::text",
        "log.ip_address::text",
        "log.user_agent",
        "(EXTRACT(epoch FROM log.timestamp) * 1000000)::int8::text",
    ]
)


def row_digest(values: Iterable[str | None]) -> bytes:
    """SHA-256 of a row's printed values, each encoded as ``N`` (null) or ``S<bytes>:<text>``.

    The length prefix keeps the encoding unambiguous whatever the values contain.
    """
    encoded = bytearray()
    for value in values:
        if value is None:
            encoded += b"N"
        else:
            raw = value.encode()
            encoded += b"S%d:%s" % (len(raw), raw)
    return hashlib.sha256(encoded).digest()


def chain_link(previous: bytes, digest: bytes) -> bytes:
    """The chain hash of a sealed row, from the previous row's chain hash and its own digest."""
    return hashlib.sha256(previous + digest).digest()


@dataclass(frozen=True)
class ChainHead:
    """A sealed position and the chain hash there; exported, it detects later rewrites."""

    position: int
    chain_hash: bytes

    def __str__(self):
        return f"{self.position}:{self.chain_hash.hex()}"

    @classmethod
    def parse(cls, text: str) -> "ChainHead":
        """Read ``<position>:<64 hex digits>``, as ``str()`` and seal_audit_log print it."""
        position, _, digest = text.partition(":")
        if not position.isdigit() or int(position) < 1 or len(digest) != 64:
            raise ValueError(f"not a chain head (<position>:<64 hex digits>): {text!r}")
        return cls(int(position), bytes.fromhex(digest))
