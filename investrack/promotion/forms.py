from django import forms
from django.utils.translation import gettext_lazy as _

from investrack.promotion.models import LeadDecision


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
