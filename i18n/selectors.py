"""Reads of translations."""

from django.db.models import OuterRef, Subquery

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


def translations_resolve(*, keys: list[str], language_code: str | None = None) -> dict[str, str]:
    """Return the text of each key in a language, following its fallback chain.

    Without ``language_code`` the default language is used. A language's chain ends with
    the default language; keys with no text anywhere on the chain are left out.
    """
    chain = _language_chain(language_code)
    found = Translation.objects.filter(key__in=keys, language__in=chain).values_list(
        "key", "language_id", "value"
    )
    rank = {language.pk: position for position, language in enumerate(chain)}
    best: dict[str, tuple[int, str]] = {}
    for key, language_id, value in found:
        if key not in best or rank[language_id] < best[key][0]:
            best[key] = (rank[language_id], value)
    return {key: value for key, (_, value) in best.items()}


def _language_chain(language_code: str | None) -> list[Language]:
    languages = {language.code: language for language in Language.objects.all()}
    by_id = {language.pk: language for language in languages.values()}
    default = next((language for language in languages.values() if language.is_default), None)
    chain: list[Language] = []
    language = languages.get(language_code) if language_code else default
    while language is not None and language not in chain:
        chain.append(language)
        language = by_id.get(language.fallback_id)
    if default is not None and default not in chain:
        chain.append(default)
    return chain
