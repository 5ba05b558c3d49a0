from django.contrib import admin

from investrack.core.models import OfficialDay


@admin.register(OfficialDay)
class OfficialDayAdmin(admin.ModelAdmin):
    """The holiday arrangement of a year the chinese-calendar library does not know yet."""

    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
