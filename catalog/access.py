"""Who may reach the catalog schema's tables (see pika/db/access.py)."""

from pika.db.access import Access, Rule, public_read

ACCESS = {
    "catalog.Category": Access(rules=(public_read(),)),
    "catalog.Offering": Access(
        rules=(
            public_read(),
            Rule(
                "business_staff",
                ("INSERT", "UPDATE", "DELETE"),
                "security.is_business_staff(business_id, '{{owner,manager}}')",
            ),
        ),
    ),
}
