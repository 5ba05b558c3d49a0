"""What insights keep: the monthly standings of the horse race, as they were published.

Every figure can be computed again for any past date; the standings are kept so that the
ranking a briefing printed (with that year's targets and weights) stays what it was.
"""

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
