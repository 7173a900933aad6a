"""Each request runs in one transaction, as the application role, on behalf of its user."""

from django.contrib.auth import SESSION_KEY
from django.db import transaction

from pika.db.context import acting_as, db_identity_set
from pika.db.security import APPLICATION_ROLE
from pika.request_meta import client_ip, user_agent


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
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.db_identity = {
            "ip_address": client_ip(request),
            "user_agent": user_agent(request),
        }
        with acting_as(role=APPLICATION_ROLE, **request.db_identity):
            response = self.get_response(request)
            if response.status_code >= 400:
                transaction.set_rollback(True)
            if response.streaming and not getattr(response, "is_async", False):
                response.streaming_content = self._streamed(request, response.streaming_content)
            return response

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
