"""Probe views for the tests: what the database thinks of the current request."""

from django.contrib import admin
from django.db import connection, connections
from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

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


def backend_terminate(victim) -> None:
    """Terminate ``victim``'s server process from another session, as a failover would."""
    with victim.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        killer.close()


class LoseConnection(APIView):
    """Renames the user, then kills its own connection on the first ``?times=`` attempts.

    The request object is the same across the middleware's retries, so it counts them.
    """

    def _attempt(self, request):
        django_request = request._request
        django_request.attempts = getattr(django_request, "attempts", 0) + 1
        attempt = django_request.attempts
        if request.user.is_authenticated:
            User.objects.filter(pk=request.user.pk).update(first_name=f"attempt {attempt}")
        if attempt <= int(request.query_params.get("times", "0")):
            backend_terminate(connection)
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        return Response({"attempts": attempt, "body": request.data or None})

    def get(self, request):
        return self._attempt(request)

    def post(self, request):
        return self._attempt(request)


urlpatterns = [
    path("api/lose-connection/", LoseConnection.as_view()),
    path("whoami/", whoami),
    path("write-then-fail/", write_then_fail),
    path("write-then-refuse/", write_then_refuse),
    path("stream/", stream),
    path("admin/", admin.site.urls),
]
