"""Web sessions that only the holder of the session key can reach.

``public.django_session`` stores sha256 of each key, never the key: a reader of the table or
of a dump learns no key that opens a session. Requests run as ``application_role``, which has
no privilege on the table; it reaches a session only through the SECURITY DEFINER functions
of the migration ``pika.0002_session_functions``, each taking the key hash, so a request
reaches the session whose key it holds and no other. The session data is signed with a salt
that includes the key, so data copied from a dump into a session under another key decodes
to nothing. The owner role keeps the table itself (``manage.py clearsessions``).
"""

import base64
import hashlib

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router


def session_key_hash(session_key: str) -> str:
    """sha256 of a session key, in base 85: its 40 characters fit the session_key column."""
    return base64.b85encode(hashlib.sha256(session_key.encode()).digest()).decode("ascii")


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, stored and looked up by key hash through SQL functions."""

    @property
    def key_salt(self) -> str:
        """Bind the signed data to its key: copied under another key, it no longer decodes."""
        return f"{super().key_salt}:{self.session_key or ''}"

    def _call(self, function: str, *arguments):
        """Call one of the session functions and return its single value."""
        placeholders = ", ".join(["%s"] * len(arguments))
        with connections[router.db_for_write(self.model)].cursor() as cursor:
            cursor.execute(f"SELECT public.{function}({placeholders})", arguments)
            return cursor.fetchone()[0]

    def load(self) -> dict:
        """The session's data if its key names an unexpired session, else a fresh session."""
        data = self._call("session_load", session_key_hash(self.session_key))
        if data is None:
            # As Django does: a key that names no session is dropped, so that saving makes
            # a new key rather than adopting one the client chose (session fixation).
            self._session_key = None
            return {}
        return self.decode(data)

    def exists(self, session_key: str) -> bool:
        """Whether a session, expired or not, has this key."""
        return self._call("session_exists", session_key_hash(session_key))

    def save(self, must_create: bool = False) -> None:
        """Store the session; with ``must_create``, refuse a key that is already taken."""
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        function = "session_create" if must_create else "session_update"
        saved = self._call(
            function,
            session_key_hash(self.session_key),
            self.encode(data),
            self.get_expiry_date(),
        )
        if not saved:
            raise CreateError if must_create else UpdateError
        return None

    def delete(self, session_key: str | None = None) -> None:
        """Delete the session with this key (by default, this session)."""
        session_key = session_key or self.session_key
        if session_key is not None:
            self._call("session_delete", session_key_hash(session_key))

    async def aload(self) -> dict:
        return await sync_to_async(self.load)()

    async def aexists(self, session_key: str) -> bool:
        return await sync_to_async(self.exists)(session_key)

    async def asave(self, must_create: bool = False) -> None:
        return await sync_to_async(self.save)(must_create)

    async def adelete(self, session_key: str | None = None) -> None:
        return await sync_to_async(self.delete)(session_key)
