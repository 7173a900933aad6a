"""The signed-in user."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from pika.api.errors import errors
from pika.api.views import ApiView
from users.models import User


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "role", "is_staff"]


class MeView(ApiView):
    """Who the request acts for."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses={200: MeSerializer, **errors(401)})
    def get(self, request):
        return Response(MeSerializer(request.user).data)
