"""Each request runs in one transaction, as the application role, on behalf of its user."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import JsonResponse

from pika.api.errors import RETRY_AFTER_SECONDS
from pika.db.context import acting_as, db_identity_set
from pika.db.errors import connection_lost
from pika.db.security import APPLICATION_ROLE
from pika.request_meta import client_ip, user_agent

# Attempts at a request whose database connection broke, and the pause before each retry.
CONNECTION_ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 0.05
# Repeating these is harmless even when a lost COMMIT may have gone through.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class DatabaseContextMiddleware:
    """Wrap the request in a transaction as ``application_role`` with its user's identity.

    Place it before SessionMiddleware: sessions, authentication, views and the session save
    then all run inside the transaction, under row level security. The database sees a user
    only once Django has verified them: the session's user is vouched for just long enough
    for Django to load that user's row and check the session hash and ``is_active``, and the
    identity is then set to the verified user or to nobody. Staff are no exception: their
    wider access comes from policies that follow their Django permissions.

    A response with status 400 or more rolls the transaction back, so a view that wrote and
    then failed leaves nothing behind; a streamed body runs in a transaction of its own with
    the same identity.

    A request whose connection breaks is run again on a new connection, up to
    ``CONNECTION_ATTEMPTS`` times, then answered 503 with ``Retry-After``. A break inside
    the transaction committed nothing, so any request is retried; a break at BEGIN or
    COMMIT is retried only for safe methods, since the COMMIT may have gone through.
    Requests with a body too big to keep in memory (uploads) are not retried.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.db_identity = {
            "ip_address": client_ip(request),
            "user_agent": user_agent(request),
        }
        attempts = CONNECTION_ATTEMPTS if _body_kept(request) else 1
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                time.sleep(RETRY_PAUSE_SECONDS * attempt)
            try:
                response, lost = self._respond(request)
            except (OperationalError, InterfaceError) as error:
                if not connection_lost(error):
                    raise
                connection.close()
                if request.method not in SAFE_METHODS or attempt == attempts:
                    return unavailable()
                continue
            if not lost:
                return response
            connection.close()
        return unavailable()

    def _respond(self, request):
        """The response, and whether the connection broke while making it."""
        with acting_as(role=APPLICATION_ROLE, **request.db_identity):
            response = self.get_response(request)
            if _connection_broken():
                transaction.set_rollback(True)
                return response, True
            if response.status_code >= 400:
                transaction.set_rollback(True)
            if response.streaming and not getattr(response, "is_async", False):
                response.streaming_content = self._streamed(request, response.streaming_content)
        return response, False

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Vouch for the session's user once Django has verified them, else for nobody."""
        session_user = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if session_user is None or not hasattr(request, "user"):
            return None
        db_identity_set(user_id=session_user, **request.db_identity)
        user = request.user  # loads the user, checks the session hash and is_active
        db_identity_set(user_id=user.pk if user.is_authenticated else None, **request.db_identity)
        return None

    @staticmethod
    def _streamed(request, content):
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        with acting_as(role=APPLICATION_ROLE, user_id=user_id, **request.db_identity):
            yield from content


def _connection_broken() -> bool:
    """Whether the server side of the open connection is gone (not merely in error)."""
    raw = connection.connection
    return raw is not None and raw.broken


def _body_kept(request) -> bool:
    """Read a small body into memory so that a retry can parse it again."""
    if request.method in SAFE_METHODS:
        return True
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.content_type == "multipart/form-data" or (limit is not None and length > limit):
        return False
    request.body  # noqa: B018 - cached on the request for every attempt
    return True


def unavailable():
    """503 with ``Retry-After``, in the API's error shape."""
    return JsonResponse(
        {
            "code": "database_unavailable",
            "detail": "The database is unavailable; try again shortly.",
        },
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
