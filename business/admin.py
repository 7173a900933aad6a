from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from .models import Business


@admin.register(Business)
class BusinessAdmin(GISModelAdmin):
    list_display = ["business_name_key", "category", "owner", "is_active", "created_at"]
    list_filter = ["is_active", "category"]
    list_select_related = ["category", "owner"]
    search_fields = ["business_name_key", "owner__email"]
    autocomplete_fields = ["category", "owner"]
    readonly_fields = ["id", "created_at", "updated_at"]
    show_full_result_count = False
