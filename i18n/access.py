"""Who may reach the i18n schema's tables (see pika/db/access.py).

Texts are public. Besides staff with Django's permissions, a business's owner and managers
write the texts of their own vouchers: each voucher key belongs to one voucher alone (the
vouchers' unique, shaped keys), so this reaches nobody else's text.
"""

from pika.db.access import Access, Rule, public_read

OWN_VOUCHER_TEXT = (
    "EXISTS (SELECT FROM marketplace.vouchers v"
    " WHERE key IN (v.title_key, v.description_key, v.terms_key)"
    " AND security.is_business_staff(v.business_id, '{{owner,manager}}'))"
)

ACCESS = {
    "i18n.Language": Access(rules=(public_read(),)),
    "i18n.Translation": Access(
        rules=(
            public_read(),
            Rule("voucher_staff", ("INSERT", "UPDATE", "DELETE"), OWN_VOUCHER_TEXT),
        ),
    ),
}
