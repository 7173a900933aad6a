"""The marketplace's endpoints: views parse input, call a selector or a service, shape output."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from i18n.api.language import requested_language
from i18n.selectors import texts_resolve
from marketplace import selectors, services
from marketplace.api.serializers import (
    RedeemRequestSerializer,
    RedemptionSerializer,
    SaveRequestSerializer,
    VoucherSerializer,
    VoucherWriteSerializer,
    voucher_keys,
)
from pika.api import params
from pika.api.errors import errors
from pika.api.pagination import (
    PAGE_PARAMETERS,
    CreatedCursorPagination,
    PositionCursorPagination,
    page_of,
)
from pika.api.views import ApiView
from pika.errors import Invalid, NotFound

NEAR = {"default_radius": selectors.DEFAULT_RADIUS_M, "max_radius": selectors.MAX_RADIUS_M}

LIST_PARAMETERS = [
    *params.near_parameters(**NEAR),
    OpenApiParameter(
        "q",
        {"type": "string", "minLength": 1, "maxLength": 200},
        description="Full-text search in the language; forgives a typo.",
    ),
    params.uuid_parameter("business", "A business's id."),
    params.uuid_parameter("category", "A category's id."),
    params.LANG,
    *PAGE_PARAMETERS,
]


def render_vouchers(vouchers, language, many=True):
    """Serialize vouchers with every text of the page resolved in one query."""
    items = list(vouchers) if many else [vouchers]
    texts = texts_resolve(keys=voucher_keys(items), language_code=language.code)
    return VoucherSerializer(vouchers, many=many, context={"texts": texts}).data


def voucher_visible(request):
    """Live vouchers for everyone; staff see every voucher their permissions reach."""
    return selectors.voucher_list(include_unlisted=request.user.is_staff)


class VoucherListView(ApiView):
    """Live vouchers (nearby, searched, filtered); business staff create drafts."""

    permission_classes = (IsAuthenticatedOrReadOnly,)

    @extend_schema(
        # The detail's GET is v1_vouchers_retrieve: a list is not a retrieve.
        operation_id="v1_vouchers_list",
        parameters=LIST_PARAMETERS,
        responses={200: page_of(VoucherSerializer), **errors(400)},
    )
    def get(self, request):
        query = request.query_params
        language = requested_language(request)
        vouchers = voucher_visible(request)
        if "business" in query:
            vouchers = vouchers.filter(business_id=params.uuid_value("business", query["business"]))
        if "category" in query:
            vouchers = vouchers.filter(
                business__category_id=params.uuid_value("category", query["category"])
            )
        ordered_by_position = False
        if "q" in query:
            text = query["q"].strip()
            if not text or len(text) > 200:
                raise params.invalid("q", "give 1 to 200 characters.")
            vouchers = selectors.vouchers_search(text=text, language=language, queryset=vouchers)
            ordered_by_position = True
        if nearby := params.near(query, **NEAR):
            centre, radius = nearby
            vouchers = selectors.vouchers_nearby(
                point=centre,
                radius_m=radius,
                queryset=vouchers,
                include_unlisted=request.user.is_staff,
            )
            ordered_by_position = True
        paginator = PositionCursorPagination() if ordered_by_position else CreatedCursorPagination()
        page = paginator.paginate_queryset(vouchers, request, view=self)
        return paginator.get_paginated_response(render_vouchers(page, language))

    @extend_schema(
        request=VoucherWriteSerializer, responses={201: VoucherSerializer, **errors(400, 401, 403)}
    )
    def post(self, request):
        given = VoucherWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        business_id = fields.pop("business")
        texts = fields.pop("texts", {})
        voucher = services.voucher_create(business_id=business_id, texts=texts, **fields)
        voucher = selectors.voucher_list(include_unlisted=True).get(pk=voucher.pk)
        return Response(
            render_vouchers(voucher, requested_language(request), many=False),
            status=status.HTTP_201_CREATED,
        )


def voucher_or_404(request, voucher_id, *, include_unlisted=None):
    include = request.user.is_staff if include_unlisted is None else include_unlisted
    voucher = selectors.voucher_list(include_unlisted=include).filter(pk=voucher_id).first()
    if voucher is None:
        raise NotFound("not_found", "No such voucher.")
    return voucher


class VoucherDetailView(ApiView):
    """One voucher; its business's staff change it."""

    permission_classes = (IsAuthenticatedOrReadOnly,)

    @extend_schema(
        parameters=[params.LANG],
        responses={200: VoucherSerializer, **errors(400, 404)},
    )
    def get(self, request, voucher_id):
        voucher = voucher_or_404(request, voucher_id)
        return Response(render_vouchers(voucher, requested_language(request), many=False))

    @extend_schema(
        request=VoucherWriteSerializer,
        responses={200: VoucherSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request, voucher_id):
        given = VoucherWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        if "business" in fields:
            raise Invalid("invalid", "A voucher cannot move.", {"business": ["Read-only."]})
        texts = fields.pop("texts", None)
        voucher_or_404(request, voucher_id, include_unlisted=True)
        services.voucher_update(voucher_id=voucher_id, texts=texts, **fields)
        voucher = voucher_or_404(request, voucher_id, include_unlisted=True)
        return Response(render_vouchers(voucher, requested_language(request), many=False))


class VoucherActionView(ApiView):
    """publish, pause or archive (``action`` in the URL)."""

    permission_classes = (IsAuthenticated,)
    action = ""

    @extend_schema(
        request=None, responses={200: VoucherSerializer, **errors(400, 401, 403, 404, 409)}
    )
    def post(self, request, voucher_id):
        voucher_or_404(request, voucher_id, include_unlisted=True)
        services.voucher_transition(voucher_id=voucher_id, action=self.action)
        voucher = voucher_or_404(request, voucher_id, include_unlisted=True)
        return Response(render_vouchers(voucher, requested_language(request), many=False))


class VoucherRedeemView(ApiView):
    """Redeem a voucher (optionally one of its codes) once per ``Idempotency-Key``."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        request=RedeemRequestSerializer,
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True)
        ],
        responses={
            201: RedemptionSerializer,
            200: RedemptionSerializer,
            **errors(400, 401, 404, 409),
        },
    )
    def post(self, request, voucher_id):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not 1 <= len(key) <= 255:
            raise params.invalid("Idempotency-Key", "a header of 1 to 255 characters is required.")
        given = RedeemRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        result = services.voucher_redeem(
            voucher_id=voucher_id,
            idempotency_key=key,
            code=given.validated_data.get("code") or None,
        )
        return Response(
            RedemptionSerializer(result.redemption).data,
            status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED,
        )


class RedemptionReverseView(ApiView):
    """Reverse a redemption (the business's staff)."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        request=None, responses={200: RedemptionSerializer, **errors(400, 401, 403, 404, 409)}
    )
    def post(self, request, redemption_id):
        redemption = services.redemption_reverse(redemption_id=redemption_id)
        return Response(RedemptionSerializer(redemption).data)


class RedeemedCursorPagination(CreatedCursorPagination):
    """Newest redemption first, along ``redemptions_user_time_idx``."""

    ordering = ("-redeemed_at", "-id")


class MyRedemptionsView(ApiView):
    """The signed-in user's redemptions, newest first."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        parameters=PAGE_PARAMETERS,
        responses={200: page_of(RedemptionSerializer), **errors(400, 401)},
    )
    def get(self, request):
        paginator = RedeemedCursorPagination()
        page = paginator.paginate_queryset(
            selectors.redemptions_of_user(user_id=request.user.pk), request, view=self
        )
        return paginator.get_paginated_response(RedemptionSerializer(page, many=True).data)


class MySavedVouchersView(ApiView):
    """The signed-in user's saved vouchers; POST saves one."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        parameters=[params.LANG, *PAGE_PARAMETERS],
        responses={200: page_of(VoucherSerializer), **errors(400, 401)},
    )
    def get(self, request):
        language = requested_language(request)
        paginator = CreatedCursorPagination()
        saved = paginator.paginate_queryset(
            selectors.saved_vouchers_of_user(user_id=request.user.pk), request, view=self
        )
        return paginator.get_paginated_response(
            render_vouchers([item.voucher for item in saved], language)
        )

    @extend_schema(
        request=SaveRequestSerializer,
        responses={201: VoucherSerializer, 200: VoucherSerializer, **errors(400, 401, 404)},
        description="201 when this saves the voucher, 200 when it was already saved.",
    )
    def post(self, request):
        given = SaveRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        saved, created = services.voucher_save(
            user_id=request.user.pk, voucher_id=given.validated_data["voucher"]
        )
        voucher = voucher_or_404(request, saved.voucher_id)
        return Response(
            render_vouchers(voucher, requested_language(request), many=False),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MySavedVoucherView(ApiView):
    """Unsave a voucher."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(responses={204: None, **errors(400, 401, 404)})
    def delete(self, request, voucher_id):
        services.voucher_unsave(user_id=request.user.pk, voucher_id=voucher_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
