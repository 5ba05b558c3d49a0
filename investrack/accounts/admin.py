from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from investrack.accounts.models import ApiToken, Department, Person, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "region", "park", "department", "is_active"]
    list_filter = ["role", "is_active", "region"]
    search_fields = ["username", "full_name", "email"]
    autocomplete_fields = ["region", "park"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Role and jurisdiction"),
            {"fields": ("full_name", "role", "region", "park", "department", "screen_only")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Role and jurisdiction"),
            {"fields": ("full_name", "role", "region", "park", "department", "screen_only")},
        ),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "department", "region", "is_leader"]
    list_filter = ["is_leader", "department"]
    search_fields = ["name", "title"]
    autocomplete_fields = ["region"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys are made by their owners on their account page; here they can only be revoked."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
