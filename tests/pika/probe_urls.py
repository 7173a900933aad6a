"""A probe view for the tests: what the database thinks of the current request."""

from django.contrib import admin
from django.db import connection
from django.http import JsonResponse
from django.urls import path


def whoami(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('app.user_id', true), current_user, pg_backend_pid(),"
            " (SELECT count(*) FROM users.users)"
        )
        user_id, role, backend, visible_users = cursor.fetchone()
    return JsonResponse(
        {"user_id": user_id, "role": role, "backend": backend, "visible_users": visible_users}
    )


urlpatterns = [path("whoami/", whoami), path("admin/", admin.site.urls)]
