"""Text has a declared maximum and geometries are valid WGS 84, in forms and in the database."""

import math

import pytest
from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from business.models import Business
from pika.db.bounded import BoundedTextField, WGS84GeometryMixin
from tests.business.factories import BusinessFactory
from tests.users.factories import UserFactory
from users.models import Address, UserProfile

pytestmark = pytest.mark.django_db

SELF_INTERSECTING = "SRID=4326;POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))"
BAD_GEOMETRIES_FOR_SQL = {
    "self-intersecting": ("service_area", SELF_INTERSECTING),
    "NaN": ("location", "SRID=4326;POINT (NaN NaN)"),
    "empty": ("location", "SRID=4326;POINT EMPTY"),
    "empty polygon": ("service_area", "SRID=4326;POLYGON EMPTY"),
}


def project_fields(kind: type[models.Field]) -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete field of ``kind`` in the project's tables, history tables included."""
    return [
        (model, field)
        for config in apps.get_app_configs()
        if getattr(config, "schema", None)
        for model in config.get_models()
        if model._meta.managed
        for field in model._meta.concrete_fields
        if isinstance(field, kind)
    ]


def column_checks(model: type[models.Model], column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
            WHERE c.contype = 'c' AND c.conrelid = to_regclass(%s) AND a.attname = %s
            """,
            [model._meta.db_table, column],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_project_has_text_and_geometry_columns():
    assert project_fields(models.TextField) and project_fields(GeometryField)


@pytest.mark.parametrize("kind", [models.TextField, GeometryField], ids=["text", "geometry"])
def test_every_text_and_geometry_column_declares_its_bounds_and_has_its_check(kind):
    bounded = {models.TextField: BoundedTextField, GeometryField: WGS84GeometryMixin}[kind]
    for model, field in project_fields(kind):
        assert isinstance(field, bounded), f"{model._meta.label}.{field.name}"
        assert column_checks(model, field.column), f"{model._meta.db_table}.{field.column}"


def test_the_database_refuses_a_bio_over_its_limit_from_raw_sql():
    profile = UserProfile.objects.create(user=UserFactory())
    limit = UserProfile._meta.get_field("bio").max_length
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {UserProfile._meta.db_table} SET bio = repeat('x', %s) WHERE id = %s",
            [50 * 1024 * 1024, profile.pk],
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        UserProfile.objects.filter(pk=profile.pk).update(bio="x" * (limit + 1))
    UserProfile.objects.filter(pk=profile.pk).update(bio="x" * limit)


def test_the_admin_refuses_a_bio_over_its_limit(admin_client):
    profile = UserProfile.objects.create(user=UserFactory())
    limit = UserProfile._meta.get_field("bio").max_length
    response = admin_client.post(
        f"/admin/users/userprofile/{profile.pk}/change/",
        {"user": profile.user_id, "bio": "x" * (limit + 1)},
    )
    assert response.status_code == 200
    assert b"errornote" in response.content
    profile.refresh_from_db()
    assert profile.bio == ""


@pytest.mark.parametrize("case", BAD_GEOMETRIES_FOR_SQL, ids=str)
def test_the_database_refuses_a_bad_geometry_from_raw_sql(case):
    column, ewkt = BAD_GEOMETRIES_FOR_SQL[case]
    business = BusinessFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Business._meta.db_table} SET {column} = %s::geography WHERE id = %s",
            [ewkt, business.pk],
        )


@pytest.mark.parametrize(
    "geometry",
    [
        Point(math.nan, math.nan, srid=4326),
        GEOSGeometry("SRID=4326;POINT EMPTY"),
        Point(10, 95, srid=4326),
        Point(200, 45, srid=4326),
        GEOSGeometry(SELF_INTERSECTING),
    ],
    ids=["NaN", "empty", "latitude 95", "longitude 200", "self-intersecting"],
)
def test_model_validation_refuses_a_bad_geometry(geometry):
    field = "service_area" if geometry.geom_type == "Polygon" else "location"
    with pytest.raises(ValidationError) as refused:
        Business._meta.get_field(field).clean(geometry, Business())
    assert refused.value.messages


@pytest.mark.parametrize(
    "value",
    [
        "POINT (10 95)",
        "SRID=4326;POINT (200 45)",
        "POINT EMPTY",
        '{"type": "Point", "coordinates": [1e999, 0]}',
    ],
    ids=["latitude 95", "longitude 200", "empty", "infinite"],
)
def test_the_admin_form_refuses_a_bad_point(admin_client, value):
    address = Address.objects.create(
        user=UserFactory(), line1="a", city="Madrid", country_code="ES"
    )
    response = _post_address(admin_client, address, value)
    assert response.status_code == 200
    assert b"errornote" in response.content
    address.refresh_from_db()
    assert address.location is None


def test_the_admin_reads_input_without_srid_as_wgs84(admin_client):
    address = Address.objects.create(
        user=UserFactory(), line1="a", city="Madrid", country_code="ES"
    )
    response = _post_address(admin_client, address, "POINT (-3.7 40.4)")
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.location.srid, address.location.coords) == (4326, (-3.7, 40.4))


def test_the_admin_map_works_in_wgs84(admin_client):
    address = Address.objects.create(
        user=UserFactory(), line1="a", city="Madrid", country_code="ES", location=Point(-3.7, 40.4)
    )
    page = admin_client.get(f"/admin/users/address/{address.pk}/change/").content.decode()
    assert "projection: 'EPSG:4326'" in page
    assert "map_srid: 4326" in page
    assert "-3.7, 40.4" in page  # the initial value, not transformed to metres


def _post_address(client, address, location: str):
    return client.post(
        f"/admin/users/address/{address.pk}/change/",
        {
            "user": address.user_id,
            "line1": "a",
            "city": "Madrid",
            "country_code": "ES",
            "location": location,
        },
    )
