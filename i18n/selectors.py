"""Reads of translations."""

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery

from .models import Language, Translation


def default_language_text(key_field: str) -> Subquery:
    """An expression for the default-language text of the key in ``key_field``.

    Annotate a queryset with it to show many keys' texts in one query (the unique
    ``(key, language)`` index answers each lookup).
    """
    return Subquery(
        Translation.objects.filter(key=OuterRef(key_field), language__is_default=True).values(
            "value"
        )[:1]
    )


# For each key, the text of the first language on the chain that has one: the requested
# language, its fallbacks in order, then the default (i18n.language_chain, SQL).
RESOLVE_SQL = f"""
SELECT DISTINCT ON (t.key) t.key, t.value
FROM {Language._meta.db_table} l
CROSS JOIN LATERAL i18n.language_chain(l.id) c
JOIN {Translation._meta.db_table} t ON t.language_id = c.language_id AND t.key = ANY (%s)
WHERE CASE WHEN %s::text IS NULL THEN l.is_default ELSE l.code = %s END
ORDER BY t.key, c.depth
"""


def translations_resolve(*, keys: list[str], language_code: str | None = None) -> dict[str, str]:
    """Return the text of each key in a language, following its fallback chain, in one query.

    Without ``language_code`` the default language is used. A language's chain ends with
    the default language; keys with no text anywhere on the chain are left out.
    """
    if not keys:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(RESOLVE_SQL, [list(keys), language_code, language_code])
        return dict(cursor.fetchall())


def texts_resolve(*, keys: list[str], language_code: str | None = None) -> dict[str, str]:
    """Like `translations_resolve`, but a key with no text anywhere stands for itself.

    The key shows, visibly, where a text is missing; a page never fails for want of one.
    """
    found = translations_resolve(keys=keys, language_code=language_code)
    return {key: found.get(key, key) for key in keys}


def language_exists(code: str) -> bool:
    """Whether ``code`` names an active language."""
    return Language.objects.filter(code=code, is_active=True).exists()


def language_codes() -> list[str]:
    """The codes of the active languages, the default first."""
    return list(
        Language.objects.filter(is_active=True)
        .order_by("-is_default", "code")
        .values_list("code", flat=True)
    )


def languages_active() -> QuerySet[Language]:
    """Active languages, the default first, each with its fallback."""
    return (
        Language.objects.filter(is_active=True)
        .select_related("fallback")
        .order_by("-is_default", "code")
    )
