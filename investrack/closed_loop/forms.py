"""Forms of the closed loop: they parse input; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from investrack.accounts.models import Department, Person
from investrack.closed_loop.models import ApprovalItem, ApprovalStatus, ProblemCategory, Urgency
from investrack.closed_loop.services import MAX_WORKING_DAYS
from investrack.core.forms import DateInput, MultilineField, MultipleFileField


class _Assignment(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Assigned department"), queryset=Department.objects.all()
    )
    assignee = forms.ModelChoiceField(
        label=_("Person in charge"),
        queryset=Person.objects.filter(department__isnull=False).select_related("department"),
        required=False,
        help_text=_("Optional: someone of that department."),
    )
    working_days = forms.IntegerField(
        label=_("Time allowed (working days)"),
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        initial=10,
        help_text=_("Counted in working days: weekends and official holidays are not counted."),
    )


class ProblemRaiseForm(_Assignment):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = MultilineField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("Kind of problem"), choices=ProblemCategory.choices)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    files = MultipleFileField(label=_("Attachments"), required=False)

    field_order = ["title", "description", "category", "urgency", "department", "assignee"]


class ProblemReassignForm(_Assignment):
    reason = MultilineField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProblemStepForm(forms.Form):
    """One step of a problem's lifecycle; ``text`` is the reply, the reason or a note."""

    text = MultilineField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    files = MultipleFileField(label=_("Attachments"), required=False)


class ApprovalItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    document = forms.FileField(label=_("Document"), required=False)

    class Meta:
        model = ApprovalItem
        fields = ["status", "submitted_on", "approved_on", "agent", "note"]
        widgets = {"submitted_on": DateInput, "approved_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ApprovalStatus.choices
        self.fields["agent"].queryset = Person.objects.filter(is_leader=False)
        if self.instance.pk:
            self.initial["version"] = self.instance.version


class ProblemFilterForm(forms.Form):
    """The filters of the problem list, read from the query: an unknown value is an error
    shown on the page, never a failure."""

    view = forms.ChoiceField(label=_("Show"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    category = forms.ChoiceField(
        label=_("Kind of problem"), choices=[("", "—"), *ProblemCategory.choices], required=False
    )

    def __init__(self, *args, views, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["view"].choices = [(key, label) for key, label in views]

    def chosen(self) -> dict:
        """The filters that are valid: the view (default open), department and kind."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors
            }
        )
        return {
            "view": data.get("view") or "open",
            "department": data.get("department"),
            "category": data.get("category") or "",
        }
