"""Pika's URL configuration: the admin (the data explorer) and the REST API."""

from django.contrib import admin
from django.urls import include, path

from pika.api.urls import urlpatterns as api_urls
from pika.api.urls import v1

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(v1)),
    path("api/", include(api_urls)),
]
