"""The business endpoints: active businesses listed, nearby, covering a point, one by id."""

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.test.utils import CaptureQueriesContext

from business.models import Business
from i18n.models import Translation
from tests.business.factories import BusinessFactory

pytestmark = pytest.mark.django_db

SOL = (40.4168, -3.7038)  # Madrid, Puerta del Sol
RETIRO = (40.4153, -3.6845)  # about 1.6 km east


def at(lat, lng) -> Point:
    return Point(lng, lat, srid=4326)


def square_around(lat, lng, half=0.01) -> Polygon:
    return Polygon.from_bbox((lng - half, lat - half, lng + half, lat + half))


def test_the_list_shows_active_businesses_with_their_names_in_the_language(client, languages):
    _, es = languages
    shown = BusinessFactory()
    Translation.objects.create(key=shown.business_name_key, language=es, value="Casa Pepe")
    BusinessFactory(is_active=False)
    body = client.get("/api/v1/businesses/?lang=es").json()
    assert [(b["id"], b["name"]) for b in body["results"]] == [(str(shown.pk), "Casa Pepe")]
    assert body["results"][0]["location"] == {"lat": SOL[0], "lng": SOL[1]}


def test_near_orders_by_distance_within_the_radius(client, languages):
    far = BusinessFactory(location=at(*RETIRO))
    near = BusinessFactory(location=at(*SOL))
    BusinessFactory(location=at(41.3874, 2.1686))  # Barcelona: outside any allowed radius
    body = client.get("/api/v1/businesses/?near=40.4168,-3.7038&radius=5000").json()
    assert [b["id"] for b in body["results"]] == [str(near.pk), str(far.pk)]
    assert body["results"][0]["distance_m"] == pytest.approx(0, abs=1)
    assert 1500 < body["results"][1]["distance_m"] < 1800
    small = client.get("/api/v1/businesses/?near=40.4168,-3.7038&radius=500").json()
    assert [b["id"] for b in small["results"]] == [str(near.pk)]


def test_covers_keeps_the_businesses_whose_service_area_covers_the_point(client, languages):
    covering = BusinessFactory(service_area=square_around(*SOL))
    BusinessFactory(service_area=square_around(*RETIRO, half=0.001))
    BusinessFactory(service_area=None)
    body = client.get("/api/v1/businesses/?covers=40.4168,-3.7038").json()
    assert [b["id"] for b in body["results"]] == [str(covering.pk)]


def test_covers_and_near_together_keep_both_conditions(client, languages):
    covering_far = BusinessFactory(location=at(*RETIRO), service_area=square_around(*SOL))
    BusinessFactory(location=at(*SOL), service_area=None)
    body = client.get("/api/v1/businesses/?covers=40.4168,-3.7038&near=40.4168,-3.7038").json()
    assert [b["id"] for b in body["results"]] == [str(covering_far.pk)]


def test_one_business_by_id_and_not_an_inactive_one(client, languages):
    business = BusinessFactory()
    response = client.get(f"/api/v1/businesses/{business.pk}/")
    assert (response.status_code, response.json()["id"]) == (200, str(business.pk))
    Business.objects.filter(pk=business.pk).update(is_active=False)
    hidden = client.get(f"/api/v1/businesses/{business.pk}/")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("covers=40.4", "covers"),
        ("covers=0,181", "covers"),
        ("near=nan,0", "near"),
        ("near=40,-3&radius=-1", "radius"),
        ("near=40,-3&radius=50001", "radius"),
        ("radius=100", "radius"),
        ("lang=zz", "lang"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(client, languages, query, parameter):
    response = client.get(f"/api/v1/businesses/?{query}")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [parameter]


def test_the_list_keeps_its_query_count_as_the_page_grows(client, languages):
    def queries_for(count):
        Business.objects.all().delete()
        BusinessFactory.create_batch(count)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/businesses/?page_size=50&near=40.4168,-3.7038")
        assert len(response.json()["results"]) == count
        return len(captured)

    assert queries_for(2) == queries_for(12)
