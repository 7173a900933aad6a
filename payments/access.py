"""Who may reach the payments schema's tables (see pika/db/access.py).

Money rows are the payment services' (and staff with Django permissions): a payer may
only read their own payments and refunds.
"""

from pika.db.access import Access, own

ACCESS = {
    "payments.Payment": Access(rules=(own("payer", ["SELECT"], "payer_id = {me}"),)),
    "payments.Refund": Access(
        rules=(
            own(
                "payer",
                ["SELECT"],
                "EXISTS (SELECT FROM payments.payments p"
                " WHERE p.id = payment_id AND p.payer_id = {me})",
            ),
        ),
    ),
}
