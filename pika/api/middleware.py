"""Under ``/api/``, every error is JSON in the one error shape, whatever ``DEBUG`` says."""

from http import HTTPStatus

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import Resolver404, get_urlconf, resolve
from rest_framework.response import Response

API_PREFIX = "/api/"
# Headers of an error that tell the client what to do next.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
# Stable codes of the errors that Django answers itself (no DRF view reached).
CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    500: "server_error",
}
DETAILS = {
    404: "No such endpoint.",
    500: "Something went wrong on our side.",
}


class ApiErrorsMiddleware:
    """Make the API answer JSON, and accept its paths with or without the trailing slash.

    DRF's views answer their own errors in the error shape (pika.api.errors); what Django
    answers before or after them does not: an unknown path (Django's debug page with
    ``DEBUG``), an exception outside DRF's handler (the debug traceback page), a bad Host
    header. Any such error response under ``/api/`` is replaced here by the error shape with
    the same status; the traceback still goes to the log (``django.request``).

    A path without its trailing slash is served as the path with it: Django would redirect a
    GET (which clients follow) and fail a POST (``RuntimeError`` with ``DEBUG``, a redirect
    that drops the body without). Place it first, so that it sees every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if not request.path_info.endswith("/") and _resolves(request.path_info + "/"):
            request.path_info += "/"
            request.path += "/"
        response = self.get_response(request)
        if response.status_code < 400 or isinstance(response, Response):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return _error_shape(response)


def _resolves(path: str) -> bool:
    try:
        resolve(path, get_urlconf())
    except Resolver404:
        return False
    return True


def _error_shape(response: HttpResponseBase) -> JsonResponse:
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    body = {
        "code": CODES.get(status, "server_error" if status >= 500 else "bad_request"),
        "detail": DETAILS.get(status, f"{phrase}."),
    }
    kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return JsonResponse(body, status=status, headers=kept)
