from django.contrib import admin

from pika.admin import ReadOnlyAdmin

from .models import DailyVoucherStats, Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """An append-only stream of millions: newest first along the primary key (UUIDv7 ids
    follow time), no date drill-down or sorting that would scan it."""

    list_display = ["occurred_at", "kind", "voucher_id", "business_id", "user_id"]
    list_filter = ["kind", "occurred_at"]
    ordering = ["-id"]
    sortable_by = []


@admin.register(DailyVoucherStats)
class DailyVoucherStatsAdmin(ReadOnlyAdmin):
    list_display = ["day", "business", "voucher", "views", "claims", "redemptions"]
    list_select_related = ["business", "voucher"]
    date_hierarchy = "day"
