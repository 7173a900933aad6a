"""Which language an API request wants: ``?lang=``, else ``Accept-Language``, else the default."""

from i18n.models import Language
from pika.api.params import invalid


def requested_language(request) -> Language:
    """The active language the request asks for; an unknown ``?lang=`` is a 400."""
    languages = {
        language.code.lower(): language for language in Language.objects.filter(is_active=True)
    }
    default = next((language for language in languages.values() if language.is_default), None)
    asked = request.query_params.get("lang")
    if asked is not None:
        language = languages.get(asked.strip().lower())
        if language is None:
            raise invalid(
                "lang", f"unknown language {asked!r}; one of {', '.join(sorted(languages))}."
            )
        return language
    for tag in _accept_language(request.headers.get("Accept-Language", "")):
        language = languages.get(tag) or languages.get(tag.split("-")[0])
        if language is not None:
            return language
    if default is None:
        raise invalid("lang", "no default language is configured.")
    return default


def _accept_language(header: str) -> list[str]:
    """Tags in the client's order of preference (q-values honoured, ``*`` ignored)."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag.lower()))
    return [tag for _, _, tag in sorted(ranked)]
