"""Authentication by email, case-insensitively, under row level security."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from pika.db.context import db_identity_set
from users.hashers import MAX_PASSWORD_BYTES, password_hash_runtime_spend


class EmailBackend(ModelBackend):
    """Django's model backend, finding the user by email before anyone is logged in.

    In a request, the application role sees no user row until app.user_id names one. The
    SECURITY DEFINER function users.login_lookup returns the id for an email (and nothing
    else); the backend sets it as the acting user for the password check and clears it again
    when the check fails. Outside a transaction (management commands, which run as the owner
    role) the plain lookup works as it is.

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
            cursor.execute("SELECT users.login_lookup(%s)", [username])
            user_id = cursor.fetchone()[0]
        identity = getattr(request, "db_identity", {})
        db_identity_set(user_id=user_id, **identity)
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            db_identity_set(**identity)
        return user
