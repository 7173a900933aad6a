from django.contrib import admin

from pika.admin import HistoryAdmin

from .models import ExternalIdentity, OneTimeToken, Session


@admin.register(Session)
class SessionAdmin(HistoryAdmin):
    list_display = ["user", "created_at", "expires_at", "revoked_at", "last_used_at", "ip_address"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__email", "ip_address"]
    raw_id_fields = ["user"]
    readonly_fields = ["id", "refresh_token_hash", "created_at", "updated_at", "last_used_at"]
    date_hierarchy = "created_at"


@admin.register(OneTimeToken)
class OneTimeTokenAdmin(HistoryAdmin):
    list_display = ["email", "purpose", "user", "created_at", "expires_at", "used_at"]
    list_filter = ["purpose", ("used_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["email", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["id", "token_hash", "created_at", "updated_at", "used_at"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(HistoryAdmin):
    list_display = ["provider", "subject", "user", "email", "last_login_at"]
    list_filter = ["provider"]
    list_select_related = ["user"]
    search_fields = ["subject", "email", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["id", "created_at", "updated_at"]
