"""One filter set for the project list, the three lists, exports and the API."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from investrack.core.permissions import parks_for, regions_for
from investrack.projects.models import Category, Investor, Project, Stage, Tag
from investrack.regions.models import Industry
from investrack.service.lights import LightBook
from investrack.service.models import Light

YI = Decimal(100_000_000)

AMOUNT_TIERS = [
    ("1yi", _("≥ 100 million yuan (1亿)")),
    ("10yi", _("≥ 1 billion yuan (10亿)")),
    ("100yi", _("≥ 10 billion yuan (100亿)")),
]
TIER_THRESHOLD = {"1yi": YI, "10yi": 10 * YI, "100yi": 100 * YI}

SORTS = [
    ("-id", _("Newest first")),
    ("name", _("Name")),
    ("-total_investment", _("Largest investment")),
    ("total_investment", _("Smallest investment")),
    ("stage", _("Stage (earliest first)")),
    ("-stage", _("Stage (latest first)")),
    ("stage_since", _("Longest in stage")),
    ("-signed_on", _("Signed most recently")),
]

LIGHT_CHOICES = [
    ("red", _("Red")),
    ("yellow", _("Yellow only")),
    ("lit", _("Red or yellow")),
]

STATUS_CHOICES = [
    ("active", _("Active")),
    ("stalled", _("Stalled")),
    ("dropped", _("Dropped")),
    ("all", _("All, dropped included")),
]


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=None, to_field_name="code", field_name="region"
    )
    park = django_filters.ModelChoiceFilter(label=_("Park"), queryset=None, to_field_name="code")
    stage = django_filters.TypedMultipleChoiceFilter(
        label=_("Stage"), choices=Stage.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    industry = django_filters.CharFilter(label=_("Industry code"), method="filter_industry")
    tier = django_filters.ChoiceFilter(
        label=_("Amount"), choices=AMOUNT_TIERS, method="filter_tier"
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.all(), field_name="tags", to_field_name="name"
    )
    signed_year = django_filters.NumberFilter(
        label=_("Year signed"), field_name="signed_on", lookup_expr="year"
    )
    light = django_filters.ChoiceFilter(
        label=_("Warning light"), choices=LIGHT_CHOICES, method="filter_light"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORTS, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Project
        fields: list = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "active")
        super().__init__(data, *args, **kwargs)
        self.filters["region"].queryset = regions_for(user)
        self.filters["park"].queryset = parks_for(user)
        self._book = None

    @property
    def book(self) -> LightBook:
        """The warning rules as of today, loaded once for the filter and the rows."""
        if self._book is None:
            self._book = LightBook.load()
        return self._book

    @property
    def qs(self):
        qs = super().qs
        # The status filter defaults to active projects even when the field is left out.
        if not self.form.cleaned_data.get("status"):
            qs = self.filter_status(qs, "status", "active")
        return qs

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Investors are matched in a subquery rather than a join over every project row.
        investors = Investor.objects.filter(name__icontains=value).values("pk")
        return queryset.filter(
            Q(name__icontains=value)
            | Q(code=value)
            | Q(national_code=value)
            | Q(investor_id__in=investors)
        )

    def filter_industry(self, queryset, name, value):
        value = value.strip().upper()
        if not value:
            return queryset
        # A section letter or a code prefix selects the whole branch of GB/T 4754.
        if value.isalpha():
            return queryset.filter(industry__section=value)
        return queryset.filter(industry__code__startswith=value)

    def filter_tier(self, queryset, name, value):
        return queryset.filter(total_investment__gte=TIER_THRESHOLD[value])

    def filter_light(self, queryset, name, value):
        if value == "red":
            return self.book.only(queryset, Light.RED)
        if value == "yellow":
            return self.book.only(queryset, Light.YELLOW)
        return self.book.filter(queryset, Light.YELLOW)

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(dropped_on__isnull=True)
        if value == "stalled":
            return queryset.filter(dropped_on__isnull=True, is_stalled=True)
        if value == "dropped":
            return queryset.filter(dropped_on__isnull=False)
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(value, "-id") if value != "-id" else queryset.order_by("-id")


def industry_choices():
    """Divisions (大类) for the filter's datalist."""
    return Industry.objects.filter(level=Industry.Level.DIVISION).values_list("code", "name")
