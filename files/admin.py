from django.contrib import admin

from pika.admin import HistoryAdmin

from .models import File


@admin.register(File)
class FileAdmin(HistoryAdmin):
    list_display = [
        "original_name",
        "owner",
        "content_type",
        "size_bytes",
        "visibility",
        "created_at",
    ]
    list_filter = ["visibility", "content_type"]
    list_select_related = ["owner"]
    search_fields = ["original_name", "storage_key", "checksum_sha256", "owner__email"]
    autocomplete_fields = ["owner"]
    readonly_fields = [
        "id",
        "storage_key",
        "size_bytes",
        "checksum_sha256",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
