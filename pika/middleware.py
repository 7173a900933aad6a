"""Each request runs in one transaction, as the application role, on behalf of its user."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY

from pika.db.context import acting_as, db_identity_set, db_role_set
from pika.db.security import APPLICATION_ROLE, STAFF_ROLE
from pika.request_meta import client_ip, user_agent


def _client_ip(request) -> str | None:
    return client_ip(request)


class DatabaseContextMiddleware:
    """Wrap the request in a transaction as ``application_role`` with its user's identity.

    Place it before SessionMiddleware: sessions, authentication, views and the session save
    then all run inside the transaction, under row level security. The user id comes from
    the session before Django loads the user, so that the user's own row is visible. Staff
    on the admin site switch to ``pika_staff``, the explicit bypass role.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        identity = {
            "ip_address": _client_ip(request),
            "user_agent": user_agent(request),
        }
        request.db_identity = identity
        with acting_as(role=APPLICATION_ROLE, **identity):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Set the session's user; staff on the admin site run as the bypass role."""
        user_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        db_identity_set(user_id=user_id, **request.db_identity)
        if request.path.startswith(settings.ADMIN_URL_PREFIX) and request.user.is_staff:
            db_role_set(STAFF_ROLE)
        return None
