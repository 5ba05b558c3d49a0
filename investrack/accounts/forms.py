from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new key"),
        max_length=64,
        help_text=_("Say which system will use it, e.g. 市统计平台."),
    )
