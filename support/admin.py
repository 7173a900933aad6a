from django.contrib import admin

from pika.admin import HistoryAdmin

from .models import Ticket, TicketAttachment, TicketMessage


class TicketMessageInline(admin.StackedInline):
    model = TicketMessage
    extra = 0
    raw_id_fields = ["author"]
    readonly_fields = ["created_at"]


@admin.register(Ticket)
class TicketAdmin(HistoryAdmin):
    list_display = ["subject", "requester", "status", "priority", "assignee", "created_at"]
    list_filter = ["status", "priority"]
    list_select_related = ["requester", "assignee"]
    search_fields = ["subject", "requester__email"]
    autocomplete_fields = ["requester", "assignee", "business"]
    readonly_fields = ["id", "created_at", "updated_at"]
    inlines = [TicketMessageInline]
    date_hierarchy = "created_at"


class TicketAttachmentInline(admin.TabularInline):
    model = TicketAttachment
    extra = 0
    autocomplete_fields = ["file"]


@admin.register(TicketMessage)
class TicketMessageAdmin(HistoryAdmin):
    list_display = ["ticket", "author", "is_internal", "created_at"]
    list_filter = ["is_internal"]
    list_select_related = ["ticket", "author"]
    search_fields = ["body", "ticket__subject", "author__email"]
    raw_id_fields = ["ticket", "author"]
    readonly_fields = ["id", "created_at", "updated_at"]
    inlines = [TicketAttachmentInline]


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(HistoryAdmin):
    list_display = ["message", "file", "created_at"]
    list_select_related = ["message", "file"]
    raw_id_fields = ["message", "file"]
    readonly_fields = ["id", "created_at", "updated_at"]
