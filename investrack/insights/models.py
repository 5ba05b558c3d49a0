"""What insights keep: the monthly standings of the horse race, as they were published.

Every figure can be computed again for any past date; the standings are kept so that the
ranking a briefing printed (with that year's targets and weights) stays what it was.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RaceStanding(models.Model):
    """One county's (or park's) score in the horse race for a month, as of its last day."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    park = models.ForeignKey(
        "regions.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    # {indicator: {"actual": str, "target": str, "rate": str | None, "weight": str}}
    figures = models.JSONField(_("figures"), default=dict)
    red_projects = models.PositiveIntegerField(_("red-lit projects"), default=0)
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("horse-race standing")
        verbose_name_plural = _("horse-race standings")
        ordering = ["-month", "-score"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=True) ^ models.Q(park__isnull=True),
                name="standing_region_xor_park",
            ),
            models.UniqueConstraint(
                fields=["month", "region"],
                condition=models.Q(park__isnull=True),
                name="standing_once_per_region",
            ),
            models.UniqueConstraint(
                fields=["month", "park"],
                condition=models.Q(region__isnull=True),
                name="standing_once_per_park",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region or self.park} {self.score}"


class IssuedBriefing(models.Model):
    """A monthly briefing as it was issued: the instant, who, the figures it printed and
    the Word file itself. Regenerated as known on the day it was issued it gives the same
    figures; the page of what changed since lists the records entered after it."""

    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    park = models.ForeignKey(
        "regions.Park", verbose_name=_("park"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    category = models.CharField(_("category"), max_length=16, blank=True, default="")
    title = models.CharField(_("title"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    figures = models.JSONField(_("figures"), default=dict)
    document = models.FileField(_("Word file"), upload_to="briefings/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("issued briefing")
        verbose_name_plural = _("issued briefings")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {self.issued_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("insights:issued_briefing", args=[self.pk])
