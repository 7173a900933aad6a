"""Admin helpers shared by every schema's data explorer."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.forms import OSMWidget
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.http import Http404
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

from pika.db.bounded import WGS84

# Below this many rows (by the planner's estimate) the admin counts exactly.
EXACT_COUNT_BELOW = 10_000
# From this offset on, a page reads its keys first and its rows after (see `page`).
KEYS_FIRST_FROM = 1_000


def planner_row_estimate(queryset) -> int:
    """The number of rows the planner expects ``queryset`` to return (no rows are read)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly when the result is small, else trusts the planner's estimate.

    Django's paginator runs ``COUNT(*)`` on every changelist page, which reads the whole
    filtered table: seconds on a table of millions. Past ``EXACT_COUNT_BELOW`` rows the page
    count is approximate, which paging through a big table does not need to be exact.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, models.QuerySet):
            return super().count
        estimate = planner_row_estimate(queryset.order_by())
        return super().count if estimate < EXACT_COUNT_BELOW else estimate

    def page(self, number):
        """A deep page reads the keys of its rows first, then only those rows.

        A changelist row carries subqueries (a text in the default language, a voucher's
        redemptions) that PostgreSQL computes for every row an ``OFFSET`` skips when the
        order comes from an index: 20,000 times each on page 200. Selecting the keys alone
        skips the rows cheaply; the page's own query then computes them for its rows only.
        """
        queryset = self.object_list
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not isinstance(queryset, models.QuerySet) or bottom < KEYS_FIRST_FROM:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        return self._get_page(queryset.filter(pk__in=keys), number, self)


def indexed_distinct_values(model: type[models.Model], column: str, limit: int = 200) -> list:
    """The distinct non-null values of an indexed column, read by skipping through its index.

    ``SELECT DISTINCT`` reads every row; this recursive query asks the index for the next
    value above the last one, once per distinct value (a loose index scan).
    """
    table = model._meta.db_table
    quoted = connections["default"].ops.quote_name(column)
    sql = f"""
        WITH RECURSIVE found(value, n) AS (
            (SELECT {quoted}, 1 FROM {table} WHERE {quoted} IS NOT NULL
             ORDER BY {quoted} LIMIT 1)
            UNION ALL
            SELECT (SELECT {quoted} FROM {table} WHERE {quoted} > found.value
                    ORDER BY {quoted} LIMIT 1), n + 1
            FROM found WHERE found.value IS NOT NULL AND n < %s
        )
        SELECT value FROM found WHERE value IS NOT NULL
    """
    with connections[model._default_manager.db].cursor() as cursor:
        cursor.execute(sql, [limit])
        return [row[0] for row in cursor.fetchall()]


def indexed_values_filter(column: str, title: str | None = None):
    """A changelist filter on ``column``'s values, listed through its index (see
    `indexed_distinct_values`) instead of Django's ``SELECT DISTINCT`` over the table."""

    class IndexedValuesFilter(admin.SimpleListFilter):
        parameter_name = column

        def lookups(self, request, model_admin):
            values = indexed_distinct_values(model_admin.model, column)
            return [(value, value) for value in values]

        def queryset(self, request, queryset):
            return queryset.filter(**{column: self.value()}) if self.value() else queryset

    IndexedValuesFilter.title = title or column.replace("_", " ")
    return IndexedValuesFilter


class ExactSearchMixin:
    """A search box for exact values that an index finds (a substring search, Django's
    default, reads every row of a big table). ``exact_search`` says which column or columns
    the stripped, non-empty term is matched against."""

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (self.exact_search(queryset, term) if term else queryset), False

    def exact_search(self, queryset, term: str):
        raise NotImplementedError


class LargeTableMixin:
    """Changelists that stay fast on big tables: no exact count of millions of rows."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False


def _object_id_or_404(model: type[models.Model], object_id: str) -> None:
    """Raise Http404 when ``object_id`` (as quoted in an admin URL) cannot be a primary key."""
    try:
        model._meta.pk.to_python(unquote(object_id))
    except ValidationError:
        raise Http404(f"No {model._meta.verbose_name} has the id {object_id!r}.") from None


class ObjectIdNotFoundMixin:
    """Answer 404 to an admin URL whose object id the primary key cannot hold.

    Django's history view hands it to the query (a ValidationError, so a 500) and its change
    and delete views redirect to the index as if the object had been deleted.
    """

    def change_view(self, request, object_id, form_url="", extra_context=None):
        _object_id_or_404(self.model, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        _object_id_or_404(self.model, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        _object_id_or_404(self.model, object_id)
        return super().history_view(request, object_id, extra_context)


class HistoryAdmin(LargeTableMixin, ObjectIdNotFoundMixin, SimpleHistoryAdmin):
    """simple-history's admin, answering 404 to malformed object and version ids."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _object_id_or_404(self.model, object_id)
        _object_id_or_404(self.model.history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(LargeTableMixin, ObjectIdNotFoundMixin, admin.ModelAdmin):
    """For evidence and derived data (logs, events, views): look, never touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RestrictedMapWidget(OSMWidget):
    """The admin map widget, refusing GeoJSON that names a coordinate reference system.

    GDAL before 3.9 (Debian 12 ships 3.6) cannot stop a spatial reference string from
    reading files or the network, and GeoJSON's ``crs`` member is such a string. Pika's
    geometries are WGS 84 (SRID 4326) only, so input naming any CRS is refused before GDAL
    sees it; WKT and EWKT (an integer SRID) are parsed by GEOS alone.

    Input without an SRID is WGS 84 too: Django's widget reads it in the map's projection
    (EPSG:3857, metres), so ``POINT (-3.7 40.4)`` became a point off the coast of Africa.
    The map itself works in EPSG:4326 (see its template), so what it sends is WGS 84 as well.
    """

    map_srid = WGS84
    template_name = "pika/wgs84_osm_widget.html"

    @property
    def media(self):
        """OpenLayers from our static files, never from a CDN: the admin works offline."""
        return forms.Media(
            css={"all": ["pika/vendor/ol/ol.css", "gis/css/ol3.css"]},
            js=["pika/vendor/ol/ol.js", "gis/js/OLMapWidget.js"],
        )

    def get_context(self, name, value, attrs):
        """Django's context, and the tile server of the base map if one is configured."""
        context = super().get_context(name, value, attrs)
        context["tiles_url"] = settings.ADMIN_MAP_TILES_URL
        return context

    def deserialize(self, value):
        if isinstance(value, str) and value.lstrip().startswith("{"):
            try:
                parsed = json.loads(value)
            except ValueError:
                return None
            if _names_a_crs(parsed):
                return None
        return super().deserialize(value)


def _names_a_crs(node) -> bool:
    if isinstance(node, dict):
        return "crs" in node or any(_names_a_crs(value) for value in node.values())
    if isinstance(node, list):
        return any(_names_a_crs(value) for value in node)
    return False


class MapAdmin(LargeTableMixin, ObjectIdNotFoundMixin, GISModelAdmin):
    """GeoDjango's admin with the restricted map widget (see `RestrictedMapWidget`)."""

    gis_widget = RestrictedMapWidget
