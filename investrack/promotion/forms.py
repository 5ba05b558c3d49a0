from django import forms
from django.utils.translation import gettext_lazy as _

from investrack.core.forms import DateInput
from investrack.projects.investor_keys import credit_code_clean, validate_credit_code
from investrack.promotion.models import (
    DuplicateDecision,
    InvestorContact,
    LeadDecision,
    PromotionEvent,
    TargetEnterprise,
    Visit,
)
from investrack.regions.models import ChainLink


class LeadDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("decision"), choices=LeadDecision.Outcome.choices, widget=forms.RadioSelect
    )
    first_share = forms.IntegerField(
        label=_("share of the first county (%)"),
        required=False,
        min_value=1,
        max_value=99,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=_("reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = [
            "visited_on", "where", "rank", "who_went", "met", "agreed",
            "next_step", "next_due", "next_owner",
        ]  # fmt: skip
        widgets = {
            "visited_on": DateInput,
            "next_due": DateInput,
            "agreed": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_owner"].queryset = owners
        self.fields["next_owner"].label_from_instance = lambda u: u.display_name


class ProjectsField(forms.ModelMultipleChoiceField):
    """The projects ticked in the candidates' table (drawn by the template)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, label=_("projects"), **kwargs)
        self.error_messages["required"] = _("Tick at least one project.")


class EventForm(forms.ModelForm):
    evidence = forms.FileField(label=_("Evidence (photo, list of the projects)"), required=False)

    class Meta:
        model = PromotionEvent
        fields = ["kind", "name", "held_on", "place", "note"]
        widgets = {
            "kind": forms.HiddenInput,
            "held_on": DateInput,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"] = ProjectsField(candidates)


class EventProjectsForm(forms.Form):
    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"] = ProjectsField(candidates)


class ContactForm(forms.ModelForm):
    class Meta:
        model = InvestorContact
        fields = ["name", "title", "phone", "email"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}


class TargetForm(forms.ModelForm):
    class Meta:
        model = TargetEnterprise
        fields = ["chain_link", "name", "credit_code", "reason", "based_in"]

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        links = ChainLink.objects.select_related("chain").order_by("chain", "segment", "position")
        if chain is not None:
            links = links.filter(chain=chain)
        self.fields["chain_link"].queryset = links
        self.fields["chain_link"].label_from_instance = lambda link: (
            f"{link.chain.name} · {link.name}"
        )

    def clean_credit_code(self):
        code = credit_code_clean(self.cleaned_data.get("credit_code", ""))
        if code:
            validate_credit_code(code)
        return code


class DuplicateDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("decision"), choices=DuplicateDecision.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
