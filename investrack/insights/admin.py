from django.contrib import admin

from investrack.core.admin import ReadOnlyAdmin
from investrack.insights.models import RaceStanding


@admin.register(RaceStanding)
class RaceStandingAdmin(ReadOnlyAdmin):
    """Kept as published: read-only."""

    list_display = ["month", "region", "park", "score", "red_projects", "taken_at"]
    list_filter = ["month"]
