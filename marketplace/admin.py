from django.contrib import admin

from .models import Voucher


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = [
        "title_key",
        "business",
        "state",
        "discount_type",
        "discount_value",
        "valid_from",
        "expires_at",
        "current_redemptions",
        "max_redemptions",
    ]
    list_filter = ["state", "discount_type"]
    list_select_related = ["business"]
    search_fields = ["title_key", "business__business_name_key"]
    autocomplete_fields = ["business"]
    date_hierarchy = "expires_at"
    # The counter changes only through redemptions, never by hand.
    readonly_fields = ["id", "current_redemptions", "created_at", "updated_at"]
    show_full_result_count = False
