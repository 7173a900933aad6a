"""Bearer tokens for the API, verified before the database acts for anyone."""

from django.contrib.auth import get_user_model
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from identity.selectors import api_token_session_id, api_token_user_id
from pika.db.context import db_identity_set


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``: an API session (``identity.sessions``).

    The token's hash finds its user through ``identity.api_token_user`` (the request acts
    for nobody until then); the database is then vouched for that user, as the session
    middleware does for a browser session. ``request.auth`` is the session's id.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header is malformed.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is malformed.") from None
        user_id = api_token_user_id(token)
        if user_id is None:
            raise exceptions.AuthenticationFailed("The token is invalid, expired or revoked.")
        identity = getattr(request._request, "db_identity", {})
        db_identity_set(user_id=user_id, **identity)
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            db_identity_set(**identity)
            raise exceptions.AuthenticationFailed("The token is invalid, expired or revoked.")
        return user, api_token_session_id(token)

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The bearer scheme in the OpenAPI schema, so that clients send the header."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
