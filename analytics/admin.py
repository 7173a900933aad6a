from django.contrib import admin

from pika.admin import ReadOnlyAdmin

from .models import DailyVoucherStats, Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "voucher_id", "business_id", "user_id"]
    list_filter = ["kind"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False


@admin.register(DailyVoucherStats)
class DailyVoucherStatsAdmin(ReadOnlyAdmin):
    list_display = ["day", "business", "voucher", "views", "claims", "redemptions"]
    list_select_related = ["business", "voucher"]
    date_hierarchy = "day"
    show_full_result_count = False
