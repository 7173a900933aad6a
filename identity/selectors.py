"""Reads of the identity domain."""

from django.db import connection

from .models import Session
from .services import api_token_hash


def api_token_user_id(token: str):
    """The id of the active user whose live token this is, else None (SQL: before anyone
    is signed in, through ``identity.api_token_user``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT identity.api_token_user(%s)", [api_token_hash(token)])
        return cursor.fetchone()[0]


def api_token_session_id(token: str):
    """The session row of a token, for the signed-in user who holds it."""
    return (
        Session.objects.filter(refresh_token_hash=api_token_hash(token))
        .values_list("pk", flat=True)
        .first()
    )
