"""Where projects are: administrative regions (GB/T 2260), parks and industries (GB/T 4754)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from investrack.core.models import AppendOnlyModel


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County / district")

    code = models.CharField(_("GB/T 2260 code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Park(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")

    code = models.CharField(_("park code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="parks"
    )
    level = models.CharField(
        _("level"), max_length=16, choices=Level.choices, default=Level.PROVINCIAL
    )

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["region__code", "code"]

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """A node of the GB/T 4754-2017 classification: section (门类), division, group, class."""

    class Level(models.IntegerChoices):
        SECTION = 1, _("Section")
        DIVISION = 2, _("Division")
        GROUP = 3, _("Group")
        CLASS = 4, _("Class")

    code = models.CharField(_("GB/T 4754 code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=128)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    section = models.CharField(_("section"), max_length=1)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Indicator(models.TextChoices):
    """The indicators a region is set targets on and measured by, for a period and a date.

    "Introduced" (新引进) counts projects signed in the period, as the articles count them
    (新引进…项目310个 = signed and landed); planned investment is their total investment.
    """

    INTRODUCED = "introduced", _("Projects introduced (signed)")
    INTRODUCED_INVESTMENT = "introduced_investment", _("Planned investment introduced")
    OVER_1YI = "over_1yi", _("Projects ≥ 1亿 introduced")
    OVER_10YI = "over_10yi", _("Projects ≥ 10亿 introduced")
    OVER_100YI = "over_100yi", _("Projects ≥ 100亿 introduced")
    STARTED = "started", _("Projects started")
    COMPLETED = "completed", _("Projects completed")
    PRODUCTION = "production", _("Projects put into production")
    INVESTMENT_COMPLETED = "investment_completed", _("Investment completed")
    FOREIGN_ARRIVED = "foreign_arrived", _("Foreign investment arrived")
    START_RATE = "start_rate", _("Start rate of projects introduced")


class Unit(models.TextChoices):
    COUNT = "count", _("projects")
    YUAN = "yuan", _("yuan")
    USD = "usd", _("US dollars")
    PERCENT = "percent", _("%")


INDICATOR_UNIT = {
    Indicator.INTRODUCED_INVESTMENT: Unit.YUAN,
    Indicator.INVESTMENT_COMPLETED: Unit.YUAN,
    Indicator.FOREIGN_ARRIVED: Unit.USD,
    Indicator.START_RATE: Unit.PERCENT,
}


def indicator_unit(indicator: str) -> str:
    return INDICATOR_UNIT.get(indicator, Unit.COUNT)


class Target(models.Model):
    """The annual target of a county (or a park) on one indicator. Amounts in 元 (foreign
    investment in US dollars), rates in per cent."""

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    value = models.DecimalField(
        _("target"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["year", "region__code", "park__code", "indicator"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=True) ^ models.Q(park__isnull=True),
                name="target_region_xor_park",
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
            models.UniqueConstraint(
                fields=["year", "region", "indicator"],
                condition=models.Q(park__isnull=True),
                name="target_one_per_region",
            ),
            models.UniqueConstraint(
                fields=["year", "park", "indicator"],
                condition=models.Q(region__isnull=True),
                name="target_one_per_park",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region or self.park} {self.get_indicator_display()}"


class TargetRecord(AppendOnlyModel):
    """Every value a target took and when it was recorded: the record clock of the targets
    (the figures as known on a day compare with the targets as known that day). Written by
    ``targets_set`` with each change; ``value`` None: the target was cleared."""

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    park = models.ForeignKey(
        Park, verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=2, null=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("target as recorded")
        verbose_name_plural = _("targets as recorded")
        indexes = [models.Index(fields=["year", "recorded_at"], name="target_record_year_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.region or self.park} {self.indicator} {self.value}"


class RaceWeight(models.Model):
    """Which indicators count in a year's horse race (赛马), and how much."""

    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("horse-race weight")
        verbose_name_plural = _("horse-race weights")
        ordering = ["year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["year", "indicator"], name="race_weight_once"),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="race_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_indicator_display()} × {self.weight}"


class IndustryChain(models.Model):
    """An industry chain the city promotes (产业链), e.g. new-energy vehicles."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ChainLink(models.Model):
    """One link of a chain, upstream to downstream (上游 → 中游 → 下游)."""

    class Segment(models.IntegerChoices):
        UPSTREAM = 1, _("Upstream")
        MIDSTREAM = 2, _("Midstream")
        DOWNSTREAM = 3, _("Downstream")

    chain = models.ForeignKey(
        IndustryChain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="links"
    )
    name = models.CharField(_("name"), max_length=64)
    segment = models.PositiveSmallIntegerField(_("segment"), choices=Segment.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        ordering = ["chain", "segment", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "name"], name="chain_link_name_once"),
        ]

    def __str__(self) -> str:
        return f"{self.chain} · {self.name}"


class ChainLeader(models.Model):
    """A chain-leader enterprise (链主企业) of a chain, and the link it leads."""

    chain = models.ForeignKey(
        IndustryChain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="leaders"
    )
    link = models.ForeignKey(
        ChainLink,
        verbose_name=_("link"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leaders",
    )
    name = models.CharField(_("enterprise"), max_length=128)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chain-leader enterprise")
        verbose_name_plural = _("chain-leader enterprises")
        ordering = ["chain", "name"]

    def __str__(self) -> str:
        return self.name


class CityOutline(models.Model):
    """The outlines of a city's counties for the map, uploaded by the city administrator:
    a GeoJSON FeatureCollection, one feature per county named as the county is named here.
    Without one the map draws the outline shipped with the app (see ``regions.outlines``)."""

    city = models.OneToOneField(
        Region, verbose_name=_("city"), on_delete=models.CASCADE, related_name="outline"
    )
    geojson = models.JSONField(_("outlines (GeoJSON)"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("city map outline")
        verbose_name_plural = _("city map outlines")

    def __str__(self) -> str:
        return str(self.city)
