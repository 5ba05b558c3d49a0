from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from investrack.accounts.models import Department, Person, User


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
            {"fields": ("full_name", "role", "region", "park", "department")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Role and jurisdiction"),
            {"fields": ("full_name", "role", "region", "park", "department")},
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
