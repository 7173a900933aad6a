"""Authentication by email, case-insensitively, under row level security."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from pika.db.context import db_identity_set
from pika.db.identity import vouch
from users.hashers import MAX_PASSWORD_BYTES, password_hash_runtime_spend


class EmailBackend(ModelBackend):
    """Django's model backend, finding the user by email before anyone is logged in.

    In a request, the application role sees no user row until a vouched identity names one.
    The SECURITY DEFINER function users.login_lookup returns the id for an email (and
    nothing else), and only for the email this process signed for this transaction, so SQL
    run in a request cannot turn other emails into ids. The backend vouches for that user
    during the password check and for nobody again when the check fails. Outside a
    transaction (management commands, which run as the owner role) the plain lookup works.

    A subclass rather than ModelBackend itself also lets Django's auth.E003 check, which
    only knows ``unique=True``, report a warning (silenced in settings) instead of an error:
    uniqueness is the functional index ``users_email_ci_uniq``.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password is not None and len(password.encode()) > MAX_PASSWORD_BYTES:
            # No stored password is this long (the hasher refuses it): a failed login, at
            # the cost of any other, rather than the hasher's error for unknown users.
            password_hash_runtime_spend(password)
            return None
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None or connection.get_autocommit():
            return super().authenticate(request, username, password, **kwargs)
        with connection.cursor() as cursor:
            proof = vouch(cursor, "login", username)
            cursor.execute("SELECT users.login_lookup(%s, %s)", [username, proof])
            user_id = cursor.fetchone()[0]
        identity = getattr(request, "db_identity", {})
        db_identity_set(user_id=user_id, **identity)
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            db_identity_set(**identity)
        return user
