"""Probe views for the tests: what the database thinks of the current request."""

from django.contrib import admin
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.urls import path

from users.models import User


def whoami(request):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('app.user_id', true), current_user, pg_backend_pid(),"
            " (SELECT count(*) FROM users.users), security.current_user_id()"
        )
        user_id, role, backend, visible_users, vouched = cursor.fetchone()
    return JsonResponse(
        {
            "user_id": user_id,
            "role": role,
            "backend": backend,
            "visible_users": visible_users,
            "vouched": str(vouched or ""),
        }
    )


def _rename(request):
    User.objects.filter(pk=request.user.pk).update(first_name="written")


def write_then_fail(request):
    _rename(request)
    raise RuntimeError("the view failed after writing")


def write_then_refuse(request):
    _rename(request)
    return HttpResponseBadRequest("refused after writing")


def stream(request):
    def body():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, security.current_user_id()")
            role, user_id = cursor.fetchone()
        yield f"{role} {user_id or ''}"

    return StreamingHttpResponse(body())


urlpatterns = [
    path("whoami/", whoami),
    path("write-then-fail/", write_then_fail),
    path("write-then-refuse/", write_then_refuse),
    path("stream/", stream),
    path("admin/", admin.site.urls),
]
