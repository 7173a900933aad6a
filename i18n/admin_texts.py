"""Admin helpers for models that hold translation keys: their default-language text beside."""

from django.contrib import admin

from .selectors import default_language_text


class TranslatedKeysMixin:
    """Show translation-key fields with their default-language text beside them.

    List ``translated_keys`` on the ModelAdmin; each ``<field>_text`` is then available to
    ``list_display`` and ``readonly_fields`` as ``translated_text("<field>")``. The texts
    come from one annotated query, not one query per row.
    """

    translated_keys: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.annotate(
            **{f"{field}_text": default_language_text(field) for field in self.translated_keys}
        )


def translated_text(key_field: str, description: str | None = None):
    """An admin column showing the default-language text of ``key_field``."""

    @admin.display(description=description or key_field.removesuffix("_key").replace("_", " "))
    def text(obj):
        return getattr(obj, f"{key_field}_text", None) or "—"

    text.__name__ = f"{key_field}_text"
    return text
