"""Forms of the project pages. They parse and check input; the services decide and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from investrack.accounts.models import Department, Person
from investrack.accounts.permissions import parks_for, regions_for
from investrack.core.forms import (
    AmountField,
    AreaField,
    DateInput,
    MultilineField,
    MultipleFileField,
    MultipleFileInput,
    PastDateField,
)
from investrack.core.units import written_amount
from investrack.projects.investor_keys import credit_code_clean, validate_credit_code
from investrack.projects.models import (
    STAGE_DATE_FIELD,
    ImportBatch,
    Origin,
    Project,
    Stage,
    StageEvent,
    Tag,
)
from investrack.projects.rules import creation_stage_errors
from investrack.regions.models import ChainLink, Industry


class CodeChoiceField(forms.ModelChoiceField):
    """Choose a region, park or industry by its code; an unknown code is named in the message."""

    def __init__(self, queryset, *, unknown_message, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(queryset, **kwargs)
        self.error_messages["invalid_choice"] = unknown_message


class CoordinateField(forms.DecimalField):
    """A longitude or latitude in degrees, kept to six places (about 0.1 m): a map that gives
    more (Baidu's picker gives eight) is rounded, not refused."""

    def __init__(self, *, label, limit: int, placeholder: str):
        super().__init__(
            label=label,
            required=False,
            min_value=-limit,
            max_value=limit,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": placeholder}),
        )

    def to_python(self, value):
        number = super().to_python(value)
        return None if number is None else number.quantize(Decimal("0.000001"))


class ProjectForm(forms.ModelForm):
    """Create or edit a project. On creation it also takes the stage reached and its dates."""

    investor_name = forms.CharField(label=_("Investor"), max_length=128, required=False)
    investor_credit_code = forms.CharField(
        label=_("Investor's unified social credit code"),
        max_length=24,
        required=False,
        validators=[validate_credit_code],
        help_text=_("18 characters; foreign investors may have none."),
    )
    investor_origin = forms.ChoiceField(
        label=_("Investor origin"), choices=Origin.choices, initial=Origin.DOMESTIC
    )
    total_investment = AmountField(
        label=_("Total investment (10k yuan)"),
        help_text=_("A number in 万元, or with its unit: 1.5亿, 15000万元."),
    )
    foreign_investment = AmountField(
        label=_("Foreign investment (10k)"),
        required=False,
        currency=None,
        help_text=_("With its currency, e.g. 3,000万美元; a bare number is 万元 (RMB)."),
    )
    land_area = AreaField(label=_("Land area (mu)"), required=False)
    expected_annual_output = AmountField(
        label=_("Expected annual output (10k yuan)"), required=False
    )
    expected_annual_tax = AmountField(label=_("Expected annual tax (10k yuan)"), required=False)
    description = MultilineField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    longitude = CoordinateField(
        label=_("Longitude (GCJ-02, as Gaode or Tencent maps give it)"),
        limit=180,
        placeholder="120.655271",
    )
    latitude = CoordinateField(label=_("Latitude (GCJ-02)"), limit=90, placeholder="28.015737")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "name",
            "code",
            "national_code",
            "category",
            "industry",
            "chain_link",
            "region",
            "park",
            "total_investment",
            "land_area",
            "expected_annual_output",
            "expected_annual_tax",
            "source_channel",
            "tags",
            "planned_sign_date",
            "planned_start_date",
            "planned_completion_date",
            "planned_production_date",
            "phase_of",
            "phase_label",
            "responsible_person",
            "linked_leaders",
            "lead_department",
            "description",
            "longitude",
            "latitude",
        ]
        widgets = {
            "planned_sign_date": DateInput,
            "planned_start_date": DateInput,
            "planned_completion_date": DateInput,
            "planned_production_date": DateInput,
            "tags": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    # The investor after the codes, the foreign investment after the total.
    field_order = [
        *Meta.fields[:3],
        "investor_name",
        "investor_credit_code",
        "investor_origin",
        *Meta.fields[3:9],
        "foreign_investment",
    ]

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = creating
        self.fields["region"] = CodeChoiceField(
            regions_for(user),
            label=_("Region"),
            unknown_message=_("Unknown region code, or a region outside your jurisdiction."),
        )
        self.fields["park"] = CodeChoiceField(
            parks_for(user),
            label=_("Park"),
            required=False,
            unknown_message=_("Unknown park, or a park outside your jurisdiction."),
        )
        self.fields["industry"] = CodeChoiceField(
            Industry.objects.all(),
            label=_("Industry (GB/T 4754 code)"),
            required=False,
            widget=forms.TextInput(attrs={"list": "industry-codes", "placeholder": "3612"}),
            unknown_message=_("Unknown industry code: use a GB/T 4754-2017 code such as 3612."),
        )
        self.fields["phase_of"] = forms.ModelChoiceField(
            Project.objects.visible_to(user),
            label=_("Phase of (project code)"),
            required=False,
            to_field_name="code",
            widget=forms.TextInput,
            error_messages={"invalid_choice": _("No project with this code in your jurisdiction.")},
        )
        people = Person.objects.filter(region__in=regions_for(user)) | Person.objects.filter(
            region=user.region
        )
        self.fields["responsible_person"].queryset = people.filter(is_leader=False).distinct()
        self.fields["linked_leaders"].queryset = people.filter(is_leader=True).distinct()
        self.fields["lead_department"].queryset = Department.objects.all()
        self.fields["tags"].queryset = Tag.objects.all()
        self.fields["chain_link"].queryset = ChainLink.objects.select_related("chain")
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            # Fields chosen by code show the related object's code, not its database id.
            for name, form_field in self.fields.items():
                if getattr(form_field, "to_field_name", None) and name not in self.data:
                    self.initial[name] = getattr(self.instance, name)
            if self.instance.investor_id:
                self.initial.setdefault("investor_name", self.instance.investor.name)
                self.initial.setdefault("investor_origin", self.instance.investor.origin)
                self.initial.setdefault("investor_credit_code", self.instance.investor.credit_code)
            self.initial["foreign_investment"] = written_amount(
                self.instance.foreign_investment, self.instance.foreign_currency
            )
        else:
            regions = list(self.fields["region"].queryset[:2])
            if len(regions) == 1:  # a county user has one region: no need to choose it
                self.initial.setdefault("region", regions[0])
            # The service numbers a project that comes without a code, as the importer does.
            self.fields["code"].required = False
            self.fields["code"].help_text = _("Leave empty to number it automatically.")
        if creating:
            self.fields["stage"] = forms.TypedChoiceField(
                label=_("Stage reached"), choices=Stage.choices, coerce=int, initial=Stage.LEAD
            )
            for stage, field in STAGE_DATE_FIELD.items():
                self.fields[field] = PastDateField(
                    label=_("Date %(stage)s") % {"stage": stage.label}, required=False
                )

    def clean(self):
        cleaned = super().clean()
        place = (cleaned.get("longitude"), cleaned.get("latitude"))
        typed_badly = self.has_error("longitude") or self.has_error("latitude")
        if (place[0] is None) != (place[1] is None) and not typed_badly:
            self.add_error(
                "latitude" if place[1] is None else "longitude",
                _("Give both the longitude and the latitude, or neither."),
            )
        if self.creating and cleaned.get("stage"):
            dates = {s: cleaned.get(f) for s, f in STAGE_DATE_FIELD.items()}
            for field, message in creation_stage_errors(cleaned["stage"], dates).items():
                if field not in self.errors:  # a date that did not parse says so already
                    self.add_error(field, message)
        return cleaned

    def service_data(self) -> dict:
        """The cleaned values, as the project services take them."""
        from investrack.projects.services import EDITABLE_FIELDS, InvestorName

        data = {k: v for k, v in self.cleaned_data.items() if k in EDITABLE_FIELDS}
        foreign = self.cleaned_data.get("foreign_investment")
        data["foreign_investment"] = foreign[0] if foreign else None
        if foreign:  # without an amount the currency is left as it was
            data["foreign_currency"] = foreign[1]
        # Resolved (found or created) by the service, inside its write.
        data["investor"] = InvestorName(
            self.cleaned_data.get("investor_name", ""),
            self.cleaned_data.get("investor_origin") or Origin.DOMESTIC,
            credit_code_clean(self.cleaned_data.get("investor_credit_code", "")),
        )
        return data

    def stage_dates(self) -> dict:
        return {
            stage: self.cleaned_data.get(field)
            for stage, field in STAGE_DATE_FIELD.items()
            if self.cleaned_data.get(field)
        }


class StageChangeForm(forms.Form):
    to_stage = forms.TypedChoiceField(label=_("New stage"), coerce=int, choices=())
    effective_date = PastDateField(label=_("Effective date"))
    note = MultilineField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence = MultipleFileField(label=_("Evidence (contract, permit, photo)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["to_stage"].choices = [(s.value, s.label) for s in Stage if s > project.stage]
        # A date for each stage that might be skipped; empty means "same day as the new stage".
        self.skippable = [s for s in Stage if project.stage < s < Stage.FULL_OUTPUT]
        for stage in self.skippable:
            self.fields[f"date_{stage.value}"] = PastDateField(
                label=_("Date %(stage)s, if skipped") % {"stage": stage.label}, required=False
            )
        self.initial.setdefault("version", project.version)

    def skipped_dates(self) -> dict:
        return {
            s.value: self.cleaned_data.get(f"date_{s.value}")
            for s in self.skippable
            if self.cleaned_data.get(f"date_{s.value}")
            and s.value < self.cleaned_data.get("to_stage", 0)
        }


class CorrectionForm(forms.Form):
    retract = forms.BooleanField(
        label=_("This entry should not have been recorded at all (retract it)"), required=False
    )
    new_date = PastDateField(label=_("Correct date"), required=False)
    reason = MultilineField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = MultipleFileField(label=_("Evidence"), required=False)

    def __init__(self, *args, event: StageEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event


class DropForm(forms.Form):
    effective_date = PastDateField(label=_("Dropped on"))
    reason = MultilineField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(label=_("Evidence"), required=False)


class StalledForm(forms.Form):
    # The state the user asked for, not a toggle: a second click from a stale page is refused.
    stalled = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    reason = MultilineField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self):
        super().__init__(format="%Y-%m")


class ProgressReportForm(forms.Form):
    period = forms.DateField(
        label=_("Month"), widget=MonthInput, input_formats=["%Y-%m", "%Y-%m-%d", "%Y年%m月"]
    )
    investment_completed = AmountField(label=_("Investment completed this month (10k yuan)"))
    construction_progress = forms.IntegerField(
        label=_("Construction progress (%)"), min_value=0, max_value=100
    )
    foreign_investment_arrived = forms.DecimalField(
        label=_("Foreign investment arrived this month (10k US dollars)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("实际到位外资, if any."),
    )

    def clean_foreign_investment_arrived(self):
        value = self.cleaned_data["foreign_investment_arrived"]
        return None if value is None else value * 10_000  # stored in US dollars

    note = MultilineField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    photos = MultipleFileField(
        label=_("Site photos"),
        required=False,
        # A phone opens its camera (`capture`); a computer offers its files.
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Up to 9; made smaller, with no place or phone details kept."),
    )


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the sheet holds"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("Sheet"),
        help_text=_(".xlsx, .xls, .ods or .csv; the header may sit below a title row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.xlsm,.ods,.csv"}),
    )
