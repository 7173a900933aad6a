from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from i18n.admin_texts import TranslatedKeysMixin, translated_text
from pika.admin import ExactSearchMixin, HistoryAdmin, MapAdmin

from .models import Redemption, SavedVoucher, Voucher, VoucherCode
from .selectors import redemption_counts_of_voucher, redemptions_taken


class VoucherCodeInline(admin.TabularInline):
    model = VoucherCode
    extra = 0
    fields = ["code", "is_single_use", "redemption_count"]
    readonly_fields = ["redemption_count"]
    show_change_link = True
    # A voucher can have thousands of codes: page them in the code list instead.
    max_num = 50


@admin.register(Voucher)
class VoucherAdmin(ExactSearchMixin, TranslatedKeysMixin, HistoryAdmin):
    translated_keys = ("title_key", "description_key", "terms_key")
    list_display = [
        "title_key",
        translated_text("title_key"),
        "business",
        "state",
        "discount_type",
        "discount_value",
        "expires_at",
        "taken",
        "max_redemptions",
    ]
    list_select_related = ["business"]
    # An exact title key, through its unique index (a substring, or the business's name
    # across the join, reads a million rows: 4.9 s at scale 1). A business's vouchers are
    # one click from the business.
    search_fields = ["title_key"]
    search_help_text = "An exact title key (voucher.<id>.title)."
    autocomplete_fields = ["business"]
    list_filter = ["state", "discount_type", "expires_at"]
    # Newest first along the primary key (UUIDv7 ids follow time); sorting by expiry uses
    # its index; nothing else sorts a million rows.
    ordering = ["-id"]
    sortable_by = ["expires_at"]
    # The counts change only through redemptions, never by hand.
    readonly_fields = [
        "id",
        translated_text("title_key"),
        translated_text("description_key"),
        translated_text("terms_key"),
        "redemptions",
        "created_at",
        "updated_at",
    ]
    inlines = [VoucherCodeInline]

    def exact_search(self, queryset, term):
        return queryset.filter(title_key=term)

    def get_queryset(self, request):
        # A page's counts come with its rows: one index range of slices per voucher.
        return super().get_queryset(request).annotate(taken=redemptions_taken())

    @admin.display(description="redeemed")
    def taken(self, voucher):
        """The voucher's live redemptions, from its slices."""
        return voucher.taken

    @admin.display(description="redemptions")
    def redemptions(self, voucher):
        """The ledger's counts, linked to this voucher's redemptions (a hot voucher has too
        many for an inline)."""
        if voucher.pk is None:
            return "—"
        counts = redemption_counts_of_voucher(voucher_id=voucher.pk)
        url = reverse("admin:marketplace_redemption_changelist")
        return format_html(
            '<a href="{}?voucher__id__exact={}">{} redeemed, {} reversed</a>',
            url,
            voucher.pk,
            counts["redeemed"],
            counts["reversed"],
        )


@admin.register(VoucherCode)
class VoucherCodeAdmin(HistoryAdmin):
    list_display = ["code", "voucher", "is_single_use", "redemption_count", "created_at"]
    list_filter = ["is_single_use"]
    list_select_related = ["voucher"]
    search_fields = ["code"]
    raw_id_fields = ["voucher"]
    readonly_fields = ["id", "redemption_count", "created_at", "updated_at"]


@admin.register(Redemption)
class RedemptionAdmin(ExactSearchMixin, HistoryAdmin, MapAdmin):
    list_display = ["voucher", "user", "code", "status", "redeemed_at", "reversed_at"]
    list_select_related = ["voucher", "user", "code"]
    # Exact values through indexes: a customer's email (then the user's redemptions), or a
    # code. Substrings across the joins read every redemption.
    search_fields = ["user__email", "code__code"]
    search_help_text = "A customer's exact email, or an exact voucher code."
    raw_id_fields = ["voucher", "user", "code"]
    readonly_fields = ["id", "redeemed_at", "created_at", "updated_at"]
    list_filter = ["status", "redeemed_at"]
    # Newest first along the primary key (UUIDv7 ids follow time), no date drill-down.
    ordering = ["-id"]
    sortable_by = []

    def exact_search(self, queryset, term):
        if "@" in term:
            return queryset.filter(user__email=term)
        return queryset.filter(code__code=term.upper())


@admin.register(SavedVoucher)
class SavedVoucherAdmin(HistoryAdmin):
    list_display = ["voucher", "user", "status", "claimed_at", "payment"]
    list_filter = ["status"]
    list_select_related = ["voucher", "user", "payment"]
    search_fields = ["user__email"]
    raw_id_fields = ["voucher", "user", "payment"]
    readonly_fields = ["id", "created_at", "updated_at"]
