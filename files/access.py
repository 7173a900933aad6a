"""Who may reach the files schema's tables (see pika/db/access.py)."""

from pika.db.access import Access, own, public_read

ACCESS = {
    "files.File": Access(
        rules=(
            public_read("visibility = 'public'"),
            own("own", ["SELECT", "INSERT", "UPDATE", "DELETE"], "owner_id = {me}"),
        ),
    ),
}
