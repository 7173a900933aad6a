"""Deterministic UUIDv7 ids and fast text forms of the values COPY reads.

An id is a function of (seed, table, row number, time): the generator can name any row
again (an audit entry naming a voucher) without keeping every id in memory, and the same
seed gives the same ids. The time prefix keeps ids in creation order, as the project's
``uuid_generate_v7`` does, so the primary keys fill append-only.
"""

import datetime
import hashlib

_MASK62 = (1 << 62) - 1
# Odd, so that multiplying by it is a bijection modulo 2**62: distinct rows, distinct ids.
_MULTIPLIER = 0x2545F4914F6CDD1D


def table_salt(seed: int, table: str) -> int:
    """A per-(seed, table) constant that makes each table's ids its own."""
    digest = hashlib.sha256(f"{seed}:{table}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & _MASK62


def uuid7(salt: int, row: int, ms: int) -> str:
    """The id of ``row`` of a table (``salt``) created at ``ms`` (Unix milliseconds)."""
    low = ((row + 1) * _MULTIPLIER + salt) & _MASK62
    value = (ms << 80) | (0x7 << 76) | (((low >> 40) & 0xFFF) << 64) | (0x2 << 62) | low
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Stamps:
    """``timestamptz`` text of Unix seconds, caching the date part (a day has many rows)."""

    def __init__(self):
        self._days: dict[int, str] = {}

    def __call__(self, seconds: int) -> str:
        day, rest = divmod(seconds, 86_400)
        date = self._days.get(day)
        if date is None:
            date = (datetime.date(1970, 1, 1) + datetime.timedelta(days=day)).isoformat()
            self._days[day] = date
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{date} {hours:02d}:{minutes:02d}:{secs:02d}+00"
