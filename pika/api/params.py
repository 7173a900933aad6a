"""Query parameters the API shares, parsed into values or refused naming the parameter."""

import math
import uuid

from django.contrib.gis.geos import Point
from drf_spectacular.utils import OpenApiParameter

from pika.errors import Invalid

# `<lat>,<lng>` in decimal degrees; the ranges are checked on parsing (a 400 names them).
POINT_SCHEMA = {"type": "string", "pattern": r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?$"}
LANG = OpenApiParameter(
    "lang",
    {"type": "string", "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
    description="A language code from /api/v1/languages/; else `Accept-Language`.",
)


def uuid_parameter(name: str, description: str) -> OpenApiParameter:
    """An optional query parameter holding an id."""
    return OpenApiParameter(name, {"type": "string", "format": "uuid"}, description=description)


def point_parameter(name: str, description: str) -> OpenApiParameter:
    """An optional query parameter holding ``<lat>,<lng>``."""
    return OpenApiParameter(name, POINT_SCHEMA, description=description)


def invalid(name: str, message: str) -> Invalid:
    """A 400 naming the parameter."""
    return Invalid("invalid_parameter", f"Invalid {name}: {message}", {name: [message]})


def lat_lng(name: str, raw: str) -> tuple[float, float]:
    """``"<lat>,<lng>"`` in WGS 84 degrees."""
    try:
        lat_text, lng_text = raw.split(",")
        lat, lng = float(lat_text), float(lng_text)
    except ValueError:
        raise invalid(name, "expected <lat>,<lng> in degrees.") from None
    if not (math.isfinite(lat) and math.isfinite(lng)):
        raise invalid(name, "coordinates must be finite numbers.")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise invalid(name, "latitude must be within ±90 and longitude within ±180.")
    return lat, lng


def point(name: str, raw: str) -> Point:
    """``"<lat>,<lng>"`` as a WGS 84 point."""
    lat, lng = lat_lng(name, raw)
    return Point(lng, lat, srid=4326)


def near(query, *, default_radius: float, max_radius: float) -> tuple[Point, float] | None:
    """``near=<lat>,<lng>`` with an optional ``radius`` in metres; None without ``near``.

    ``radius`` without ``near`` is refused rather than ignored.
    """
    if "near" not in query:
        if "radius" in query:
            raise invalid("radius", "needs `near`.")
        return None
    centre = point("near", query["near"])
    return centre, radius("radius", query.get("radius"), default=default_radius, maximum=max_radius)


def near_parameters(*, default_radius: float, max_radius: float) -> list[OpenApiParameter]:
    """The OpenAPI description of ``near`` and ``radius``."""
    return [
        point_parameter("near", "`<lat>,<lng>`: nearest first, with `distance_m`."),
        OpenApiParameter(
            "radius",
            {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": max_radius},
            description=f"Metres around `near` (default {default_radius:.0f}).",
        ),
    ]


def radius(name: str, raw: str | None, *, default: float, maximum: float) -> float:
    """A radius in metres, above 0 and at most ``maximum``."""
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise invalid(name, "expected a number of metres.") from None
    if not math.isfinite(value) or value <= 0 or value > maximum:
        raise invalid(name, f"must be above 0 and at most {maximum:.0f} metres.")
    return value


def uuid_value(name: str, raw: str) -> uuid.UUID:
    """A UUID."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise invalid(name, "expected a UUID.") from None


class AnyUuidConverter:
    """A path segment meant to be a UUID; any text matches so that ``ApiView`` answers 400."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
