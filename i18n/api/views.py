"""Languages, for clients choosing one."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from i18n.models import Language
from i18n.selectors import languages_active
from pika.api.views import ApiView


class LanguageSerializer(serializers.ModelSerializer):
    fallback = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Language
        fields = ["code", "name", "native_name", "is_default", "fallback"]


class LanguageListView(ApiView):
    """The active languages, the default first (a short list: not paginated)."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(responses={200: LanguageSerializer(many=True)})
    def get(self, request):
        return Response(LanguageSerializer(languages_active(), many=True).data)
