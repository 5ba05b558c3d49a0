"""One filter set for the project list, the three lists, exports and the API."""

import django_filters
from django import forms
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from investrack.accounts.permissions import parks_for, regions_for, scope
from investrack.closed_loop.lights import LightBook, in_stages_on
from investrack.closed_loop.models import Light, LightTotal
from investrack.core.compiled import Likely, through_index
from investrack.core.forms import QuickCheckboxes, QuickSelect
from investrack.core.periods import Period
from investrack.core.units import YI
from investrack.projects.figures import alive, indicator_condition
from investrack.projects.models import Category, Project, SourceChannel, Stage, StageTotal, Tag
from investrack.projects.search import search_condition
from investrack.regions.models import Indicator, Industry

AMOUNT_TIERS = [
    ("1yi", _("≥ 100 million yuan (1亿)")),
    ("10yi", _("≥ 1 billion yuan (10亿)")),
    ("100yi", _("≥ 10 billion yuan (100亿)")),
]
TIER_THRESHOLD = {"1yi": YI, "10yi": 10 * YI, "100yi": 100 * YI}

URGENCY = "urgency"  # the working lists' own order: furthest past the planned date first
SORTS = [
    (URGENCY, _("Most urgent first")),
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


class IdFilter(django_filters.NumberFilter):
    """A record's id: a whole number a database column holds (a longer one is an error on
    the form, not an overflow in the database)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class YearFilter(IdFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1900, max_value=2100, **kwargs)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=100)
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=None, to_field_name="code", field_name="region",
        widget=QuickSelect,
    )  # fmt: skip
    park = django_filters.ModelChoiceFilter(
        label=_("Park"), queryset=None, to_field_name="code", widget=QuickSelect
    )
    stage = django_filters.TypedMultipleChoiceFilter(
        label=_("Stage"),
        choices=Stage.choices,
        coerce=int,
        widget=QuickCheckboxes,
        method="filter_stage",
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, widget=QuickSelect
    )
    industry = django_filters.CharFilter(label=_("Industry code"), method="filter_industry")
    tier = django_filters.ChoiceFilter(
        label=_("Amount"), choices=AMOUNT_TIERS, method="filter_tier", widget=QuickSelect
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.all(), field_name="tags", to_field_name="name",
        widget=QuickSelect,
    )  # fmt: skip
    signed_year = YearFilter(label=_("Year signed"), field_name="signed_on", lookup_expr="year")
    lead_year = YearFilter(label=_("Year of the lead"), field_name="lead_on", lookup_expr="year")
    source_channel = django_filters.ChoiceFilter(
        label=_("Source channel"), choices=SourceChannel.choices, widget=QuickSelect
    )
    chain = IdFilter(label=_("Industry chain"), field_name="chain_link__chain")
    chain_link = IdFilter(label=_("Chain link"), field_name="chain_link")
    # The drill-down from a figure: the projects behind an indicator for a period, as of a date.
    indicator = django_filters.ChoiceFilter(
        label=_("Indicator"), choices=Indicator.choices, method="filter_indicator"
    )
    period_from = django_filters.DateFilter(label=_("From"), method="filter_nothing")
    period_to = django_filters.DateFilter(label=_("To"), method="filter_nothing")
    as_of = django_filters.DateFilter(label=_("As of"), method="filter_nothing")
    # The record clock: the projects behind the figure as known at the end of that day.
    known_on = django_filters.DateFilter(label=_("As known on"), method="filter_nothing")
    # The stage filter then means the stage on that date; alone: the projects there were then.
    on = django_filters.DateFilter(label=_("On"), method="filter_on")
    light = django_filters.ChoiceFilter(
        label=_("Warning light"), choices=LIGHT_CHOICES, method="filter_light", widget=QuickSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None,
        widget=QuickSelect,
    )  # fmt: skip
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORTS, method="filter_sort", empty_label=None,
        widget=QuickSelect,
    )  # fmt: skip

    class Meta:
        model = Project
        fields: list = []

    def __init__(self, data=None, *args, user=None, urgency: bool = False, **kwargs):
        data = data.copy() if data is not None else {}
        # The form shows the order the rows are in: a working list is most urgent first.
        data.setdefault("sort", URGENCY if urgency else "-id")
        for outer, inner in (("from", "period_from"), ("to", "period_to")):
            if outer in data and inner not in data:
                data[inner] = data[outer]
        # A figure as of a date counts projects dropped after it: its list must show them.
        dated = any(data.get(name) for name in ("indicator", "on"))
        data.setdefault("status", "all" if dated else "active")
        super().__init__(data, *args, **kwargs)
        self.filters["region"].queryset = regions_for(user)
        self.filters["park"].queryset = parks_for(user)
        if not urgency:
            self.filters["sort"].extra["choices"] = SORTS[1:]
        self._book = None
        self.user = user
        self.rows_counted: int | None = None  # set by whoever counted ``rows`` already
        self.base_stages: list[int] | None = None  # the stages ``queryset`` is limited to

    @property
    def book(self) -> LightBook:
        """The warning rules as of today, loaded once for the filter and the rows."""
        if self._book is None:
            self._book = LightBook.load()
        return self._book

    def known_count(self) -> int | None:
        """How many rows, when known without counting them (None: count the rows):

        - counted already with the figure the list restates;
        - one light of the user's jurisdiction, of a size or not, and nothing more (the red
          projects of ≥ 1亿, say): from the kept totals of the recorded lights per county,
          park and size;
        - the projects under way, narrowed by no more than county, park, stage and category
          (the list as it opens, a working list): from the stage totals of the projects in
          each stage now.

        Both are kept by the write hook and checked against the projects by the invariant
        after every write of the suite, so the count is exact without reading the projects
        (at 10⁶: the city's red list 270 ms, its whole list 60 ms, counted)."""
        if self.rows_counted is not None:
            return self.rows_counted
        if self.user is None or not self.is_valid():
            return None
        data = self.form.cleaned_data
        narrowing = {name for name, value in data.items() if value} - {"sort", "status"}
        status = data.get("status")
        lights_only = "light" in narrowing and narrowing <= {"light", "tier"}
        if lights_only and status in ("active", "all") and self.book.recorded:
            lights = scope(self.user, LightTotal.objects.all())
            level = {"red": Q(light=Light.RED), "yellow": Q(light=Light.YELLOW)}
            lit = lights.filter(level.get(data["light"], Q(light__gte=Light.YELLOW)))
            if data.get("tier"):  # the size tiers are the amount filter's thresholds in 亿
                lit = lit.filter(tier__gte=TIER_THRESHOLD[data["tier"]] // YI)
            return lit.aggregate(n=Sum("projects"))["n"] or 0
        if narrowing <= {"region", "park", "stage", "category"} and status == "active":
            totals = scope(self.user, StageTotal.objects.filter(kind=StageTotal.Kind.CURRENT))
            stages = [int(s) for s in data.get("stage") or []] or self.base_stages
            if stages is not None:
                totals = totals.filter(stage__in=stages)
            for name in ("region", "park", "category"):
                if data.get(name):
                    totals = totals.filter(**{name: data[name]})
            return totals.aggregate(n=Sum("projects"))["n"] or 0
        return None

    @property
    def narrowed(self) -> bool:
        """Whether the list is filtered (its order and page are not filters): a phone shows
        the filters open then, folded otherwise."""
        return any(v for k, v in self.data.items() if k not in ("sort", "page", "status"))

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
        return queryset.filter(search_condition(value))

    def filter_industry(self, queryset, name, value):
        value = value.strip().upper()
        if not value:
            return queryset
        # A section letter or a code prefix selects the whole branch of GB/T 4754, given to
        # the database as the branch's ids: joined to the industries by their code,
        # PostgreSQL read a county's every project of the stage (10⁶: 188 → 73 ms).
        branch = Industry.objects.filter(
            Q(section=value) if value.isalpha() else Q(code__startswith=value)
        )
        return queryset.filter(industry_id__in=list(branch.values_list("pk", flat=True)))

    def filter_tier(self, queryset, name, value):
        return queryset.filter(total_investment__gte=TIER_THRESHOLD[value])

    def filter_light(self, queryset, name, value):
        if value == "red":
            return self.book.only(queryset, Light.RED)
        if value == "yellow":
            return self.book.only(queryset, Light.YELLOW)
        return self.book.filter(queryset, Light.YELLOW)

    def filter_nothing(self, queryset, name, value):
        return queryset  # read by filter_indicator

    def period(self) -> Period | None:
        data = self.form.cleaned_data
        start, end = data.get("period_from"), data.get("period_to")
        if not (data.get("indicator") and start and end):
            return None
        return Period.months(start, end, data.get("as_of"), data.get("known_on"))

    def filter_indicator(self, queryset, name, value):
        period = self.period()
        if period is None:
            return queryset
        return queryset.filter(indicator_condition(value, period))

    def filter_on(self, queryset, name, value):
        stages = self.form.cleaned_data.get("stage")
        if stages:
            return queryset.filter(in_stages_on(stages, value))
        return queryset.filter(alive(value), lead_on__lte=value)

    def filter_stage(self, queryset, name, value):
        if not value or self.form.cleaned_data.get("on"):
            return queryset  # the stage on a date: see filter_on
        return queryset.filter(stage__in=value)

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(Likely(Q(dropped_on__isnull=True)))
        if value == "stalled":  # (as the stalled projects' own index says it)
            stalled = through_index(Project, "project_stalled_idx")
            return queryset.filter(stalled, dropped_on__isnull=True, is_stalled=True)
        if value == "dropped":
            return queryset.filter(dropped_on__isnull=False)
        return queryset

    def filter_sort(self, queryset, name, value):
        if value == URGENCY:  # ordered by the working list, which knows its planned date
            return queryset
        return queryset.order_by(value, "-id") if value != "-id" else queryset.order_by("-id")


def industry_choices():
    """Divisions (大类) for the filter's datalist."""
    return Industry.objects.filter(level=Industry.Level.DIVISION).values_list("code", "name")
