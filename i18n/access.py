"""Who may reach the i18n schema's tables (see pika/db/access.py)."""

from pika.db.access import Access, public_read

ACCESS = {
    "i18n.Language": Access(rules=(public_read(),)),
    "i18n.Translation": Access(rules=(public_read(),)),
}
