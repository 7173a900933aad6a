"""The category tree, for browsing."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from catalog.selectors import categories_active
from i18n.api.language import requested_language
from i18n.selectors import texts_resolve
from pika.api import params
from pika.api.errors import errors
from pika.api.views import ApiView


class CategorySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.CharField()
    parent = serializers.UUIDField(source="parent_id", allow_null=True)
    name = serializers.SerializerMethodField()

    def get_name(self, category) -> str:
        return self.context["texts"].get(category.name_key, category.name_key)


class CategoryListView(ApiView):
    """Active categories, in their order (a short list: not paginated)."""

    authentication_classes = ()
    permission_classes = ()

    @extend_schema(
        parameters=[params.LANG],
        responses={200: CategorySerializer(many=True), **errors(400)},
    )
    def get(self, request):
        categories = list(categories_active())
        texts = texts_resolve(
            keys=[c.name_key for c in categories], language_code=requested_language(request).code
        )
        return Response(CategorySerializer(categories, many=True, context={"texts": texts}).data)
