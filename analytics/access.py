"""Who may reach the analytics schema's tables (see pika/db/access.py)."""

from pika.db.access import NOBODY, Access, own

ACCESS = {
    # The event stream: anyone records what they did (or anonymously) and reads back their
    # own; staff with the permission read it all; nobody rewrites it.
    "analytics.Event": Access(
        rules=(
            own("report", ["INSERT"], None, "user_id IS NULL OR user_id = {me}"),
            own("own", ["SELECT"], "user_id = {me}"),
        ),
        perms={"UPDATE": (NOBODY,), "DELETE": (NOBODY,)},
    ),
    # Counts per voucher and day, nobody's personal data; a materialized view has no row
    # level security.
    "analytics.DailyVoucherStats": Access(row_security=False),
}
