"""What a loaded benchmark database must satisfy beyond its constraints: each query counts
the rows that break one rule, so every count must be 0."""

INVARIANTS = {
    "a voucher's redemption slices add up to its live redemptions": """
        SELECT count(*) FROM marketplace.vouchers v
        LEFT JOIN (
            SELECT voucher_id, sum(taken) AS n FROM marketplace.voucher_redemption_slices
            GROUP BY voucher_id
        ) s ON s.voucher_id = v.id
        LEFT JOIN (
            SELECT voucher_id, count(*) AS n FROM marketplace.redemptions
            WHERE status = 'redeemed' GROUP BY voucher_id
        ) r ON r.voucher_id = v.id
        WHERE s.n IS NULL OR s.n <> coalesce(r.n, 0)
    """,
    "voucher_codes.redemption_count equals its live redemptions": """
        SELECT count(*) FROM marketplace.voucher_codes k
        LEFT JOIN (
            SELECT code_id, count(*) AS n FROM marketplace.redemptions
            WHERE status = 'redeemed' AND code_id IS NOT NULL GROUP BY code_id
        ) r ON r.code_id = k.id
        WHERE k.redemption_count <> coalesce(r.n, 0)
    """,
    "a redemption's code belongs to its voucher": """
        SELECT count(*) FROM marketplace.redemptions r
        JOIN marketplace.voucher_codes k ON k.id = r.code_id
        WHERE k.voucher_id <> r.voucher_id
    """,
    "no user redeems a voucher more often than max_per_user": """
        SELECT count(*) FROM (
            SELECT voucher_id, user_id, count(*) AS n FROM marketplace.redemptions
            WHERE status = 'redeemed' GROUP BY voucher_id, user_id
        ) x JOIN marketplace.vouchers v ON v.id = x.voucher_id
        WHERE x.n > v.max_per_user
    """,
    "redemptions fall inside their voucher's window, never on a draft": """
        SELECT count(*) FROM marketplace.redemptions r
        JOIN marketplace.vouchers v ON v.id = r.voucher_id
        WHERE r.redeemed_at < v.valid_from OR r.redeemed_at >= v.expires_at
            OR v.state = 'draft'
    """,
    "every voucher key has a text in the default language": """
        SELECT count(*) FROM marketplace.vouchers v
        CROSS JOIN LATERAL (VALUES (v.title_key), (v.description_key), (v.terms_key)) k (key)
        WHERE NOT EXISTS (
            SELECT FROM i18n.translations t JOIN i18n.languages l ON l.id = t.language_id
            WHERE t.key = k.key AND l.is_default
        )
    """,
    "one search document per voucher and active language": """
        SELECT abs(
            (SELECT count(*) FROM marketplace.voucher_search_documents)
            - (SELECT count(*) FROM marketplace.vouchers)
              * (SELECT count(*) FROM i18n.languages WHERE is_active)
        )
    """,
    "a public location for exactly the active businesses with a location": """
        SELECT count(*) FROM business.businesses b
        FULL JOIN business.public_locations p ON p.business_id = b.id
        WHERE (p.business_id IS NULL) = (b.is_active AND b.location IS NOT NULL)
            OR (p.business_id IS NOT NULL AND p.location::text <> b.location::text)
    """,
    "every business owner is on its staff as owner": """
        SELECT count(*) FROM business.businesses b
        WHERE NOT EXISTS (
            SELECT FROM business.staff_memberships m
            WHERE m.business_id = b.id AND m.user_id = b.owner_id AND m.role = 'owner'
        )
    """,
    "audit rows carry the database's digest (a 1 % sample)": """
        SELECT count(*) FROM audit.audit_logs log TABLESAMPLE BERNOULLI (1)
        WHERE log.row_hash <> audit.log_digest(log.id, log.user_id, log.action,
            log.table_name, log.record_id, log.changes, log.ip_address, log.user_agent,
            log.timestamp)
    """,
}


def violations(cursor) -> dict[str, int]:
    """The number of rows breaking each invariant."""
    found = {}
    for rule, query in INVARIANTS.items():
        cursor.execute(query)
        found[rule] = cursor.fetchone()[0]
    return found
