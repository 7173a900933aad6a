"""Pika's URL configuration: the admin (the data explorer) and the REST API."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults

from pika.api.urls import urlpatterns as api_urls
from pika.api.urls import v1

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(v1)),
    path("api/", include(api_urls)),
]


def not_found(request, exception):
    """Under /api/, a 404 in the API's error shape; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "No such endpoint."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Under /api/, a 500 in the API's error shape (the traceback goes to the log only)."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "server_error", "detail": "Something went wrong on our side."}, status=500
        )
    return defaults.server_error(request)


handler404 = not_found
handler500 = server_error
