"""One error shape for the whole API, from domain errors, DRF's errors and the database's.

``{"code": "<stable_snake_case>", "detail": "<human text>", "fields": {...}}``, ``fields``
only for validation errors. Every error response rolls the request's transaction back.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from pika.errors import DomainError, Invalid, refusal_from

logger = logging.getLogger("pika.api")

RETRY_AFTER_SECONDS = 2
UNAVAILABLE = {
    "code": "database_unavailable",
    "detail": "The database is unavailable; try again shortly.",
}

# DRF's exception classes → stable codes.
DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "malformed_request",
    exceptions.Throttled: "throttled",
}


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    code = serializers.CharField(help_text="Stable, snake_case: what programs compare.")
    detail = serializers.CharField(help_text="For people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Only for validation errors: the messages of each field or parameter.",
    )


def error_response(status_code: int, code: str, detail: str, fields=None, headers=None):
    """A response in the error shape."""
    body = {"code": code, "detail": detail}
    if fields:
        body["fields"] = fields
    return Response(body, status=status_code, headers=headers)


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: every error in the one shape, the transaction rolled back."""
    set_rollback()
    if isinstance(exc, DatabaseError) and (refusal := refusal_from(exc)) is not None:
        exc = refusal
    if isinstance(exc, Invalid):
        return error_response(exc.status, exc.code, exc.detail, exc.fields)
    if isinstance(exc, DomainError):
        return error_response(exc.status, exc.code, exc.detail)
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            400, "invalid", "The request has invalid fields.", _field_messages(exc.detail)
        )
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return error_response(400, "invalid", "The request has invalid fields.", fields)
    if isinstance(exc, Http404):
        return error_response(404, "not_found", "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(403, "permission_denied", "You may not do this.")
    for kind, code in DRF_CODES.items():
        if isinstance(exc, kind):
            headers = {}
            if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
                headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return error_response(exc.status_code, code, str(exc.detail), headers=headers)
    if isinstance(exc, exceptions.APIException):
        return error_response(exc.status_code, exc.default_code, str(exc.detail))
    if isinstance(exc, DatabaseError):
        return _database_error(exc)
    return None


def _database_error(exc: DatabaseError):
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or ""
    diag = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    if isinstance(exc, IntegrityError) and sqlstate == "23505":
        return error_response(
            409, "conflict", f"That would duplicate an existing row ({constraint})."
        )
    if isinstance(exc, IntegrityError) and sqlstate == "23503":
        return error_response(
            400, "invalid_reference", f"A referenced row does not exist ({constraint})."
        )
    if isinstance(exc, IntegrityError) and sqlstate == "23514":
        return error_response(400, "invalid", f"The values break a rule ({constraint}).")
    if sqlstate == "42501":
        return error_response(403, "permission_denied", "You may not do this.")
    if sqlstate == "42P01":
        logger.error("a table is missing (%s): run `manage.py migrate` on this database", exc)
        return error_response(500, "server_error", "The server is not set up correctly.")
    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("the database connection was lost: %s", exc)
        return error_response(503, **UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return None


def _field_messages(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields = {}
        for name, messages in detail.items():
            if isinstance(messages, dict):
                for inner, inner_messages in _field_messages(messages).items():
                    fields[f"{name}.{inner}"] = inner_messages
            else:
                fields[name] = [
                    str(m) for m in (messages if isinstance(messages, list) else [messages])
                ]
        return fields
    return {
        "non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    }


def errors(*codes: int) -> dict:
    """The error responses of an operation, for ``extend_schema(responses=...)``."""
    return {code: ErrorSerializer for code in codes}
