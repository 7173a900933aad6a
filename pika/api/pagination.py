"""Cursor pagination: ``{"next", "previous", "results"}``, a page size the client may
lower or raise up to a cap."""

import base64
import binascii
import functools

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from pika.api.params import invalid

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@functools.cache
def page_of(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """The OpenAPI shape of one page of ``serializer_class`` items (views that are not
    generic views get no paginated schema from drf-spectacular).

    One per item class: two operations listing the same items share the component.
    """
    name = serializer_class.__name__.removesuffix("Serializer")
    return inline_serializer(
        name=f"{name}Page",
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


PAGE_PARAMETERS = [
    OpenApiParameter("cursor", str, description="From `next` or `previous` of a page."),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1},
        description=f"Results per page (default {PAGE_SIZE}; more than {MAX_PAGE_SIZE} "
        f"gives {MAX_PAGE_SIZE}).",
    ),
]


class CreatedCursorPagination(CursorPagination):
    """Keyset pagination, newest first: deep pages cost what the first does."""

    ordering = ("-created_at", "-id")
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            # DRF answers 404 to a bad cursor; it is a bad parameter.
            raise invalid("cursor", "not a cursor from this list.") from None

    def get_page_size(self, request):
        # DRF falls back to the default on a bad value; a 400 tells the client instead.
        return _page_size(request, self.page_size_query_param)


class PositionCursorPagination(BasePagination):
    """For lists ordered by an expression (distance, rank): the cursor is an opaque position.

    Same response shape as the keyset pagination; a deep page costs its offset.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = _page_size(request, self.page_size_query_param)
        self.offset = self._decode(request.query_params.get(self.cursor_query_param))
        rows = list(queryset[self.offset : self.offset + self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        return rows[: self.page_size]

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link(self.offset + self.page_size) if self.has_next else None,
                "previous": self._link(max(self.offset - self.page_size, 0))
                if self.offset
                else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return CursorPagination().get_paginated_response_schema(schema)

    def get_schema_operation_parameters(self, view):
        return CreatedCursorPagination().get_schema_operation_parameters(view)

    def _link(self, offset: int) -> str:
        url = self.request.build_absolute_uri()
        if offset == 0:
            return remove_query_param(url, self.cursor_query_param)
        token = base64.urlsafe_b64encode(f"o={offset}".encode()).decode()
        return replace_query_param(url, self.cursor_query_param, token)

    def _decode(self, token: str | None) -> int:
        if not token:
            return 0
        try:
            kind, _, value = base64.urlsafe_b64decode(token.encode()).decode().partition("=")
            offset = int(value) if kind == "o" else -1
        except (binascii.Error, UnicodeDecodeError, ValueError):
            offset = -1
        if offset < 0:
            raise invalid("cursor", "not a cursor from this list.")
        return offset


def _page_size(request, name: str) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if size < 1:
        raise invalid(name, "a positive whole number.")
    return min(size, MAX_PAGE_SIZE)
