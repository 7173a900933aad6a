"""Reads of the marketplace: live vouchers, near a point, by text; redemptions."""

from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import (
    BooleanField,
    Count,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from business.models import Business
from i18n.models import Language

from .models import Redemption, RedemptionStatus, SavedVoucher, Voucher, VoucherRedemptionSlice

# The most a nearby search may reach, in metres (the API refuses more), and its default.
MAX_RADIUS_M = 50_000
DEFAULT_RADIUS_M = 5_000


def is_live(prefix: str = "") -> Func:
    """The one definition of a live voucher (published, inside its window), as an expression.

    It calls the SQL function ``marketplace.voucher_is_live``, which the planner inlines, so
    the same rule holds in redemption (SQL), in every selector and in the API. ``prefix``
    reaches a voucher through a relation (``"voucher__"``).
    """
    return Func(
        F(f"{prefix}state"),
        F(f"{prefix}valid_from"),
        F(f"{prefix}expires_at"),
        function="marketplace.voucher_is_live",
        output_field=BooleanField(),
    )


def voucher_list(*, include_unlisted: bool = False) -> QuerySet[Voucher]:
    """Vouchers with their business; only live vouchers of active businesses by default.

    With ``include_unlisted`` every voucher row level security lets the acting user see
    (staff tools, a business's own drafts).
    """
    queryset = Voucher.objects.select_related("business")
    if include_unlisted:
        return queryset
    return queryset.filter(is_live(), business__is_active=True)


def geography_point(*, lat: float, lng: float) -> Point:
    """A WGS 84 point (longitude first, as PostGIS wants it)."""
    return Point(lng, lat, srid=4326)


def geography_value(point: Point) -> Value:
    """``point`` as a geography parameter of a query."""
    return Value(point, output_field=PointField(geography=True, srid=4326))


class KNNDistance(Func):
    """``a <-> b``: the distance the GiST index orders by (nearest first, no full sort)."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def nearest_first(queryset: QuerySet, *, location: str, point: Point) -> QuerySet:
    """``queryset`` ordered by the distance of ``location`` from ``point``, then by id, with
    ``knn_position``: the row's place in the GiST index's nearest-first walk.

    PostgreSQL asks an index for an ordered walk only when the index can give the whole
    sort, which ``ORDER BY distance, id`` is not: it then joins every row inside the radius
    and sorts them all (about 5,700 businesses and 14,000 vouchers at 25 km around Tokyo in
    the benchmark, 80 to 190 ms). A window ordered by the distance alone is sorted first;
    the index serves that walk, the id then only orders rows at the same distance
    (an incremental sort), and the page's ``LIMIT`` stops the walk after a few businesses.
    """
    knn = KNNDistance(F(location), geography_value(point))
    return queryset.annotate(knn_position=Window(RowNumber(), order_by=knn.copy())).order_by(
        knn, "id"
    )


def vouchers_nearby(
    *,
    point: Point,
    radius_m: float,
    queryset: QuerySet[Voucher] | None = None,
    include_unlisted: bool = False,
) -> QuerySet[Voucher]:
    """Vouchers whose business is within ``radius_m`` of ``point``, nearest first.

    Each carries ``distance_m``, the geodesic distance (on the WGS 84 spheroid) in metres.
    ``ST_DWithin`` gives the GiST index a bounding box and ``<->`` lets the same index scan
    return businesses nearest first: a sparse area stops at the box, instead of walking the
    whole index as a KNN scan without a radius would.

    Both conditions apply to ``business.public_locations`` (active businesses only), which
    has no row level security: under the businesses' policies the web could not use their
    index (see `business.models.BusinessPublicLocation`). With ``include_unlisted`` (staff,
    whose ``queryset`` may hold inactive businesses' vouchers) they apply to the
    businesses' own locations instead.
    """
    queryset = voucher_list() if queryset is None else queryset
    location = "business__location" if include_unlisted else "business__public_location__location"
    near = queryset.filter(**{f"{location}__dwithin": (point, radius_m)}).annotate(
        distance_m=Distance(location, point)
    )
    return nearest_first(near, location=location, point=point)


def businesses_active() -> QuerySet[Business]:
    """The businesses the marketplace shows."""
    return Business.objects.filter(is_active=True)


def businesses_nearby(
    *, point: Point, radius_m: float, queryset: QuerySet[Business] | None = None
) -> QuerySet[Business]:
    """Active businesses within ``radius_m`` of ``point``, nearest first, with ``distance_m``.

    The conditions apply to ``business.public_locations`` (see `vouchers_nearby`), which
    holds active businesses only.
    """
    queryset = businesses_active() if queryset is None else queryset
    location = "public_location__location"
    near = queryset.filter(**{f"{location}__dwithin": (point, radius_m)}).annotate(
        distance_m=Distance(location, point)
    )
    return nearest_first(near, location=location, point=point)


def businesses_covering(
    *, point: Point, queryset: QuerySet[Business] | None = None
) -> QuerySet[Business]:
    """Active businesses whose service area covers ``point``."""
    queryset = businesses_active() if queryset is None else queryset
    return queryset.filter(service_area__covers=point)


def vouchers_search(
    *, text: str, language: Language, queryset: QuerySet[Voucher] | None = None
) -> QuerySet[Voucher]:
    """Vouchers whose title or description in ``language`` matches ``text``, best first.

    Full-text search under the language's configuration (stems, stop words), or, for a typo,
    trigram word similarity (``pg_trgm``) on the same text; each result carries ``rank``.
    Both conditions use GIN indexes of ``marketplace.voucher_search_documents``, which has no
    row level security (public, derived data): the web's queries may use them whatever a
    policy would say (the former ``true`` policy was folded away by the planner anyway).
    """
    queryset = voucher_list() if queryset is None else queryset
    query = search_query(text=text, language=language)
    # One filter() call, so that the language and the match are one join of the documents.
    return (
        queryset.filter(search_match(text=text, language=language, prefix="search_documents__"))
        .annotate(
            rank=SearchRank(F("search_documents__document"), query)
            + TrigramWordSimilarity(text, "search_documents__content")
        )
        .order_by("-rank", "id")
    )


def search_query(*, text: str, language: Language) -> SearchQuery:
    """``text`` as a web-search-style query under ``language``'s configuration."""
    return SearchQuery(text, config=language.search_config, search_type="websearch")


def search_match(*, text: str, language: Language, prefix: str = "") -> Q:
    """Search documents in ``language`` that match ``text`` by words or, for a typo, by
    trigram word similarity (a BitmapOr of the two GIN indexes)."""
    return Q(**{f"{prefix}language": language}) & (
        Q(**{f"{prefix}document": search_query(text=text, language=language)})
        | Q(**{f"{prefix}content__trigram_word_similar": text})
    )


def redemptions_of_user(*, user_id) -> QuerySet[Redemption]:
    """A user's redemptions, newest first, with their voucher and code."""
    return Redemption.objects.filter(user_id=user_id).select_related("voucher", "code")


def saved_vouchers_of_user(*, user_id) -> QuerySet[SavedVoucher]:
    """A user's saved vouchers, newest first, with the voucher and its business."""
    return SavedVoucher.objects.filter(user_id=user_id).select_related("voucher__business")


def redemption_counts_of_voucher(*, voucher_id) -> dict[str, int]:
    """How many of a voucher's redemptions are in each status (every status present)."""
    counts = dict.fromkeys(RedemptionStatus.values, 0)
    rows = (
        Redemption.objects.filter(voucher_id=voucher_id)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def redemptions_taken() -> Coalesce:
    """An expression for a voucher's live redemptions: the sum of its slices (annotate a
    voucher query with it; one index range per voucher)."""
    return Coalesce(
        Subquery(
            VoucherRedemptionSlice.objects.filter(voucher_id=OuterRef("pk"))
            .order_by()
            .values("voucher_id")
            .annotate(total=Sum("taken"))
            .values("total")
        ),
        0,
    )


def redemptions_taken_of_voucher(*, voucher_id) -> int:
    """How many live redemptions a voucher has (the sum of its slices)."""
    total = VoucherRedemptionSlice.objects.filter(voucher_id=voucher_id).aggregate(
        total=Sum("taken")
    )["total"]
    return total or 0
