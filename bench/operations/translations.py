"""Every translated field (title, description, terms) of a page of 20 vouchers in one
language, each text from the first language of its fallback chain that has one."""

from sqlalchemy import func, select, true

from bench.operations import Case
from bench.sqla import Language, Translation

PAGE = 20
LANGUAGES = ("es-MX", "fr", "de", "es")
RAW = """
WITH chain AS MATERIALIZED (
    SELECT c.language_id, c.depth
    FROM i18n.languages l CROSS JOIN LATERAL i18n.language_chain(l.id) c
    WHERE l.code = %(language)s
)
SELECT DISTINCT ON (t.key) t.key, t.value
FROM chain c JOIN i18n.translations t ON t.language_id = c.language_id AND t.key = ANY (%(keys)s)
ORDER BY t.key, c.depth
"""


def selector(_, *, keys, language):
    """The project's selector, through Django's ORM."""
    from i18n.selectors import translations_resolve

    return sorted(translations_resolve(keys=keys, language_code=language).items())


def raw(cursor, *, keys, language):
    """Hand-written SQL through psycopg."""
    cursor.execute(RAW, {"keys": keys, "language": language})
    return sorted(cursor.fetchall())


def sqlalchemy(session, *, keys, language):
    """SQLAlchemy 2 (+ GeoAlchemy2) on the mapped tables."""
    chain = (
        func.i18n.language_chain(Language.id)
        .table_valued("language_id", "depth")
        .render_derived()
        .lateral()
    )
    statement = (
        select(Translation.key, Translation.value)
        .select_from(Language)
        .join(chain, true())
        .join(
            Translation,
            (Translation.language_id == chain.c.language_id) & Translation.key.in_(keys),
        )
        .where(Language.code == language)
        .order_by(Translation.key, chain.c.depth)
        .distinct(Translation.key)
    )
    return sorted(tuple(row) for row in session.execute(statement))


def cases(context) -> list[Case]:
    """Pages of 20 live vouchers, in languages whose chains fall back (es-MX → es → en)."""
    ids = [
        row[0]
        for row in context.connection.execute(
            "SELECT v.id FROM marketplace.vouchers v WHERE marketplace.voucher_is_live("
            "v.state, v.valid_from, v.expires_at) ORDER BY v.id"
        )
    ]
    pages = []
    for n in range(40):
        page = context.rng.sample(ids, min(PAGE, len(ids)))
        keys = [f"voucher.{voucher}.{field}" for voucher in page for field in FIELDS]
        pages.append({"keys": keys, "language": LANGUAGES[n % len(LANGUAGES)]})
    return [
        Case(
            operation="translations",
            name="translations of a 20-voucher page",
            params=pages,
            run={"selector": selector, "sqlalchemy": sqlalchemy, "raw": raw},
            targets={"raw": 3.0, "selector": 3.0},
        )
    ]


FIELDS = ("title", "description", "terms")
