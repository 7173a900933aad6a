"""Businesses: listed, nearby, covering a point."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from i18n.api.language import requested_language
from i18n.selectors import texts_resolve
from marketplace import selectors
from marketplace.api.serializers import LocationSerializer
from marketplace.api.views import NEAR
from pika.api import params
from pika.api.errors import errors
from pika.api.pagination import (
    PAGE_PARAMETERS,
    CreatedCursorPagination,
    PositionCursorPagination,
    page_of,
)
from pika.api.views import ApiView
from pika.errors import NotFound


class BusinessSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    category = serializers.UUIDField(source="category_id")
    location = serializers.SerializerMethodField()
    verification_status = serializers.CharField()
    distance_m = serializers.SerializerMethodField()

    def get_name(self, business) -> str:
        return self.context["texts"].get(business.business_name_key, business.business_name_key)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_description(self, business):
        key = business.business_description_key
        return self.context["texts"].get(key, key) if key else None

    @extend_schema_field(LocationSerializer(allow_null=True))
    def get_location(self, business):
        location = business.location
        return {"lat": location.y, "lng": location.x} if location else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_m(self, business):
        distance = getattr(business, "distance_m", None)
        return round(distance.m, 1) if distance is not None else None


def render_businesses(businesses, language, many=True):
    items = list(businesses) if many else [businesses]
    keys = [b.business_name_key for b in items] + [
        b.business_description_key for b in items if b.business_description_key
    ]
    texts = texts_resolve(keys=keys, language_code=language.code)
    return BusinessSerializer(businesses, many=many, context={"texts": texts}).data


class BusinessListView(ApiView):
    """Active businesses; ``near`` orders them by distance, ``covers`` keeps those whose
    service area covers the point."""

    @extend_schema(
        # The detail's GET is v1_businesses_retrieve: a list is not a retrieve.
        operation_id="v1_businesses_list",
        parameters=[
            *params.near_parameters(**NEAR),
            params.point_parameter("covers", "`<lat>,<lng>`: service area covers it."),
            params.LANG,
            *PAGE_PARAMETERS,
        ],
        responses={200: page_of(BusinessSerializer), **errors(400)},
    )
    def get(self, request):
        query = request.query_params
        language = requested_language(request)
        businesses = selectors.businesses_active()
        paginator = CreatedCursorPagination()
        if "covers" in query:
            covered = params.point("covers", query["covers"])
            businesses = selectors.businesses_covering(point=covered, queryset=businesses)
        if nearby := params.near(query, **NEAR):
            centre, radius = nearby
            businesses = selectors.businesses_nearby(
                point=centre, radius_m=radius, queryset=businesses
            )
            paginator = PositionCursorPagination()
        page = paginator.paginate_queryset(businesses, request, view=self)
        return paginator.get_paginated_response(render_businesses(page, language))


class BusinessDetailView(ApiView):
    """One active business."""

    @extend_schema(
        parameters=[params.LANG],
        responses={200: BusinessSerializer, **errors(400, 404)},
    )
    def get(self, request, business_id):
        business = selectors.businesses_active().filter(pk=business_id).first()
        if business is None:
            raise NotFound("not_found", "No such business.")
        return Response(render_businesses(business, requested_language(request), many=False))
