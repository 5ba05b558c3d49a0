from django.contrib import admin

from investrack.core.admin import ReadOnlyAdmin
from investrack.projects.models import ImportBatch, Investor, Tag
from investrack.projects.write import project_write


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Investor)
class InvestorAdmin(admin.ModelAdmin):
    list_display = ["name", "parent_group", "origin"]
    list_filter = ["origin"]
    search_fields = ["name", "parent_group"]

    def save_model(self, request, obj, form, change):
        """An investor's name is searched with its projects: renamed, it is saved inside
        the write of those projects, whose hook keeps their search terms."""
        ids = list(obj.project_set.values_list("pk", flat=True)) if change and obj.pk else []
        with project_write(request.user, ids):
            super().save_model(request, obj, form, change)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """The record of every upload: read-only, as history is."""

    list_display = ["uploaded_at", "original_name", "kind", "uploaded_by", "status", "rows",
                    "created", "updated", "unchanged", "error_count"]  # fmt: skip
    list_filter = ["kind", "status"]
    search_fields = ["original_name", "sha256", "uploaded_by__username"]
    date_hierarchy = "uploaded_at"
