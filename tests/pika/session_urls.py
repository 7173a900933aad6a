"""Probe views for the session tests: Django's own login and logout, and what a request sees."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.urls import path


def me(request):
    """Who Django authenticated, what the session holds, and the database's acting user."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.user_id', true), current_user")
        db_user_id, role = cursor.fetchone()
    return JsonResponse(
        {
            "authenticated": request.user.is_authenticated,
            "user_id": str(request.user.pk) if request.user.is_authenticated else None,
            "visits": request.session.get("visits", 0),
            "db_user_id": db_user_id,
            "role": role,
        }
    )


def visit(request):
    """Count visits in the session, so that each request saves a changed session."""
    request.session["visits"] = request.session.get("visits", 0) + 1
    return me(request)


urlpatterns = [
    path("me/", me),
    path("visit/", visit),
    path("login/", auth_views.LoginView.as_view(next_page="/me/")),
    path("logout/", auth_views.LogoutView.as_view(next_page="/me/")),
    path("admin/", admin.site.urls),
]
