from django.contrib import admin

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit log is evidence, not data to edit."""

    list_display = ["timestamp", "action", "table_name", "record_id", "user_id", "ip_address"]
    list_filter = ["action", "table_name"]
    search_fields = ["record_id", "table_name"]
    date_hierarchy = "timestamp"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
