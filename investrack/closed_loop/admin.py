from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from investrack.closed_loop.models import (
    AdmissionStandard,
    ApprovalTemplate,
    GroupRobot,
    LightChange,
    Notification,
    Problem,
    ProblemEvent,
    RobotMessage,
    WarningRule,
)
from investrack.closed_loop.services import lights_outdated
from investrack.core.admin import ReadOnlyAdmin
from investrack.projects.models import Stage
from investrack.regions.models import Region


class WarningRuleForm(forms.ModelForm):
    stages = forms.TypedMultipleChoiceField(
        label=_("stages it applies to"),
        choices=Stage.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.MultipleChoiceField(
        label=_("regions it applies to"),
        required=False,
        help_text=_("Left empty, the rule applies everywhere."),
    )

    class Meta:
        model = WarningRule
        fields = ["kind", "is_active", "yellow_at", "red_at", "stages", "regions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = Region.objects.filter(
            level=Region.Level.COUNTY
        ).values_list("code", "name")


class ChangesLights:
    """Rules and standards decide the lights: after a change, lists compute every light
    afresh until the daily job records them again."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        lights_outdated()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        lights_outdated()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        lights_outdated()


@admin.register(WarningRule)
class WarningRuleAdmin(ChangesLights, admin.ModelAdmin):
    form = WarningRuleForm
    list_display = ["kind", "is_active", "yellow_at", "red_at", "stages", "regions"]
    list_editable = ["is_active", "yellow_at", "red_at"]


@admin.register(AdmissionStandard)
class AdmissionStandardAdmin(ChangesLights, admin.ModelAdmin):
    list_display = ["region", "min_intensity", "min_tax_per_mu"]
    autocomplete_fields = ["region"]


@admin.register(ApprovalTemplate)
class ApprovalTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "needed_before", "department", "order"]
    list_editable = ["order", "needed_before", "department"]
    list_filter = ["category"]


class ProblemEventInline(admin.TabularInline):
    model = ProblemEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "text", "status_after", "actor", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    """Problems change through their steps on the site, where each step is recorded."""

    list_display = ["title", "project", "department", "status", "deadline", "escalation"]
    list_filter = ["status", "category", "department", "escalation"]
    search_fields = ["title", "project__name"]
    inlines = [ProblemEventInline]


@admin.register(LightChange)
class LightChangeAdmin(ReadOnlyAdmin):
    list_display = ["project", "on", "before", "after"]
    list_filter = ["after", "on"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]


class GroupRobotForm(forms.ModelForm):
    url = forms.URLField(
        label=_("webhook address"),
        max_length=400,
        assume_scheme="https",
        help_text=_("The robot's address as the chat tool gives it (https://…)."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds posted"),
        choices=Notification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )

    class Meta:
        model = GroupRobot
        fields = ["name", "platform", "url", "secret", "region", "kinds", "active"]


@admin.register(GroupRobot)
class GroupRobotAdmin(admin.ModelAdmin):
    form = GroupRobotForm
    list_display = ["name", "platform", "region", "active"]
    autocomplete_fields = ["region"]


@admin.register(RobotMessage)
class RobotMessageAdmin(ReadOnlyAdmin):
    list_display = ["title", "robot", "kind", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["robot", "kind"]
