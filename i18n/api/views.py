"""Languages, for clients choosing one."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from i18n.models import Language


class LanguageSerializer(serializers.ModelSerializer):
    fallback = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Language
        fields = ["code", "name", "native_name", "is_default", "fallback"]


class LanguageListView(APIView):
    """The active languages, the default first (a short list: not paginated)."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(responses={200: LanguageSerializer(many=True)})
    def get(self, request):
        languages = Language.objects.filter(is_active=True).select_related("fallback")
        return Response(
            LanguageSerializer(languages.order_by("-is_default", "code"), many=True).data
        )
