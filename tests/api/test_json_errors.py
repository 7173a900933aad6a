"""Under /api/, every answer is JSON in the one error shape, with DEBUG on or off.

With DEBUG on (the default of `make run`), Django answers an unknown path with its HTML debug
page and a POST without the trailing slash with an HTML 500 (APPEND_SLASH cannot redirect a
body); pika.api.middleware makes both, and any other error Django answers itself, JSON.
"""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from pika.urls import urlpatterns as project_urls

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a bug outside DRF's exception handler")


def html_error(request):
    return HttpResponse("<h1>Gone</h1>", status=410)


urlpatterns = [
    path("api/test/", include([path("boom/", boom), path("gone/", html_error)])),
    *project_urls,
]


@pytest.fixture(params=[True, False], ids=["debug", "no-debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def assert_error_shape(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["detail"]


def test_an_unknown_api_path_is_a_json_404(debug, client):
    assert_error_shape(client.get("/api/v1/nope/"), 404, "not_found")
    assert_error_shape(client.get("/api/nope"), 404, "not_found")


def test_an_api_path_without_its_trailing_slash_is_served_as_with_it(debug, client):
    listed = client.get("/api/v1/languages")
    created = client.post("/api/v1/vouchers", {}, content_type="application/json")

    assert listed.status_code == 200 and listed.json() == client.get("/api/v1/languages/").json()
    # The POST reached the view, which asks for a login: not a 500, not a redirect.
    assert_error_shape(created, 401, "not_authenticated")


def test_a_method_not_allowed_is_a_json_405_naming_the_allowed_ones(debug, client):
    response = client.delete("/api/v1/languages/")

    assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_an_error_outside_drf_is_json_and_its_traceback_goes_to_the_log(debug, settings, caplog):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)

    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get("/api/test/boom/")

    assert_error_shape(response, 500, "server_error")
    assert "a bug outside DRF" not in response.content.decode()
    assert any(record.exc_info for record in caplog.records)


def test_an_html_error_of_a_plain_view_under_the_api_becomes_json(debug, settings, client):
    settings.ROOT_URLCONF = __name__

    assert_error_shape(client.get("/api/test/gone/"), 410, "bad_request")


def test_pages_outside_the_api_keep_django_s_html_errors(debug, client):
    response = client.get("/admin-nope/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
