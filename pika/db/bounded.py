"""Columns that refuse what validation refuses: bounded text and valid WGS 84 geometries.

Each field is the one declaration of its rule. It carries a validator (forms, the admin and
``full_clean`` show the error) and a CHECK constraint through ``db_check``, which migrations
install on the column, as Django does for ``PositiveIntegerField``: raw SQL,
``QuerySet.update()`` and bulk writes, which skip validation, are refused by the database.
"""

import math

from django.contrib.gis.db import models as gis_models
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

WGS84 = 4326
# Every column holding a user agent; pika.db.context caps app.user_agent at the same length,
# so the audit trigger's copy always fits.
USER_AGENT_MAX_LENGTH = 1000
LONGITUDE_RANGE = (-180, 180)
LATITUDE_RANGE = (-90, 90)


class BoundedTextField(models.TextField):
    """A TextField that must declare ``max_length``, checked in Python and in the database."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def db_check(self, connection):
        return f"char_length({connection.ops.quote_name(self.column)}) <= {int(self.max_length)}"


def wgs84_geometry_validate(geometry) -> None:
    """Refuse a geometry that is not a valid, non-empty WGS 84 shape within its bounds."""
    if geometry.srid not in (None, WGS84):
        raise ValidationError(
            "Use WGS 84 coordinates (SRID %(srid)s).", code="geometry_srid", params={"srid": WGS84}
        )
    if geometry.empty:
        raise ValidationError("The geometry is empty.", code="geometry_empty")
    xmin, ymin, xmax, ymax = geometry.extent
    if not all(math.isfinite(value) for value in (xmin, ymin, xmax, ymax)):
        raise ValidationError("Coordinates must be finite numbers.", code="geometry_not_finite")
    if xmin < LONGITUDE_RANGE[0] or xmax > LONGITUDE_RANGE[1]:
        raise ValidationError(
            "Longitude must be between -180 and 180.", code="geometry_longitude_range"
        )
    if ymin < LATITUDE_RANGE[0] or ymax > LATITUDE_RANGE[1]:
        raise ValidationError(
            "Latitude must be between -90 and 90.", code="geometry_latitude_range"
        )
    if not geometry.valid:
        raise ValidationError(
            "The geometry is invalid: %(reason)s.",
            code="geometry_invalid",
            params={"reason": geometry.valid_reason},
        )


class WGS84GeometryMixin:
    """A geometry or geography column holding only valid, non-empty WGS 84 shapes.

    For geography columns PostgreSQL itself moves out-of-range coordinates into range (a
    NOTICE, not an error) before any CHECK sees them: the validator refuses them first. NaN
    coordinates fail the bounds, as NaN sorts above every number in PostgreSQL.
    """

    default_validators = [wgs84_geometry_validate]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.srid != WGS84:
            raise ValueError(f"{type(self).__name__} holds WGS 84 (SRID {WGS84}) only")

    def db_check(self, connection):
        column = connection.ops.quote_name(self.column)
        shape = f"{column}::geometry" if self.geography else column
        return " AND ".join(
            [
                f"ST_SRID({column}) = {WGS84}",
                f"ST_IsValid({shape})",
                f"NOT ST_IsEmpty({shape})",
                f"ST_XMin({shape}) >= {LONGITUDE_RANGE[0]}",
                f"ST_XMax({shape}) <= {LONGITUDE_RANGE[1]}",
                f"ST_YMin({shape}) >= {LATITUDE_RANGE[0]}",
                f"ST_YMax({shape}) <= {LATITUDE_RANGE[1]}",
            ]
        )


class WGS84PointField(WGS84GeometryMixin, gis_models.PointField):
    """A point in WGS 84, valid and within bounds (see `WGS84GeometryMixin`)."""


class WGS84PolygonField(WGS84GeometryMixin, gis_models.PolygonField):
    """A polygon in WGS 84, valid and within bounds (see `WGS84GeometryMixin`)."""
