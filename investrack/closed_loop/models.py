"""The closed loop around a project: problems routed to departments, approval items,
warning rules and their lights, and the notifications that keep people on them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from investrack.core.models import AppendOnlyModel
from investrack.projects.models import Category, Stage

# --- problems (问题/诉求) -------------------------------------------------------------------


class ProblemCategory(models.TextChoices):
    LAND = "land", _("Land")
    APPROVALS = "approvals", _("Approvals")
    FUNDING = "funding", _("Funding")
    ENERGY = "energy", _("Energy quota")
    LABOUR = "labour", _("Labour")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


class Urgency(models.IntegerChoices):
    NORMAL = 1, _("Normal")
    URGENT = 2, _("Urgent")
    CRITICAL = 3, _("Very urgent")


class ProblemStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed solved")


OPEN_STATUSES = [ProblemStatus.RAISED, ProblemStatus.ACCEPTED, ProblemStatus.IN_PROGRESS]


class Escalation(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    BUREAU = 1, _("Escalated to the city bureau")
    LEADER = 2, _("Escalated to the linked leader")


class Problem(models.Model):
    """An obstacle a project meets, with an owner (a department) and a deadline."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=16, choices=ProblemCategory.choices)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("assigned department"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    assignee = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    working_days = models.PositiveSmallIntegerField(
        _("time allowed (working days)"), help_text=_("Counted from the day it is assigned.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.RAISED
    )
    raised_on = models.DateField(_("raised on"))
    assigned_on = models.DateField(_("assigned on"))
    deadline = models.DateField(_("deadline"))
    # Set when the department reports it solved, cleared on reopening: the clock stops here.
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="problem_status_deadline_idx"),
            models.Index(fields=["department", "status"], name="problem_dept_status_idx"),
            models.Index(fields=["project", "status"], name="problem_project_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("service:problem", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProblemEvent(AppendOnlyModel):
    """One step in a problem's life: who did what, when, and what they wrote."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("Raised and assigned")
        ACCEPTED = "accepted", _("Accepted")
        STARTED = "started", _("Work started")
        NOTE = "note", _("Progress note")
        RESOLVED = "resolved", _("Resolved")
        CONFIRMED = "confirmed", _("Confirmed solved")
        REOPENED = "reopened", _("Reopened")
        REASSIGNED = "reassigned", _("Reassigned")
        ESCALATED = "escalated", _("Escalated")

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    status_after = models.CharField(_("status after"), max_length=16, choices=ProblemStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.problem} {self.get_kind_display()} {self.at:%Y-%m-%d}"


def problem_file_path(instance, filename: str) -> str:
    return f"problems/{instance.problem_id}/{filename}"


class ProblemAttachment(models.Model):
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=problem_file_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


# --- approval agency (代办) -------------------------------------------------------------


class ApprovalTemplate(models.Model):
    """One approval item every project of a category needs, and the stage it must precede."""

    category = models.CharField(
        _("project category"),
        max_length=16,
        choices=Category.choices,
        blank=True,
        help_text=_("Left empty, the item applies to every category."),
    )
    name = models.CharField(_("approval item"), max_length=64)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    needed_before = models.PositiveSmallIntegerField(
        _("needed before stage"), choices=Stage.choices
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("approving department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("approval item template")
        verbose_name_plural = _("approval item templates")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="approval_template_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def item_for(self, project_id: int, **fields) -> ApprovalItem:
        """This item on a project's checklist (not saved)."""
        return ApprovalItem(
            project_id=project_id,
            name=self.name,
            order=self.order,
            needed_before=self.needed_before,
            department_id=self.department_id,
            **fields,
        )


class ApprovalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    APPROVED = "approved", _("Approved")
    NOT_NEEDED = "not_needed", _("Not needed")


DONE_APPROVALS = [ApprovalStatus.APPROVED, ApprovalStatus.NOT_NEEDED]


def approval_file_path(instance, filename: str) -> str:
    return f"approvals/{instance.project_id}/{filename}"


class ApprovalItem(models.Model):
    """One approval on a project's checklist, handled by an agent (代办员)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="approval_items",
    )
    name = models.CharField(_("approval item"), max_length=64)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    needed_before = models.PositiveSmallIntegerField(
        _("needed before stage"), choices=Stage.choices
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("approving department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.NOT_STARTED,
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    agent = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document = models.FileField(
        _("document"), upload_to=approval_file_path, max_length=255, blank=True
    )
    document_name = models.CharField(_("document name"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        ordering = ["project", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="approval_item_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_on__isnull=False),
                name="approval_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # The rule behind approval_approved_has_date, told on the date field.
        from investrack.closed_loop.rules import approval_date_errors

        errors = approval_date_errors(
            status=self.status,
            submitted_on=self.submitted_on,
            approved_on=self.approved_on,
            today=timezone.localdate(),
        )
        if errors:
            raise ValidationError(errors)

    @property
    def is_done(self) -> bool:
        return self.status in DONE_APPROVALS


# --- warning lights (亮灯) --------------------------------------------------------------


class Light(models.IntegerChoices):
    NONE = 0, _("No light")
    YELLOW = 1, _("Yellow")
    RED = 2, _("Red")


class RuleKind(models.TextChoices):
    SIGNED_NOT_STARTED = "signed_not_started", _("Signed but not started, days after signing")
    START_OVERDUE = "start_overdue", _("Not started, days past the planned start date")
    NO_PROGRESS = "no_progress", _("Under construction, days without a progress report")
    COMPLETION_OVERDUE = "completion_overdue", _("Not completed, days past planned completion")
    PROBLEM_OVERDUE = "problem_overdue", _("A problem open, days past its deadline")
    NO_CONTACT = "no_contact", _("A lead or negotiation, days without a visit or talk")
    LOW_INTENSITY = "low_intensity", _("Investment intensity below the county's standard (%)")
    LOW_TAX = "low_tax", _("Tax per mu below the county's standard (%)")


# Rules on a ratio to the county's standard light up when the ratio falls *below* the
# threshold (in %); every other rule when the number of days reaches it.
RATIO_RULES = {RuleKind.LOW_INTENSITY, RuleKind.LOW_TAX}


class WarningRule(models.Model):
    kind = models.CharField(_("rule"), max_length=24, choices=RuleKind.choices)
    is_active = models.BooleanField(_("on"), default=True)
    yellow_at = models.PositiveIntegerField(
        _("yellow at"), help_text=_("Days; for a standard, the percentage of it below which.")
    )
    red_at = models.PositiveIntegerField(
        _("red at"), help_text=_("Days; for a standard, the percentage of it below which.")
    )
    stages = models.JSONField(
        _("stages it applies to"),
        default=list,
        help_text=_("The stages a project must be in for this rule to light it."),
    )
    regions = models.JSONField(
        _("regions it applies to"),
        default=list,
        blank=True,
        help_text=_("Codes of the counties it applies to; left empty, it applies everywhere."),
    )

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind__in=["low_intensity", "low_tax"], red_at__lte=models.F("yellow_at")
                    )
                    | (
                        ~models.Q(kind__in=["low_intensity", "low_tax"])
                        & models.Q(red_at__gte=models.F("yellow_at"))
                    )
                ),
                name="warning_rule_red_beyond_yellow",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.yellow_at}/{self.red_at})"

    def clean(self):
        # The rule behind warning_rule_red_beyond_yellow, told on the red field.
        from investrack.closed_loop.rules import warning_threshold_errors

        errors = warning_threshold_errors(
            kind=self.kind, yellow_at=self.yellow_at, red_at=self.red_at
        )
        if errors:
            raise ValidationError(errors)


class AdmissionStandard(models.Model):
    """A county's admission thresholds (准入标准) on investment intensity and tax per mu."""

    region = models.OneToOneField(
        "regions.Region",
        verbose_name=_("county"),
        on_delete=models.CASCADE,
        related_name="admission_standard",
    )
    min_intensity = models.DecimalField(
        _("minimum investment intensity (10k yuan per mu)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    min_tax_per_mu = models.DecimalField(
        _("minimum tax per mu (10k yuan per mu per year)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("admission standard")
        verbose_name_plural = _("admission standards")

    def __str__(self) -> str:
        return str(self.region)


class LightPlace(models.Model):
    """Where a lit project is counted, kept with its light: its county, park and size tier
    (1, 10, 100: ≥ 1亿, 10亿, 100亿; else 0), so that lit projects are counted per county,
    park and size without reading the projects."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    park = models.ForeignKey(
        "regions.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    light = models.PositiveSmallIntegerField(_("light"), choices=Light.choices)
    tier = models.PositiveSmallIntegerField(_("size tier"), default=0)

    class Meta:
        abstract = True


class ProjectLight(LightPlace):
    """The light the daily job last saw on a project, and since when."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="recorded_light",
    )
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("recorded light")
        verbose_name_plural = _("recorded lights")
        # A light's projects, read from the index alone: a list of the red ones is the
        # projects of this list (on SQLite the project's key is not the row's own id).
        indexes = [models.Index(fields=["light", "project"], name="light_project_idx")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_light_display()} {self.since}"


class LightTotal(LightPlace):
    """The recorded lights counted per county, park, light and size tier: what the red and
    yellow counts read (the overview, the dashboard, the horse race, the list of a light,
    of a size or not) instead of a city's recorded lights (226,000 red at 10⁶: 30 ms a
    count). A ledger: every change of a recorded light adds −1 and +1 as rows of their
    own, in the same transaction; rows with the same key add up and the daily job folds
    them. Never edited by hand."""

    projects = models.IntegerField(_("projects"), default=0)

    class Meta:
        verbose_name = _("light total")
        verbose_name_plural = _("light totals")

    def __str__(self) -> str:
        return f"{self.region_id} {self.park_id} {self.get_light_display()} {self.projects}"


class LightsRecorded(models.Model):
    """The daily job recorded every project's light as of ``on``. While it is current, the
    recorded lights are today's (each write that can change a light records that project's
    again) and lists filter on them; a change of rules or standards makes it not current
    until the next run, and lists compute every light afresh meanwhile."""

    on = models.DateField(_("as of"), unique=True)
    at = models.DateTimeField(_("recorded at"), auto_now=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("daily recording of lights")
        verbose_name_plural = _("daily recordings of lights")
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d}"


class LightChange(AppendOnlyModel):
    """Each time a project's light changed, as the daily job saw it."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="light_changes",
    )
    on = models.DateField(_("on"))
    before = models.PositiveSmallIntegerField(_("before"), choices=Light.choices)
    after = models.PositiveSmallIntegerField(_("after"), choices=Light.choices)
    # The record clock, as for stage events and reports: the day the light is for (``on``)
    # and the moment the change was recorded.
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("light change")
        verbose_name_plural = _("light changes")
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["project", "on"], name="lightchange_project_idx")]


# --- notifications -----------------------------------------------------------------------


class Notification(models.Model):
    """A message in a user's inbox. ``key`` makes sending idempotent: one per user and key."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Problem assigned")
        DUE_SOON = "due_soon", _("Deadline near")
        ESCALATED = "escalated", _("Problem escalated")
        RESOLVED = "resolved", _("Problem resolved")
        REOPENED = "reopened", _("Problem reopened")
        TURNED_RED = "turned_red", _("Project turned red")
        IMPORT_DONE = "import_done", _("Import finished")
        LEAD_CONFLICT = "lead_conflict", _("Conflicting leads")
        VISIT_STEP = "visit_step", _("Next step of a visit")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


class GroupRobot(models.Model):
    """A robot of an enterprise chat group (企业微信群机器人, 钉钉群机器人): what the inbox
    tells the people of its county (or of the whole city, for the city's robot) is posted
    to the group too, of the kinds chosen (none chosen: every kind)."""

    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信) group robot")
        DINGTALK = "dingtalk", _("DingTalk (钉钉) group robot")

    name = models.CharField(_("name"), max_length=64)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    url = models.URLField(
        _("webhook address"),
        max_length=400,
        help_text=_("The robot's address as the chat tool gives it (https://…)."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=128,
        blank=True,
        help_text=_("DingTalk's 加签 secret (SEC…): each message is signed with it."),
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("county or city"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A county's robot hears its county; the city's robot hears the whole city."),
    )
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if parts.scheme != "https" and not loopback:
            raise ValidationError({"url": _("A robot's address starts with https://.")})
        unknown = set(self.kinds or []) - set(Notification.Kind.values)
        if unknown:
            raise ValidationError({"kinds": _("Unknown kinds: %(k)s") % {"k": ", ".join(unknown)}})


class RobotMessage(models.Model):
    """One message for one robot, once per event (kind and key); sent after the write that
    made it, and tried again (by the next message or the daily job) until the robot took it."""

    robot = models.ForeignKey(
        GroupRobot, verbose_name=_("group robot"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Notification.Kind.choices)
    key = models.CharField(_("key"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        constraints = [
            models.UniqueConstraint(fields=["robot", "kind", "key"], name="robot_message_once")
        ]

    def __str__(self) -> str:
        return self.title
