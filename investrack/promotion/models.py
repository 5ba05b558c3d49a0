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


class Visit(AppendOnlyModel):
    """A visit or talk with an investor about a lead (走访/洽谈记录): who went, whom they met,
    where, what was agreed, and the next step with its owner and due date (a reminder)."""

    class Where(models.TextChoices):
        HERE = "here", _("Here (the investor came)")
        AWAY = "away", _("Out of town (we went)")
        ONLINE = "online", _("Online (cloud investment)")

    class Rank(models.TextChoices):
        CITY_HEAD = "city_head", _("City's top leaders")
        CITY_DEPUTY = "city_deputy", _("City's deputy leaders")
        COUNTY_HEAD = "county_head", _("County's top leaders")
        COUNTY_DEPUTY = "county_deputy", _("County's deputy leaders")
        STAFF = "staff", _("Investment staff")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("date of the visit"))
    where = models.CharField(_("where"), max_length=8, choices=Where.choices)
    rank = models.CharField(_("highest rank who went"), max_length=16, choices=Rank.choices)
    who_went = models.CharField(_("who went"), max_length=200)
    met = models.CharField(_("whom they met"), max_length=200)
    agreed = models.TextField(_("what was agreed"))
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_due = models.DateField(_("next step due"), null=True, blank=True)
    next_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner of the next step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["next_due"], name="visit_next_due")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.visited_on}"
