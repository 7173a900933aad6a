from django.contrib import admin

from i18n.admin_texts import TranslatedKeysMixin, translated_text
from pika.admin import HistoryAdmin, MapAdmin

from .models import Business, BusinessPhoto, OpeningHours, StaffMembership


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["user"]


class BusinessPhotoInline(admin.TabularInline):
    model = BusinessPhoto
    extra = 0
    autocomplete_fields = ["file"]


@admin.register(Business)
class BusinessAdmin(TranslatedKeysMixin, HistoryAdmin, MapAdmin):
    translated_keys = ("business_name_key", "business_description_key")
    list_display = [
        "business_name_key",
        translated_text("business_name_key", "name"),
        "category",
        "owner",
        "verification_status",
        "is_active",
    ]
    list_filter = ["verification_status", "is_active", "category"]
    list_select_related = ["category", "owner"]
    search_fields = ["business_name_key", "owner__email"]
    autocomplete_fields = ["category", "owner", "logo", "verified_by"]
    readonly_fields = [
        "id",
        translated_text("business_name_key", "name"),
        translated_text("business_description_key", "description"),
        "created_at",
        "updated_at",
    ]
    inlines = [OpeningHoursInline, StaffMembershipInline, BusinessPhotoInline]


@admin.register(OpeningHours)
class OpeningHoursAdmin(HistoryAdmin):
    list_display = ["business", "weekday", "opens_at", "closes_at"]
    list_filter = ["weekday"]
    list_select_related = ["business"]
    search_fields = ["business__business_name_key"]
    autocomplete_fields = ["business"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(HistoryAdmin):
    list_display = ["business", "user", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["business", "user"]
    search_fields = ["business__business_name_key", "user__email"]
    autocomplete_fields = ["business", "user"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(BusinessPhoto)
class BusinessPhotoAdmin(HistoryAdmin):
    list_display = ["business", "file", "sort_order"]
    list_select_related = ["business", "file"]
    search_fields = ["business__business_name_key"]
    autocomplete_fields = ["business", "file"]
    readonly_fields = ["id", "created_at", "updated_at"]
