from django.contrib import admin

from pika.admin import HistoryAdmin, ReadOnlyAdmin

from .models import ApiKey, Permission, Role, RoleAssignment, SecurityEvent


@admin.register(Permission)
class PermissionAdmin(HistoryAdmin):
    list_display = ["codename", "description"]
    search_fields = ["codename", "description"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(Role)
class RoleAdmin(HistoryAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    filter_horizontal = ["permissions"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(HistoryAdmin):
    list_display = ["user", "role", "granted_by", "created_at", "expires_at"]
    list_filter = ["role"]
    list_select_related = ["user", "role", "granted_by"]
    search_fields = ["user__email", "role__name"]
    autocomplete_fields = ["user", "role", "granted_by"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(HistoryAdmin):
    list_display = ["name", "prefix", "owner", "scopes", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["owner"]
    search_fields = ["name", "prefix", "owner__email"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["id", "prefix", "key_hash", "last_used_at", "created_at", "updated_at"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "user_id", "email", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["email", "ip_address"]
    date_hierarchy = "occurred_at"
