"""Who may reach the business schema's tables (see pika/db/access.py).

A business's own rows are written by its staff: the owner and managers edit the business,
its hours and photos; only the owner changes who works there. Taking a business over
(``owner_id``) and verifying it are staff decisions with Django permissions.
"""

from pika.db.access import Access, Guard, Rule, own, perm, public_derived, public_read

MANAGERS = "'{{owner,manager}}'"
STAFF = perm("business.change_business")


def _managed_by(column: str) -> Rule:
    return Rule(
        "business_staff",
        ("INSERT", "UPDATE", "DELETE"),
        f"security.is_business_staff({column}, {MANAGERS})",
    )


ACCESS = {
    "business.Business": Access(
        rules=(
            public_read("is_active"),
            Rule(
                "business_staff",
                ("SELECT", "UPDATE"),
                f"security.is_business_staff(id, {MANAGERS})",
            ),
        ),
        guards=(
            Guard("owner_id", STAFF),
            Guard("is_active", STAFF, True),
            Guard("verification_status", STAFF, "pending"),
            Guard("verified_at", STAFF),
            Guard("verified_by_id", STAFF),
        ),
    ),
    # Active businesses' locations, which their public_read rule shows anyway; only the
    # database's trigger writes it. Without row level security its GiST index serves
    # nearby searches (`ST_DWithin`, `<->`).
    "business.BusinessPublicLocation": public_derived(),
    "business.OpeningHours": Access(rules=(public_read(), _managed_by("business_id"))),
    "business.BusinessPhoto": Access(
        rules=(
            public_read(),
            Rule(
                "business_staff",
                ("INSERT", "UPDATE", "DELETE"),
                f"security.is_business_staff(business_id, {MANAGERS})",
                f"security.is_business_staff(business_id, {MANAGERS}) AND EXISTS"
                " (SELECT FROM files.files f WHERE f.id = file_id"
                " AND (f.owner_id = {me} OR f.visibility = 'public'))",
            ),
        ),
    ),
    "business.StaffMembership": Access(
        rules=(
            own("member", ["SELECT"], "user_id = {me} OR security.is_business_staff(business_id)"),
            Rule(
                "business_owner",
                ("INSERT", "UPDATE", "DELETE"),
                "security.is_business_staff(business_id, '{{owner}}')",
            ),
        ),
    ),
}
