"""Who may reach the marketplace schema's tables (see pika/db/access.py).

Anyone may read published vouchers; a business's staff write their own vouchers and codes.
The counters are the redemption service's alone (guards with NOBODY; the redemption slices
take no write at all), and codes are secrets that only the business's staff see.
"""

from pika.db.access import NOBODY, Access, Guard, Rule, own, public_derived, public_read

VOUCHER_STAFF = "security.is_business_staff(business_id, '{{owner,manager}}')"
CODE_STAFF = (
    "EXISTS (SELECT FROM marketplace.vouchers v WHERE v.id = voucher_id"
    " AND security.is_business_staff(v.business_id, '{{owner,manager}}'))"
)
OWN_PAYMENT = (
    "(payment_id IS NULL OR EXISTS (SELECT FROM payments.payments p"
    " WHERE p.id = payment_id AND p.payer_id = {me}))"
)

ACCESS = {
    "marketplace.Voucher": Access(
        rules=(
            public_read("state = 'published'"),
            Rule("business_staff", ("SELECT", "INSERT", "UPDATE", "DELETE"), VOUCHER_STAFF),
        ),
    ),
    # A voucher's counts are as visible as the voucher; only the database's triggers on the
    # ledger write them, for anyone.
    "marketplace.VoucherRedemptionSlice": Access(
        rules=(
            Rule(
                "voucher_visible",
                ("SELECT",),
                "EXISTS (SELECT FROM marketplace.vouchers v WHERE v.id = voucher_id)",
            ),
        ),
        perms={"INSERT": (NOBODY,), "UPDATE": (NOBODY,), "DELETE": (NOBODY,)},
    ),
    "marketplace.VoucherCode": Access(
        rules=(Rule("business_staff", ("SELECT", "INSERT", "UPDATE", "DELETE"), CODE_STAFF),),
        guards=(Guard("redemption_count", NOBODY, 0),),
    ),
    "marketplace.Redemption": Access(
        rules=(
            own("own", ["SELECT"], "user_id = {me}"),
            Rule(
                "business_staff",
                ("SELECT",),
                "EXISTS (SELECT FROM marketplace.vouchers v WHERE v.id = voucher_id"
                " AND security.is_business_staff(v.business_id))",
            ),
        ),
    ),
    # Derived from public texts (every voucher's, as its policy was `true`); only the
    # database's triggers write it. Without row level security its GIN indexes serve the
    # search's `@@` and `%>`.
    "marketplace.VoucherSearchDocument": public_derived(),
    "marketplace.SavedVoucher": Access(
        rules=(
            own(
                "own",
                ["SELECT", "INSERT", "UPDATE", "DELETE"],
                "user_id = {me}",
                f"user_id = {{me}} AND {OWN_PAYMENT}",
            ),
        ),
    ),
}
