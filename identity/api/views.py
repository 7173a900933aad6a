"""API tokens: sign in with email and password, sign out."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from identity.api.authentication import BearerTokenAuthentication
from identity.services import api_token_issue, api_token_revoke
from pika.api.errors import errors
from pika.api.views import ApiView
from pika.errors import DomainError, Unauthenticated


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Bearer <token>`.")
    expires_at = serializers.DateTimeField()


class TokenCreateView(ApiView):
    """Exchange an email and a password for a bearer token."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        request=TokenRequestSerializer, responses={201: TokenSerializer, **errors(400, 401)}
    )
    def post(self, request):
        given = TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            email=given.validated_data["email"],
            password=given.validated_data["password"],
        )
        if user is None:
            raise Unauthenticated("invalid_credentials", "The email or the password is wrong.")
        meta = request._request.db_identity
        issued = api_token_issue(
            user_id=user.pk, ip_address=meta["ip_address"], user_agent=meta["user_agent"]
        )
        return Response(
            {"token": issued.token, "expires_at": issued.session.expires_at},
            status=status.HTTP_201_CREATED,
        )


class TokenCurrentView(ApiView):
    """Revoke the token this request was made with."""

    authentication_classes = (BearerTokenAuthentication,)
    permission_classes = (IsAuthenticated,)

    @extend_schema(responses={204: None, **errors(401, 409)})
    def delete(self, request):
        if request.auth is None:
            raise DomainError("not_a_token", "This request was not made with a bearer token.")
        api_token_revoke(session_id=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
