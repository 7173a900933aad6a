"""Live vouchers near a point, nearest first, a page of 20: at city centres and in empty
countryside, within 1, 5 and 25 km."""

from geoalchemy2 import Geography, WKTElement
from sqlalchemy import cast, func, select

from bench.cities import CITIES, COUNTRYSIDE
from bench.operations import Case
from bench.operations.columns import BUSINESS, LIVE, VOUCHER
from bench.sqla import Business, PublicLocation, Voucher

PAGE = 20
RADII_KM = (1, 5, 25)
# The conditions go to business.public_locations (active businesses' locations, no row
# level security), where the GiST index may serve them under the web's policies. The window
# ordered by the distance alone lets that index walk nearest first and stop after the page
# (see marketplace.selectors.nearest_first); ORDER BY distance, id alone cannot.
RAW = f"""
SELECT {VOUCHER}, {BUSINESS}, ST_Distance(l.location, p.point) AS distance_m,
    row_number() OVER (ORDER BY l.location <-> p.point) AS knn_position
FROM (SELECT ST_SetSRID(ST_MakePoint(%(lng)s, %(lat)s), 4326)::geography AS point) p
JOIN business.public_locations l ON ST_DWithin(l.location, p.point, %(radius)s)
JOIN business.businesses b ON b.id = l.business_id AND b.is_active
JOIN marketplace.vouchers v ON v.business_id = b.id AND {LIVE}
ORDER BY l.location <-> p.point, v.id
LIMIT {PAGE}
"""


def selector(_, *, lat, lng, radius):
    """The project's selector, through Django's ORM."""
    from marketplace.selectors import geography_point, vouchers_nearby

    page = vouchers_nearby(point=geography_point(lat=lat, lng=lng), radius_m=radius)[:PAGE]
    return [str(voucher.pk) for voucher in page]


def raw(cursor, *, lat, lng, radius):
    """Hand-written SQL through psycopg."""
    cursor.execute(RAW, {"lat": lat, "lng": lng, "radius": radius})
    return [str(row[0]) for row in cursor.fetchall()]


def sqlalchemy(session, *, lat, lng, radius):
    """SQLAlchemy 2 (+ GeoAlchemy2) on the mapped tables."""
    point = cast(WKTElement(f"POINT({lng} {lat})", srid=4326), Geography)
    statement = (
        select(
            Voucher, Business, func.ST_Distance(PublicLocation.location, point).label("distance")
        )
        .join(Voucher.business)
        .join(PublicLocation, PublicLocation.business_id == Business.id)
        .where(
            func.ST_DWithin(PublicLocation.location, point, radius),
            Business.is_active,
            Voucher.state == "published",
            Voucher.valid_from <= func.now(),
            Voucher.expires_at > func.now(),
        )
        .order_by(PublicLocation.location.distance_centroid(point), Voucher.id)
        .limit(PAGE)
    )
    return [str(voucher.id) for voucher, _, _ in session.execute(statement)]


def cases(context) -> list[Case]:
    """Six cases: each radius at the ten largest cities' centres and in the countryside."""
    centres = [(lat, lng) for _, lat, lng, _ in sorted(CITIES, key=lambda c: -c[3])[:10]]
    empty = [(lat, lng) for _, lat, lng in COUNTRYSIDE]
    found = []
    for radius_km in RADII_KM:
        for place, points in (("city centre", centres), ("countryside", empty)):
            found.append(
                Case(
                    operation="nearby",
                    name=f"nearby {radius_km} km, {place}",
                    params=[
                        {"lat": lat, "lng": lng, "radius": radius_km * 1000} for lat, lng in points
                    ],
                    run={"selector": selector, "sqlalchemy": sqlalchemy, "raw": raw},
                    targets={"raw": 10.0, "selector": 25.0},
                )
            )
    return found
