from django.contrib import admin

from pika.admin import HistoryAdmin

from .models import Language, Translation


@admin.register(Language)
class LanguageAdmin(HistoryAdmin):
    list_display = ["code", "name", "native_name", "fallback", "is_default", "is_active"]
    list_select_related = ["fallback"]
    list_filter = ["is_default", "is_active"]
    search_fields = ["code", "name", "native_name"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(Translation)
class TranslationAdmin(HistoryAdmin):
    list_display = ["key", "language", "value", "domain", "verified", "updated_at"]
    list_filter = ["language", "domain", "verified"]
    list_select_related = ["language"]
    search_fields = ["key", "value"]
    readonly_fields = ["id", "created_at", "updated_at"]
