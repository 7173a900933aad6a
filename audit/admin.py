from django.contrib import admin

from pika.admin import ReadOnlyAdmin

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """The audit log is evidence, not data to edit."""

    list_display = ["timestamp", "action", "table_name", "record_id", "user_id", "ip_address"]
    list_filter = ["action", "table_name"]
    search_fields = ["record_id", "table_name"]
    date_hierarchy = "timestamp"
    show_full_result_count = False
