from django.contrib import admin

from pika.admin import HistoryAdmin

from .models import Payment, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    fields = ["amount", "status", "reason", "provider_reference", "idempotency_key", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Payment)
class PaymentAdmin(HistoryAdmin):
    list_display = [
        "id",
        "payer",
        "amount",
        "currency",
        "refunded_amount",
        "status",
        "provider",
        "created_at",
    ]
    list_filter = ["status", "provider", "currency"]
    list_select_related = ["payer"]
    search_fields = ["provider_reference", "idempotency_key", "payer__email"]
    autocomplete_fields = ["payer"]
    # Kept by the refunds trigger, never typed.
    readonly_fields = ["id", "refunded_amount", "created_at", "updated_at"]
    inlines = [RefundInline]
    date_hierarchy = "created_at"


@admin.register(Refund)
class RefundAdmin(HistoryAdmin):
    list_display = ["payment", "amount", "status", "reason", "created_at"]
    list_filter = ["status"]
    list_select_related = ["payment"]
    search_fields = ["provider_reference", "idempotency_key", "payment__provider_reference"]
    raw_id_fields = ["payment"]
    readonly_fields = ["id", "created_at", "updated_at"]
