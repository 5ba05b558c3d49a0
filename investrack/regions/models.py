"""Where projects are: administrative regions (GB/T 2260), parks and industries (GB/T 4754)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
