from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group

from pika.admin import HistoryAdmin, MapAdmin, ObjectIdNotFoundMixin

from .models import Address, User, UserPreferences, UserProfile


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role")
        field_classes = {}


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {}


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    extra = 0
    autocomplete_fields = ["avatar"]


class UserPreferencesInline(admin.StackedInline):
    model = UserPreferences
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    inlines = [UserProfileInline, UserPreferencesInline]
    list_display = ["email", "first_name", "last_name", "role", "status", "is_staff", "created_at"]
    list_filter = ["role", "status", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    readonly_fields = ["id", "is_active", "last_login", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["id", "email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name"]}),
        ("Account", {"fields": ["role", "status", "is_active"]}),
        (
            "Permissions",
            {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "created_at", "updated_at"]}),
    ]
    # Who may raise whom: the database refuses these to anyone but a superuser (the users
    # access declaration); the form shows them read-only instead of failing at save.
    superuser_only_fields = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        """Permission fields are read-only to all but superusers."""
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.superuser_only_fields
        return fields

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "role", "password1", "password2"],
            },
        ),
    ]


@admin.register(UserProfile)
class UserProfileAdmin(HistoryAdmin):
    list_display = ["user", "display_name", "preferred_language", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "display_name"]
    list_filter = ["preferred_language"]
    autocomplete_fields = ["user", "avatar"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(UserPreferences)
class UserPreferencesAdmin(HistoryAdmin):
    list_display = ["user", "theme", "language", "notifications_enabled"]
    list_filter = ["theme", "language", "notifications_enabled"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(Address)
class AddressAdmin(HistoryAdmin, MapAdmin):
    list_display = ["user", "label", "line1", "city", "country_code", "is_default"]
    list_filter = ["country_code", "is_default"]
    list_select_related = ["user"]
    search_fields = ["user__email", "line1", "city", "postal_code"]
    autocomplete_fields = ["user"]
    readonly_fields = ["id", "created_at", "updated_at"]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ObjectIdNotFoundMixin, DjangoGroupAdmin):
    """Django's group admin, answering 404 to malformed ids like every other."""
