from django.contrib import admin

from investrack.projects.models import Investor, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Investor)
class InvestorAdmin(admin.ModelAdmin):
    list_display = ["name", "parent_group", "origin"]
    list_filter = ["origin"]
    search_fields = ["name", "parent_group"]
