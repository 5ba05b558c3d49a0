from django import forms
from django.utils.translation import gettext_lazy as _

from investrack.promotion.models import LeadDecision, Visit


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
            "visited_on": forms.DateInput(attrs={"type": "date"}),
            "next_due": forms.DateInput(attrs={"type": "date"}),
            "agreed": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_owner"].queryset = owners
        self.fields["next_owner"].label_from_instance = lambda u: u.display_name
