from django.contrib import admin

from pika.admin import ExactSearchMixin, HistoryAdmin, indexed_values_filter

from .models import Language, Translation


@admin.register(Language)
class LanguageAdmin(HistoryAdmin):
    list_display = ["code", "name", "native_name", "fallback", "is_default", "is_active"]
    list_select_related = ["fallback"]
    list_filter = ["is_default", "is_active"]
    search_fields = ["code", "name", "native_name"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(Translation)
class TranslationAdmin(ExactSearchMixin, HistoryAdmin):
    """Millions of rows: listed along the (key, language) index, domains listed through
    their index, and searched by exact key (the same index)."""

    list_display = ["key", "language", "value", "domain", "verified", "updated_at"]
    list_filter = ["language", indexed_values_filter("domain"), "verified"]
    list_select_related = ["language"]
    search_fields = ["key"]
    search_help_text = "An exact translation key."
    ordering = ["key", "language_id"]
    sortable_by = ["key"]
    readonly_fields = ["id", "created_at", "updated_at"]

    def exact_search(self, queryset, term):
        return queryset.filter(key=term)
