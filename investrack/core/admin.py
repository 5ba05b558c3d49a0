from django.contrib import admin

from investrack.core.models import JobRun, OfficialDay


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is append-only: it is looked at here, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OfficialDay)
class OfficialDayAdmin(admin.ModelAdmin):
    """The holiday arrangement of a year the chinese-calendar library does not know yet."""

    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "started_at", "finished_at", "ok"]
    list_filter = ["name", "ok"]
