"""``/api/``: the OpenAPI schema and its interactive docs; path converters of the API."""

from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from pika.api.params import AnyUuidConverter

register_converter(AnyUuidConverter, "anyuuid")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
