"""What a request says about its client, cleaned before it reaches the database.

Both values end up in transaction-local settings (``set_config``) that the audit trigger
reads: PostgreSQL text cannot hold a NUL byte and the trigger casts the address to
``inet``, so a raw header value could fail every write of the request.
"""

import ipaddress
import unicodedata

from django.conf import settings

from pika.db.bounded import USER_AGENT_MAX_LENGTH


def client_ip(request) -> str | None:
    """The client's IP address, or None when the request carries no valid one.

    Without ``USE_X_FORWARDED_FOR`` this is ``REMOTE_ADDR``. Behind proxies, each one
    appends the address it received the request from to ``X-Forwarded-For``, and the client
    may send any value it likes in front: so the address is the entry
    ``TRUSTED_PROXY_COUNT`` places from the right, the one the outermost trusted proxy
    wrote. A header too short for that, or an entry that is not an IP address, falls back
    to ``REMOTE_ADDR``.
    """
    remote_addr = _valid_ip(request.META.get("REMOTE_ADDR"))
    if not settings.USE_X_FORWARDED_FOR:
        return remote_addr
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    proxies = settings.TRUSTED_PROXY_COUNT
    if len(entries) < proxies:
        return remote_addr
    return _valid_ip(entries[-proxies]) or remote_addr


def user_agent(request) -> str:
    """The ``User-Agent`` header without control or format characters, at most
    `USER_AGENT_MAX_LENGTH` characters long ("" when absent)."""
    raw = request.META.get("HTTP_USER_AGENT", "")
    printable = "".join(char for char in raw if not unicodedata.category(char).startswith("C"))
    return printable[:USER_AGENT_MAX_LENGTH]


def _valid_ip(value: str | None) -> str | None:
    # A scoped IPv6 address (fe80::1%eth0) is valid for Python but not for PostgreSQL's inet.
    if not value or "%" in value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
