"""A business's vouchers in one state, soonest expiry first (a page of 50), as its owner
sees them: row level security lets the owner read every state of their own vouchers."""

from sqlalchemy import select

from bench.operations import Case
from bench.operations.columns import BUSINESS, VOUCHER
from bench.sqla import Business, Voucher

PAGE = 50
STATES = ("published", "draft", "paused", "expired", "archived")
RAW = f"""
SELECT {VOUCHER}, {BUSINESS}
FROM marketplace.vouchers v JOIN business.businesses b ON b.id = v.business_id
WHERE v.business_id = %(business)s AND v.state = %(state)s
ORDER BY v.expires_at, v.id
LIMIT {PAGE}
"""


def selector(_, *, business, state, owner):
    """The project's selector, through Django's ORM."""
    from marketplace.selectors import voucher_list

    page = (
        voucher_list(include_unlisted=True)
        .filter(business_id=business, state=state)
        .order_by("expires_at", "id")[:PAGE]
    )
    return [str(voucher.pk) for voucher in page]


def raw(cursor, *, business, state, owner):
    """Hand-written SQL through psycopg."""
    cursor.execute(RAW, {"business": business, "state": state})
    return [str(row[0]) for row in cursor.fetchall()]


def sqlalchemy(session, *, business, state, owner):
    """SQLAlchemy 2 (+ GeoAlchemy2) on the mapped tables."""
    statement = (
        select(Voucher, Business)
        .join(Voucher.business)
        .where(Voucher.business_id == business, Voucher.state == state)
        .order_by(Voucher.expires_at, Voucher.id)
        .limit(PAGE)
    )
    return [str(voucher.id) for voucher, _ in session.execute(statement)]


def cases(context) -> list[Case]:
    """Businesses with many vouchers and a few ordinary ones, each state in turn."""
    rows = context.connection.execute(
        """
        SELECT b.id, b.owner_id, count(*) AS n
        FROM marketplace.vouchers v JOIN business.businesses b ON b.id = v.business_id
        GROUP BY b.id ORDER BY n DESC, b.id
        """
    ).fetchall()
    busy = rows[:20]
    ordinary = context.rng.sample(rows[20:], min(20, max(0, len(rows) - 20)))
    params = [
        {"business": str(business), "state": STATES[n % len(STATES)], "owner": str(owner)}
        for n, (business, owner, _) in enumerate(busy + ordinary)
    ]
    return [
        Case(
            operation="business_vouchers",
            name="business's vouchers by state",
            params=params,
            run={"selector": selector, "sqlalchemy": sqlalchemy, "raw": raw},
            acting_user=lambda params: params["owner"],
            targets={"raw": 2.0, "selector": 2.0},
        )
    ]
