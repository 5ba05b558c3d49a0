"""The investment-promotion front (招商): what the city bureau decided about leads."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from investrack.core.models import AppendOnlyModel


class LeadDecision(AppendOnlyModel):
    """The bureau's arbitration of two counties' leads of one investor (撞单). ``first`` is
    the lead registered first (首谈), ``second`` the later one. Kept for good: a decision
    is never edited, and the pair never comes back to the queue."""

    class Outcome(models.TextChoices):
        FIRST_KEEPS = "first_keeps", _("The first to register keeps it; the other lead is dropped")
        TRANSFER = "transfer", _("Transferred to the later county; the first lead is dropped")
        SHARE = "share", _("Shared by both, the figures split")
        DISTINCT = "distinct", _("Not the same investor: both go on")

    first = models.ForeignKey(
        "projects.Project",
        verbose_name=_("lead registered first"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    second = models.ForeignKey(
        "projects.Project",
        verbose_name=_("lead registered later"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    first_share = models.PositiveSmallIntegerField(
        _("share of the first county (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    note = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lead arbitration")
        verbose_name_plural = _("lead arbitrations")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_decision_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id}/{self.second_id} {self.outcome}"
