"""Reads of the audit schema: the chain's head, and verifying the log against its chain."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection

from audit.chain import CHAIN_TABLE, DIGEST_VALUES_SQL, GENESIS, ChainHead, chain_link, row_digest
from audit.models import AuditLog

VERIFY_BATCH_SIZE = 5000
FIRST_UUID = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the log and its chain disagree."""

    log_id: str | None
    position: int | None
    problem: str

    def __str__(self):
        return self.problem


@dataclass
class AuditLogVerification:
    """What verifying found: rows checked, the chain's ends, the first break (or None)."""

    sealed: int = 0
    unsealed: int = 0
    first_position: int | None = None
    head: ChainHead | None = None
    broken: ChainBreak | None = None


def chain_head_get(cursor) -> ChainHead | None:
    """The chain's last link, or None before the first seal."""
    cursor.execute(f"SELECT position, chain_hash FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1")
    row = cursor.fetchone()
    return ChainHead(row[0], bytes(row[1])) if row else None


def sealed_rows(cursor, batch_size: int) -> Iterator[tuple]:
    """Each link in chain order with its log row's printed values (None when deleted)."""
    query = f"""
        SELECT link.position, link.log_id::text, link.chain_hash, log.id IS NOT NULL,
            log.row_hash, {DIGEST_VALUES_SQL}
        FROM {CHAIN_TABLE} link
        LEFT JOIN {AuditLog._meta.db_table} log ON log.id = link.log_id
        WHERE link.position > %s ORDER BY link.position LIMIT %s
    """
    last = 0
    while True:
        cursor.execute(query, [last, batch_size])
        rows = cursor.fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def unsealed_rows(cursor, batch_size: int) -> Iterator[tuple]:
    """Each log row not sealed yet, in id order, with its printed values."""
    query = f"""
        SELECT log.id::text, log.row_hash, {DIGEST_VALUES_SQL}
        FROM {AuditLog._meta.db_table} log
        WHERE log.id > %s AND NOT EXISTS (
            SELECT FROM {CHAIN_TABLE} link WHERE link.log_id = log.id
        )
        ORDER BY log.id LIMIT %s
    """
    after = FIRST_UUID
    while True:
        cursor.execute(query, [after, batch_size])
        rows = cursor.fetchall()
        if not rows:
            return
        yield from rows
        after = rows[-1][0]


def link_break(link: tuple, previous: bytes | None, anchor: ChainHead | None) -> str | None:
    """What is wrong with one sealed row, given the chain hash before it, or None."""
    position, log_id, chain_hash, present, stored, *values = link
    where = f"row {log_id} (position {position})"
    if not present:
        return f"{where} was deleted from the log"
    digest = row_digest(values)
    if stored is None or digest != bytes(stored):
        return f"{where} was changed after it was logged"
    if previous is not None and chain_link(previous, digest) != bytes(chain_hash):
        return (
            f"{where} does not follow the chain:"
            " the row and its digest, or the chain, were rewritten"
        )
    if anchor and position == anchor.position and bytes(chain_hash) != anchor.chain_hash:
        return f"{where} differs from the exported head: the log and its chain were rewritten"
    return None


def audit_log_verify(
    *,
    anchor: ChainHead | None = None,
    batch_size: int = VERIFY_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> AuditLogVerification:
    """Verify sealed rows against the chain and unsealed ones against their digests.

    Stops at the first break. With ``anchor`` (a head exported earlier) it also detects a
    log rewritten together with its chain up to there, and sealed rows cut from the end.
    """
    result = AuditLogVerification()
    previous = None
    with connection.cursor() as cursor:
        for link in sealed_rows(cursor, batch_size):
            position, log_id = link[0], link[1]
            if result.head is None:
                # Positions before the first were archived: the first link anchors the rest.
                result.first_position = position
                previous = GENESIS if position == 1 else None
            elif position != result.head.position + 1:
                result.broken = ChainBreak(
                    log_id,
                    position,
                    f"positions {result.head.position + 1} to {position - 1} are missing before"
                    f" row {log_id}: sealed rows were deleted together with their seals",
                )
                return result
            if problem := link_break(link, previous, anchor):
                result.broken = ChainBreak(log_id, position, problem)
                return result
            previous = bytes(link[2])
            result.head = ChainHead(position, previous)
            result.sealed += 1
            if progress and result.sealed % batch_size == 0:
                progress(result.sealed)
        if anchor and not (
            result.head and result.first_position <= anchor.position <= result.head.position
        ):
            result.broken = ChainBreak(
                None,
                anchor.position,
                f"the exported head's position {anchor.position} is no longer in the chain"
                f" ({result.first_position or 0} to {result.head.position if result.head else 0}):"
                " sealed rows were deleted",
            )
            return result
        for log_id, stored, *values in unsealed_rows(cursor, batch_size):
            if stored is None or row_digest(values) != bytes(stored):
                result.broken = ChainBreak(
                    log_id, None, f"unsealed row {log_id} was changed after it was logged"
                )
                return result
            result.unsealed += 1
            if progress and (result.sealed + result.unsealed) % batch_size == 0:
                progress(result.sealed + result.unsealed)
    return result
