"""Nearby: live vouchers of active businesses within a radius, nearest first, in metres."""

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from geographiclib.geodesic import Geodesic

from marketplace.models import VoucherState
from marketplace.selectors import (
    businesses_covering,
    businesses_nearby,
    geography_point,
    voucher_list,
    vouchers_nearby,
)
from tests.business.factories import BusinessFactory
from tests.marketplace.factories import VoucherFactory

pytestmark = pytest.mark.django_db

PUERTA_DEL_SOL = {"lat": 40.416775, "lng": -3.703790}
# (name, lat, lng): from 300 m to 25 km from the Puerta del Sol.
PLACES = [
    ("plaza-mayor", 40.415363, -3.707398),
    ("retiro", 40.415260, -3.684416),
    ("bernabeu", 40.453054, -3.688344),
    ("barajas", 40.498332, -3.567598),
    ("alcala", 40.481979, -3.364472),
]


def geodesic_metres(lat, lng, other_lat, other_lng) -> float:
    """The WGS 84 geodesic distance, computed without PostGIS (Karney's algorithm)."""
    return Geodesic.WGS84.Inverse(lat, lng, other_lat, other_lng)["s12"]


@pytest.fixture
def madrid():
    businesses = {
        name: BusinessFactory(location=Point(lng, lat, srid=4326)) for name, lat, lng in PLACES
    }
    return {name: VoucherFactory(business=business) for name, business in businesses.items()}


def test_nearest_first_with_geodesic_distances_that_match_an_independent_computation(madrid):
    point = geography_point(**PUERTA_DEL_SOL)
    found = list(vouchers_nearby(point=point, radius_m=20_000))
    names = {voucher.pk: name for name, voucher in madrid.items()}
    assert [names[v.pk] for v in found] == ["plaza-mayor", "retiro", "bernabeu", "barajas"]
    for voucher in found:
        expected = geodesic_metres(
            PUERTA_DEL_SOL["lat"],
            PUERTA_DEL_SOL["lng"],
            voucher.business.location.y,
            voucher.business.location.x,
        )
        assert voucher.distance_m.m == pytest.approx(expected, abs=0.5)


def test_only_live_vouchers_of_active_businesses_are_near(madrid):
    madrid["plaza-mayor"].state = VoucherState.PAUSED
    madrid["plaza-mayor"].save()
    retiro = madrid["retiro"].business
    retiro.is_active = False
    retiro.save()
    found = vouchers_nearby(point=geography_point(**PUERTA_DEL_SOL), radius_m=3_500)
    assert list(found) == []


def test_staff_nearby_reaches_the_vouchers_of_inactive_businesses(madrid):
    """Staff lists hold every voucher their permissions reach: nearby keeps them."""
    hidden = VoucherFactory(business=BusinessFactory(location=Point(-3.7040, 40.4170, srid=4326)))
    hidden.business.is_active = False
    hidden.business.save()
    point = geography_point(**PUERTA_DEL_SOL)
    assert hidden not in vouchers_nearby(point=point, radius_m=1_000)
    staff = voucher_list(include_unlisted=True)
    found = vouchers_nearby(point=point, radius_m=1_000, queryset=staff, include_unlisted=True)
    assert found[0] == hidden
    assert madrid["plaza-mayor"] in found


def test_businesses_nearby_and_covering_a_point(madrid):
    point = geography_point(**PUERTA_DEL_SOL)
    nearby = list(businesses_nearby(point=point, radius_m=1_000))
    assert [b.pk for b in nearby] == [madrid["plaza-mayor"].business_id]
    centre = BusinessFactory(
        service_area=Polygon(
            ((-3.72, 40.40), (-3.68, 40.40), (-3.68, 40.43), (-3.72, 40.43), (-3.72, 40.40)),
            srid=4326,
        )
    )
    assert list(businesses_covering(point=point)) == [centre]
    assert list(businesses_covering(point=geography_point(lat=41.0, lng=2.0))) == []


def plan_of(queryset, *settings: str) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(setting)
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def many_businesses(madrid):
    """Thousands of businesses in a grid over Spain, so that the planner prefers indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO business.businesses (id, created_at, updated_at, business_name_key,"
            " category_id, owner_id, location, is_active, verification_status)"
            " SELECT gen_random_uuid(), now(), now(), 'business.grid.' || x || '.' || y || '.name',"
            " b.category_id, b.owner_id,"
            " ST_SetSRID(ST_MakePoint(-8 + x * 0.1, 37 + y * 0.1), 4326)::geography, true,"
            " 'unverified'"
            " FROM generate_series(0, 99) x, generate_series(0, 49) y,"
            " (SELECT category_id, owner_id FROM business.businesses LIMIT 1) b"
        )
        cursor.execute(
            "ANALYZE business.businesses; ANALYZE business.public_locations;"
            " ANALYZE marketplace.vouchers"
        )


def test_the_nearby_query_walks_the_gist_index_and_stops_at_the_radius(many_businesses):
    plan = plan_of(vouchers_nearby(point=geography_point(**PUERTA_DEL_SOL), radius_m=5_000)[:20])
    assert "public_locations_location_gist" in plan
    # In the open sea there is nothing: the index's bounding box ends the scan at once
    # instead of walking all 5,000 businesses nearest first.
    empty = plan_of(businesses_nearby(point=geography_point(lat=36.0, lng=-12.0), radius_m=1_000))
    assert "public_locations_location_gist" in empty
    assert "rows=0 loops=1" in empty.splitlines()[0]
    assert "Rows Removed by Filter" not in empty
