from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from investrack.core.admin import ReadOnlyAdmin
from investrack.regions.models import (
    ChainLeader,
    ChainLink,
    CityOutline,
    Industry,
    IndustryChain,
    Park,
    RaceWeight,
    Region,
    Target,
)
from investrack.regions.outlines import validated_outline


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        # A GB/T 4754 code is what the projects' figures by industry division are kept
        # under (the stage totals): a class keeps its code; a new class gets its own.
        return ["code"] if obj is not None else []


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

    def get_readonly_fields(self, request, obj=None):
        # A GB/T 4754 code is what the projects' figures by industry division are kept
        # under (the stage totals): a class keeps its code; a new class gets its own.
        return ["code"] if obj is not None else []


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    """Targets are entered on the targets page (audited); here they can only be read."""

    list_display = ["year", "region", "park", "indicator", "value", "updated_at"]
    list_filter = ["year", "indicator"]


@admin.register(RaceWeight)
class RaceWeightAdmin(ReadOnlyAdmin):
    """Weights are set on the targets page (audited); here they can only be read."""

    list_display = ["year", "indicator", "weight"]
    list_filter = ["year"]


class ChainLinkInline(admin.TabularInline):
    model = ChainLink
    extra = 1
    fields = ["segment", "position", "name", "description"]


class ChainLeaderInline(admin.TabularInline):
    model = ChainLeader
    extra = 1
    fields = ["name", "link", "region", "note"]
    raw_id_fields = ["region"]


@admin.register(IndustryChain)
class IndustryChainAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    inlines = [ChainLinkInline, ChainLeaderInline]


class CityOutlineForm(forms.ModelForm):
    """The outline comes as a file (.geojson), read and checked before it is kept."""

    upload = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_(
            "A FeatureCollection with one polygon per county, each named (properties.name) "
            "as the county is named here, in GCJ-02 coordinates."
        ),
    )

    class Meta:
        model = CityOutline
        fields = ["city", "source"]

    def clean_upload(self):
        return validated_outline(self.cleaned_data["upload"].read())

    def save(self, commit=True):
        self.instance.geojson = self.cleaned_data["upload"]
        return super().save(commit)


@admin.register(CityOutline)
class CityOutlineAdmin(admin.ModelAdmin):
    form = CityOutlineForm
    list_display = ["city", "source", "uploaded_by", "uploaded_at"]
    autocomplete_fields = ["city"]

    def save_model(self, request, obj, form, change):
        obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
