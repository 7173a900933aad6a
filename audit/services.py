"""Writes to the audit schema that are not the database's own: sealing the log's chain."""

from collections.abc import Callable

from django.db import connection, transaction

from audit.chain import CHAIN_TABLE, GENESIS, ChainHead, chain_link, row_digest
from audit.selectors import chain_head_get, unsealed_rows

SEAL_BATCH_SIZE = 5000


class AuditLogTampered(Exception):
    """A log row no longer matches the digest the database stored when it wrote it."""


def audit_log_seal(
    *, batch_size: int = SEAL_BATCH_SIZE, progress: Callable[[int], None] | None = None
) -> tuple[int, ChainHead | None]:
    """Link every unsealed log row into the chain, in id order; returns the count and head.

    Run as the owner. Only another seal waits for its lock: the log's writers never touch
    the chain, so audited transactions stay concurrent. A row committed late with a lower
    id than rows already sealed is sealed by the next run. Seals nothing and raises
    AuditLogTampered when a row no longer matches the digest written with it.
    """
    insert = f"INSERT INTO {CHAIN_TABLE} (position, log_id, chain_hash) VALUES (%s, %s, %s)"
    sealed, pending = 0, []
    with transaction.atomic(), connection.cursor() as reader, connection.cursor() as writer:
        writer.execute(f"LOCK TABLE {CHAIN_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        head = chain_head_get(writer) or ChainHead(0, GENESIS)
        for log_id, stored, *values in unsealed_rows(reader, batch_size):
            digest = row_digest(values)
            if stored is None or digest != bytes(stored):
                raise AuditLogTampered(
                    f"audit log row {log_id} no longer matches the digest written with it;"
                    " nothing was sealed (run manage.py verify_audit_log)"
                )
            head = ChainHead(head.position + 1, chain_link(head.chain_hash, digest))
            pending.append((head.position, log_id, head.chain_hash))
            if len(pending) == batch_size:
                writer.executemany(insert, pending)
                sealed += len(pending)
                pending = []
                if progress:
                    progress(sealed)
        if pending:
            writer.executemany(insert, pending)
            sealed += len(pending)
    return sealed, (head if head.position else None)
