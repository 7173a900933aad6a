from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_key", "parent", "sort_order", "is_active"]
    list_filter = ["is_active", "parent"]
    list_select_related = ["parent"]
    search_fields = ["slug", "name_key"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["id", "created_at", "updated_at"]
