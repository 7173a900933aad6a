"""Writes of the identity domain: API tokens."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.utils import timezone

from .models import Session

API_TOKEN_LIFETIME = datetime.timedelta(days=30)


def api_token_hash(token: str) -> str:
    """The SHA-256 hex digest stored for a token (the token itself never is)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A new bearer token: shown once, to the client that asked for it."""

    token: str
    session: Session


def api_token_issue(*, user_id, ip_address: str | None, user_agent: str = "") -> IssuedToken:
    """Open an API session for the acting user (whose password was just checked).

    Row level security lets a user insert sessions for themselves only.
    """
    token = secrets.token_urlsafe(32)
    session = Session.objects.create(
        user_id=user_id,
        refresh_token_hash=api_token_hash(token),
        expires_at=timezone.now() + API_TOKEN_LIFETIME,
        ip_address=ip_address,
        user_agent=user_agent or "",
    )
    return IssuedToken(token=token, session=session)


def api_token_revoke(*, session_id) -> None:
    """End an API session now (the token stops working at once)."""
    Session.objects.filter(pk=session_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
