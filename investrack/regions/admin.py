from django.contrib import admin

from investrack.regions.models import Industry, Park, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["region"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
