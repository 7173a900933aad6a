from django.contrib import admin

from i18n.admin_texts import TranslatedKeysMixin, translated_text
from pika.admin import HistoryAdmin

from .models import Category, Offering


@admin.register(Category)
class CategoryAdmin(TranslatedKeysMixin, HistoryAdmin):
    translated_keys = ("name_key",)
    list_display = ["slug", "name_key", translated_text("name_key"), "parent", "sort_order"]
    list_filter = ["is_active", "parent"]
    list_select_related = ["parent"]
    search_fields = ["slug", "name_key"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["id", translated_text("name_key"), "created_at", "updated_at"]


@admin.register(Offering)
class OfferingAdmin(TranslatedKeysMixin, HistoryAdmin):
    translated_keys = ("name_key",)
    list_display = ["name_key", translated_text("name_key"), "business", "category", "price"]
    list_filter = ["is_active", "category"]
    list_select_related = ["business", "category"]
    search_fields = ["name_key", "business__business_name_key"]
    autocomplete_fields = ["business", "category"]
    readonly_fields = ["id", translated_text("name_key"), "created_at", "updated_at"]
