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


def event_evidence_path(instance, filename: str) -> str:
    return f"events/{instance.held_on:%Y}/{filename}"


class PromotionEvent(models.Model):
    """A promotion event (招商活动) and the projects it brought: a conference, a fair, a trip
    or online promotion links the leads it produced (so the bureau sees which channels
    bring projects that get built); a mass ceremony (集中签约/开工/竣工) moves each of its
    projects to its stage on the day, through the project services, with one shared
    evidence file."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Promotion conference")
        FAIR = "fair", _("Fair or expo")
        TRIP = "trip", _("Promotion trip")
        ONLINE = "online", _("Online promotion")
        SIGNING = "signing", _("Mass signing ceremony")
        START = "start", _("Mass ground-breaking ceremony")
        COMPLETION = "completion", _("Mass completion ceremony")

    kind = models.CharField(_("kind of event"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name of the event"), max_length=200)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The organiser: the city, a county or a park (whose staff see the event).
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    park = models.ForeignKey(
        "regions.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.FileField(_("evidence"), upload_to=event_evidence_path, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    projects = models.ManyToManyField(
        "projects.Project",
        verbose_name=_("projects"),
        through="EventProject",
        related_name="promotion_events",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promotion event")
        verbose_name_plural = _("promotion events")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.name}"

    @property
    def ceremony_stage(self):
        """The stage a mass ceremony moves its projects to; None for other events."""
        from investrack.projects.models import Stage

        return {
            self.Kind.SIGNING: Stage.SIGNED,
            self.Kind.START: Stage.STARTED,
            self.Kind.COMPLETION: Stage.COMPLETED,
        }.get(self.kind)


class EventProject(AppendOnlyModel):
    """A project an event brought or a ceremony moved: kept for good."""

    event = models.ForeignKey(
        PromotionEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="links"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="event_links",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project of an event")
        verbose_name_plural = _("projects of events")
        constraints = [
            models.UniqueConstraint(fields=["event", "project"], name="event_project_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.project_id}"


class InvestorContact(models.Model):
    """Someone to call at an investor (客商联系人). Personal information: the phone and
    e-mail are shown masked (138****1234); the city bureau and the investment staff of the
    county that recorded them may reveal them, and each reveal is audited."""

    investor = models.ForeignKey(
        "projects.Investor",
        verbose_name=_("investor"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("recorded by the county"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("contact's name"), max_length=64)
    title = models.CharField(_("position"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("investor's contact")
        verbose_name_plural = _("investors' contacts")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


def masked_phone(phone: str) -> str:
    """13812341234 → 138****1234; a short or landline number keeps its last four only."""
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-4:]}" if len(digits) > 4 else "****" if phone else ""


def masked_email(email: str) -> str:
    """zhang.wei@catl.com → z***@catl.com"""
    local, at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if at else ""


class TargetEnterprise(models.Model):
    """An enterprise to chase for a link of an industry chain (招商目标企业): a supplier of
    a chain leader, a national champion. It has become a lead when a project of an
    investor of the same name (normalised) or credit code exists: read from the projects,
    never set by hand; before that its staff mark it contacted."""

    class Status(models.TextChoices):
        NOT_CONTACTED = "not_contacted", _("Not contacted")
        CONTACTED = "contacted", _("Contacted")

    chain_link = models.ForeignKey(
        "regions.ChainLink",
        verbose_name=_("chain link"),
        on_delete=models.PROTECT,
        related_name="targets",
    )
    name = models.CharField(_("enterprise"), max_length=128)
    name_key = models.CharField(_("name as compared"), max_length=128, db_index=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    reason = models.CharField(_("why this one"), max_length=200, blank=True)
    based_in = models.CharField(_("based in"), max_length=64, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("chased by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_CONTACTED
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("target enterprise")
        verbose_name_plural = _("target enterprises")
        ordering = ["chain_link", "name"]
        constraints = [
            models.UniqueConstraint(fields=["chain_link", "name_key"], name="target_once_per_link")
        ]

    def __str__(self) -> str:
        return self.name


class DuplicateDecision(AppendOnlyModel):
    """The bureau's word on two projects that look like one counted twice (重复统计): the
    same national project code, or the same investor with alike names and amounts. Kept for
    good; the pair never comes back to the report."""

    class Outcome(models.TextChoices):
        DUPLICATE = "duplicate", _("One project counted twice: the later one is dropped")
        DISTINCT = "distinct", _("Two projects (another phase, another site): both go on")

    first = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project kept"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    second = models.ForeignKey(
        "projects.Project",
        verbose_name=_("other project"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_decided_once")
        ]

    def __str__(self) -> str:
        return f"{self.first_id}/{self.second_id} {self.outcome}"
