"""Geometry input never hands GDAL a spatial reference string (gis.W001 is handled here)."""

import json

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core import checks

from pika.admin import RestrictedMapWidget

POINT = {"type": "Point", "coordinates": [-3.7, 40.4]}


def test_plain_geojson_and_ewkt_are_accepted():
    widget = RestrictedMapWidget()
    assert widget.deserialize(json.dumps(POINT)).coords == (-3.7, 40.4)
    assert widget.deserialize("SRID=4326;POINT (-3.7 40.4)") == Point(-3.7, 40.4, srid=4326)


@pytest.mark.parametrize(
    "crs",
    [
        {"type": "name", "properties": {"name": "/etc/passwd"}},
        {"type": "link", "properties": {"href": "http://203.0.113.1/crs"}},
    ],
)
def test_geojson_naming_a_crs_is_refused_before_gdal_reads_it(crs):
    assert RestrictedMapWidget().deserialize(json.dumps({**POINT, "crs": crs})) is None


def test_the_gdal_warning_is_silenced_deliberately():
    assert "gis.W001" in settings.SILENCED_SYSTEM_CHECKS
    assert not [m for m in checks.run_checks() if m.id == "gis.W001" and not m.is_silenced()]


@pytest.mark.django_db
def test_the_admin_form_refuses_a_crs(admin_client):
    from tests.users.factories import UserFactory
    from users.models import Address

    address = Address.objects.create(
        user=UserFactory(), line1="a", city="Madrid", country_code="ES"
    )
    response = admin_client.post(
        f"/admin/users/address/{address.pk}/change/",
        {
            "user": address.user_id,
            "line1": "a",
            "city": "Madrid",
            "country_code": "ES",
            "location": json.dumps({**POINT, "crs": {"type": "name", "properties": {"name": "x"}}}),
        },
    )
    assert response.status_code == 200
    assert b"Invalid geometry value" in response.content
    address.refresh_from_db()
    assert address.location is None
