"""Full-text search in one language, best first, a page of 20: a word as written and the
same word with a one-letter typo (which only the trigram index forgives)."""

from sqlalchemy import cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import REGCONFIG

from bench.operations import Case
from bench.operations.columns import BUSINESS, LIVE, VOUCHER
from bench.sqla import Business, Voucher, VoucherSearchDocument

PAGE = 20
# (language, word): products named in the benchmark's texts (bench.vocabulary).
WORDS = [
    ("en", "massage"),
    ("en", "sushi"),
    ("en", "climbing"),
    ("en", "karaoke"),
    ("es", "helado"),
    ("es", "masaje"),
    ("fr", "escalade"),
    ("de", "Kaffee"),
]
RAW = f"""
SELECT {VOUCHER}, {BUSINESS},
    ts_rank(d.document, q.query) + word_similarity(%(text)s, d.content) AS rank
FROM (SELECT websearch_to_tsquery(%(config)s::regconfig, %(text)s) AS query) q
JOIN marketplace.voucher_search_documents d
    ON d.language_id = %(language)s AND (d.document @@ q.query OR d.content %%> %(text)s)
JOIN marketplace.vouchers v ON v.id = d.voucher_id AND {LIVE}
JOIN business.businesses b ON b.id = v.business_id AND b.is_active
ORDER BY rank DESC, v.id
LIMIT {PAGE}
"""


def typo(word: str) -> str:
    """The word with its middle letter left out ("massage" → "masage")."""
    middle = len(word) // 2
    return word[:middle] + word[middle + 1 :]


def selector(_, *, text, language, config, language_object):
    """The project's selector, through Django's ORM."""
    from marketplace.selectors import vouchers_search

    page = vouchers_search(text=text, language=language_object)[:PAGE]
    return [str(voucher.pk) for voucher in page]


def raw(cursor, *, text, language, config, language_object):
    """Hand-written SQL through psycopg."""
    cursor.execute(RAW, {"text": text, "language": language, "config": config})
    return [str(row[0]) for row in cursor.fetchall()]


def sqlalchemy(session, *, text, language, config, language_object):
    """SQLAlchemy 2 (+ GeoAlchemy2) on the mapped tables."""
    query = func.websearch_to_tsquery(cast(literal(config), REGCONFIG), text)
    document = VoucherSearchDocument
    rank = func.ts_rank(document.document, query) + func.word_similarity(text, document.content)
    statement = (
        select(Voucher, Business, rank.label("rank"))
        .join(document, document.voucher_id == Voucher.id)
        .join(Voucher.business)
        .where(
            document.language_id == language,
            or_(document.document.op("@@")(query), document.content.op("%>")(text)),
            Voucher.state == "published",
            Voucher.valid_from <= func.now(),
            Voucher.expires_at > func.now(),
            Business.is_active,
        )
        .order_by(rank.desc(), Voucher.id)
        .limit(PAGE)
    )
    return [str(voucher.id) for voucher, _, _ in session.execute(statement)]


def cases(context) -> list[Case]:
    """Each word as written, and each with a typo."""
    from i18n.models import Language

    languages = {
        code: (str(language_id), config)
        for language_id, code, config in context.connection.execute(
            "SELECT id, code, search_config FROM i18n.languages"
        )
    }
    found = []
    for name, spell in (("search", str), ("search with a typo", typo)):
        params = []
        for code, word in WORDS:
            language_id, config = languages[code]
            language = Language(id=language_id, code=code, search_config=config)
            params.append(
                {
                    "text": spell(word),
                    "language": language_id,
                    "config": config,
                    "language_object": language,
                }
            )
        found.append(
            Case(
                operation="search",
                name=name,
                params=params,
                run={"selector": selector, "sqlalchemy": sqlalchemy, "raw": raw},
                targets={"raw": 20.0, "selector": 20.0},
            )
        )
    return found
