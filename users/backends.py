"""Authentication by email, case-insensitively."""

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Django's model backend; ``UserManager.get_by_natural_key`` matches lower(email).

    A subclass rather than ModelBackend itself so that Django's auth.E003 check, which
    only knows ``unique=True``, reports a warning (silenced in settings) instead of an
    error: the uniqueness is the database's functional index ``users_email_ci_uniq``.
    """
