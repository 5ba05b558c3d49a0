"""Projects through their stages: the project, its stage events, evidence and monthly progress."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from investrack.core.addresses import record_address
from investrack.core.models import AppendOnlyModel
from investrack.projects.investor_keys import (
    credit_code_clean,
    investor_name_key,
    validate_credit_code,
)


class Stage(models.IntegerChoices):
    """The lifecycle: 线索 → 在谈 → 签约 → 开工 → 竣工 → 投产 → 达产."""

    LEAD = 1, _("Lead")
    NEGOTIATING = 2, _("Negotiating")
    SIGNED = 3, _("Signed")
    STARTED = 4, _("Started")
    COMPLETED = 5, _("Completed")
    PRODUCTION = 6, _("In production")
    FULL_OUTPUT = 7, _("Full output")


# The project column that holds the actual date each stage was reached.
STAGE_DATE_FIELD: dict[int, str] = {
    Stage.LEAD: "lead_on",
    Stage.NEGOTIATING: "negotiating_on",
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.COMPLETED: "completed_on",
    Stage.PRODUCTION: "production_on",
    Stage.FULL_OUTPUT: "full_output_on",
}


# The project column that holds the planned date of each stage that has one.
PLANNED_DATE_FIELD: dict[int, str] = {
    Stage.SIGNED: "planned_sign_date",
    Stage.STARTED: "planned_start_date",
    Stage.COMPLETED: "planned_completion_date",
    Stage.PRODUCTION: "planned_production_date",
}


class Category(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    HEADQUARTERS = "headquarters", _("Headquarters economy")
    SERVICES = "services", _("Modern services")
    RESEARCH = "research", _("R&D institute")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure / supporting")


class SourceChannel(models.TextChoices):
    ONLINE = "online", _("Cloud / online promotion")
    CHAIN = "chain", _("Industry-chain promotion")
    TALENT = "talent", _("Talent promotion")
    HQ_RETURN = "hq_return", _("Headquarters return")
    EXHIBITION = "exhibition", _("Exhibition / fair")
    AGENCY = "agency", _("Agency / intermediary")
    OTHER = "other", _("Other")


class Origin(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    FOREIGN = "foreign", _("Foreign")
    HMT = "hmt", _("Hong Kong, Macao, Taiwan")
    RETURNING = "returning", _("Returning native entrepreneurs")


class InvestorManager(models.Manager):
    KEYS = ("name_key", "credit_code")  # two investors sharing one are one company

    def shared(self, field: str, among=None) -> models.QuerySet:
        """The values of ``field`` (one of :attr:`KEYS`) that two investors or more hold,
        of ``among`` only when given."""
        rows = self.exclude(**{field: ""})
        if among is not None:
            rows = rows.filter(**{f"{field}__in": among})
        return rows.values(field).annotate(n=models.Count("pk")).filter(n__gte=2).values(field)

    def _flag(self, field: str, shared: models.QuerySet) -> int:
        return self.filter(**{f"{field}__in": shared}, namesake=False).update(namesake=True)

    def mark_namesakes(self, *, keys=(), codes=()) -> None:
        """Flag (``namesake``) the investors of these name keys and credit codes that share
        one with another investor. Called wherever investors are made or their keys change:
        ``save``, and after each bulk insert or update of investors."""
        for field, values in zip(self.KEYS, (keys, codes), strict=True):
            wanted = sorted({value for value in values if value})
            for start in range(0, len(wanted), 500):
                self._flag(field, self.shared(field, wanted[start : start + 500]))

    def namesakes_mend(self) -> int:
        """Flag every investor sharing a name key or a credit code that is not; returns how
        many. The daily job runs it: two investors of one name made at the same moment on
        PostgreSQL each see the other not yet there (SQLite writes one at a time)."""
        return sum(self._flag(field, self.shared(field)) for field in self.KEYS)


class Investor(models.Model):
    """A company that invests (客商). ``name_key`` is the name as compared for duplicates
    (see ``investor_keys``); it is set wherever an investor is made: ``Investor.named`` for
    bulk inserts, ``save`` otherwise.

    ``namesake``: another investor has the same name key or credit code, so that the 撞单
    queue reads the few flagged investors instead of grouping every investor on each visit
    (two groupings of 33,000 investors: 13 ms at 10⁵). Set, never cleared: a flag left
    after a rename only adds an investor to those the queue checks, while a missing one
    would hide a conflict (the kept tables' invariant checks none is missing)."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    name_key = models.CharField(_("name as compared"), max_length=128, db_index=True, default="")
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        db_index=True,
        validators=[validate_credit_code],
        help_text=_("18 characters (GB 32100-2015); foreign investors may have none."),
    )
    parent_group = models.CharField(_("parent group"), max_length=128, blank=True)
    origin = models.CharField(
        _("origin"), max_length=16, choices=Origin.choices, default=Origin.DOMESTIC
    )
    namesake = models.BooleanField(_("shares its name or code"), default=False, editable=False)

    objects = InvestorManager()

    class Meta:
        verbose_name = _("investor")
        verbose_name_plural = _("investors")
        ordering = ["name"]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(namesake=True), name="investor_namesake_idx"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = investor_name_key(self.name)
        self.credit_code = credit_code_clean(self.credit_code)
        super().save(*args, **kwargs)
        Investor.objects.mark_namesakes(keys=[self.name_key], codes=[self.credit_code])

    @classmethod
    def named(cls, name: str, **fields) -> Investor:
        return cls(name=name, name_key=investor_name_key(name), **fields)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


national_code_validator = RegexValidator(
    r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$",
    _("The national project code looks like 2023-330302-36-03-012345."),
)


def _only_inside_the_write_hook() -> None:
    from investrack.projects.write import inside_project_write

    if not inside_project_write():
        raise RuntimeError(
            "A project is written only inside investrack.projects.write.project_write "
            "(which keeps its version, audit, totals and lights): use a project service."
        )


class ProjectQuerySet(models.QuerySet):
    """Reads as usual; writes only inside the write hook."""

    def visible_to(self, user) -> ProjectQuerySet:
        """The projects ``user`` may see: every read of projects starts here."""
        from investrack.accounts.permissions import scope

        return scope(user, self)

    def update(self, **kwargs):
        _only_inside_the_write_hook()
        return super().update(**kwargs)

    def bulk_create(self, *args, **kwargs):
        _only_inside_the_write_hook()
        return super().bulk_create(*args, **kwargs)

    def bulk_update(self, *args, **kwargs):
        _only_inside_the_write_hook()
        return super().bulk_update(*args, **kwargs)


class Project(models.Model):
    name = models.CharField(_("project name"), max_length=200)
    code = models.CharField(_("project code"), max_length=32, unique=True)
    national_code = models.CharField(
        _("national project code"),
        max_length=32,
        blank=True,
        validators=[national_code_validator],
        help_text=_("The code of the online approval platform, e.g. 2023-330302-36-03-012345."),
    )
    investor = models.ForeignKey(
        Investor, verbose_name=_("investor"), null=True, blank=True, on_delete=models.PROTECT
    )
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.MANUFACTURING
    )
    industry = models.ForeignKey(
        "regions.Industry",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,  # project_industry_place_idx begins with it
    )
    chain_link = models.ForeignKey(
        "regions.ChainLink",
        verbose_name=_("industry-chain link"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    park = models.ForeignKey(
        "regions.Park", verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Money: exact decimals in 元. Total investment is counted in RMB, as statistics require;
    # foreign investment keeps the currency it was agreed in.
    total_investment = models.DecimalField(
        _("total investment (yuan)"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    foreign_investment = models.DecimalField(
        _("foreign investment"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    foreign_currency = models.CharField(
        _("foreign investment currency"), max_length=3, default="USD"
    )
    land_area = models.DecimalField(
        _("land area (mu)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    expected_annual_output = models.DecimalField(
        _("expected annual output (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    expected_annual_tax = models.DecimalField(
        _("expected annual tax (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    source_channel = models.CharField(
        _("source channel"), max_length=16, choices=SourceChannel.choices, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # Where the site is, in GCJ-02 (the datum of the map outlines and of the web maps
    # officials copy coordinates from: Gaode, Tencent); a GPS fix (WGS-84) is converted.
    longitude = models.DecimalField(
        _("longitude (GCJ-02)"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    latitude = models.DecimalField(
        _("latitude (GCJ-02)"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )

    planned_sign_date = models.DateField(_("planned signing date"), null=True, blank=True)
    planned_start_date = models.DateField(_("planned start date"), null=True, blank=True)
    planned_completion_date = models.DateField(_("planned completion date"), null=True, blank=True)
    planned_production_date = models.DateField(_("planned production date"), null=True, blank=True)

    # Maintained by projects.services in the same transaction as the stage events.
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices, default=Stage.LEAD)
    stage_since = models.DateField(_("in this stage since"))
    lead_on = models.DateField(_("lead date"), null=True, blank=True)
    negotiating_on = models.DateField(_("negotiation start date"), null=True, blank=True)
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    completed_on = models.DateField(_("completion date"), null=True, blank=True)
    production_on = models.DateField(_("production date"), null=True, blank=True)
    full_output_on = models.DateField(_("full output date"), null=True, blank=True)
    dropped_on = models.DateField(_("dropped on"), null=True, blank=True)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    is_stalled = models.BooleanField(_("stalled"), default=False)
    stalled_reason = models.TextField(_("reason for stalling"), blank=True)

    phase_of = models.ForeignKey(
        "self",
        verbose_name=_("phase of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="phases",
        help_text=_("For 二期/三期: the project this is a later phase of."),
    )
    phase_label = models.CharField(_("phase"), max_length=16, blank=True)

    responsible_person = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_for",
    )
    linked_leaders = models.ManyToManyField(
        "accounts.Person",
        verbose_name=_("linked leaders"),
        blank=True,
        related_name="linked_projects",
    )
    lead_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region", "stage"], name="project_region_stage_idx"),
            models.Index(fields=["park", "stage"], name="project_park_stage_idx"),
            # A working list's order (its stage by planned date), and the overview's
            # overdue counts read from the index alone (only the rows past the date).
            *[
                models.Index(
                    fields=["stage", planned, "dropped_on", "region", "park"],
                    name=f"project_stage_{short}_idx",
                )
                for planned, short in [
                    ("planned_sign_date", "plansign"),
                    ("planned_start_date", "planstart"),
                    ("planned_completion_date", "plancomp"),
                    ("planned_production_date", "planprod"),
                ]
            ],
            models.Index(fields=["signed_on"], name="project_signed_on_idx"),
            # A county's projects of a size (我县亿元以上项目), counted from the index alone.
            models.Index(
                fields=["region", "dropped_on", "total_investment"],
                name="project_region_amount_idx",
            ),
            # An industry's projects in a jurisdiction counted from the index alone (through
            # the key's own index, each was read: 4 ms of the list of an industry class at 10⁵).
            models.Index(
                fields=["industry", "dropped_on", "region"], name="project_industry_place_idx"
            ),
            # The list as it opens (newest first) and the API's pages, walked in that order,
            # the jurisdiction read in the index: SQLite sorted a city's 95,000 ids for them.
            models.Index(fields=["dropped_on", "id", "region", "park"], name="project_newest_idx"),
            # The few stalled projects among many (counted, listed), in an index of their own.
            models.Index(
                fields=["region", "park"],
                condition=models.Q(is_stalled=True, dropped_on__isnull=True),
                name="project_stalled_idx",
            ),
            # The search box finds a project by its national code typed whole.
            models.Index(fields=["national_code"], name="project_national_code_idx"),
            # Cover the indicators: the projects that reached a stage in a period, by county or
            # park and category, read from the index alone.
            models.Index(
                fields=[
                    "signed_on",
                    "dropped_on",
                    "region",
                    "park",
                    "category",
                    "total_investment",
                    "started_on",
                    "industry",
                    "chain_link",
                ],
                name="project_signed_figures_idx",
            ),
            models.Index(
                fields=["started_on", "dropped_on", "region", "park", "category"],
                name="project_started_figures_idx",
            ),
            models.Index(
                fields=["completed_on", "dropped_on", "region", "park", "category"],
                name="project_completed_figures_idx",
            ),
            models.Index(
                fields=["production_on", "dropped_on", "region", "park", "category"],
                name="project_production_figures_idx",
            ),
            # Covers the stage of every project on a past date (the dashboard's funnel).
            models.Index(
                fields=[
                    "lead_on",
                    "signed_on",
                    "started_on",
                    "completed_on",
                    "production_on",
                    "full_output_on",
                    "negotiating_on",
                    "dropped_on",
                    "region",
                    "park",
                    "category",
                    "total_investment",
                ],
                name="project_stages_on_idx",
            ),
            models.Index(fields=["total_investment"], name="project_total_inv_idx"),
            # Covers the overview's grouped count (stage, scope, amount, overdue) and the
            # working lists' order (planned date, days in stage) without the table.
            models.Index(
                fields=[
                    "stage",
                    "dropped_on",
                    "region",
                    "total_investment",
                    "planned_sign_date",
                    "planned_start_date",
                    "planned_completion_date",
                    "planned_production_date",
                    "stage_since",
                ],
                name="project_overview_idx",
            ),
            # Covers the map's points and cells of the projects under way with a place.
            models.Index(
                fields=["region", "longitude", "latitude", "total_investment", "id"],
                name="project_map_idx",
                condition=models.Q(dropped_on__isnull=True, longitude__isnull=False),
            ),
            # The open leads' investors and counties, read from the index alone: where the
            # conflict queue (撞单) starts. (Not a partial index: SQLite cannot match a
            # bound "stage IN (?, ?)" to one.)
            models.Index(
                fields=["stage", "dropped_on", "investor", "region"],
                name="project_lead_investor_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_investment__gte=0), name="project_investment_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(land_area__isnull=True) | models.Q(land_area__gte=0),
                name="project_land_not_negative",
            ),
            models.CheckConstraint(  # a place has both coordinates or none
                condition=models.Q(longitude__isnull=True, latitude__isnull=True)
                | models.Q(longitude__isnull=False, latitude__isnull=False),
                name="project_location_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        _only_inside_the_write_hook()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return record_address("projects:detail", self.pk)

    @property
    def is_dropped(self) -> bool:
        return self.dropped_on is not None

    @property
    def investment_intensity(self):
        """万元 per 亩."""
        if not self.land_area:
            return None
        return (self.total_investment / 10_000) / self.land_area


class StageEvent(AppendOnlyModel):
    """One entry in a project's stage timeline. Append-only: never edited, never deleted."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Reached stage")
        CORRECTION = "correction", _("Correction")
        DROP = "drop", _("Dropped")
        STALL = "stall", _("Marked stalled")
        UNSTALL = "unstall", _("Stalled flag cleared")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    stage = models.PositiveSmallIntegerField(
        _("stage"), choices=Stage.choices, null=True, blank=True
    )
    effective_date = models.DateField(_("effective date"))
    note = models.TextField(_("note"), blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    retracts = models.BooleanField(
        _("retracts the corrected entry"),
        default=False,
        help_text=_("The corrected entry should not have happened at all."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The record clock: when the platform learnt it (a load of history may bring it).
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        ordering = ["effective_date", "id"]
        indexes = [
            models.Index(fields=["project", "effective_date"], name="event_project_date_idx"),
            # Covering on PostgreSQL: the lists as known on a past day read a year's events
            # of a stage by it, and their project, without the table (10⁶: 240 → 50 ms).
            models.Index(
                fields=["kind", "stage", "effective_date"],
                include=["recorded_at", "project", "id"],
                name="event_kind_stage_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_stage_display() or ''} {self.effective_date}"


def evidence_path(instance, filename: str) -> str:
    return f"evidence/{instance.event.project_id}/{instance.event_id}/{filename}"


class ProjectSearch(models.Model):
    """What the search box looks up for a project (``projects.search``): its name, codes and
    investor as terms. A table of its own, so the projects' rows stay narrow; kept by the
    write hook, indexed by SQLite FTS5 or a PostgreSQL GIN (migration 0007)."""

    project = models.OneToOneField(
        Project, primary_key=True, on_delete=models.CASCADE, related_name="search"
    )
    terms = models.TextField(_("search terms"), blank=True, default="")

    class Meta:
        verbose_name = _("search terms")
        verbose_name_plural = _("search terms")

    def __str__(self) -> str:
        return self.terms[:60]


class DuplicatePair(models.Model):
    """Two live projects likely counted twice (``projects.duplicate_pairs``): the same
    national code, or one investor with alike names and amounts. Kept by the write hook
    for the projects it wrote, checked by the kept tables' invariant; the bureau's report
    reads them and leaves out the pairs it decided."""

    # The lower id first; its index is the pair's unique one.
    first = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", db_index=False)
    second = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    same_code = models.BooleanField(_("same national project code"), default=False)
    alike = models.PositiveSmallIntegerField(
        _("names alike (%)"), null=True, blank=True, help_text=_("Of the same investor.")
    )

    class Meta:
        verbose_name = _("projects likely counted twice")
        verbose_name_plural = _("projects likely counted twice")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once")
        ]

    def __str__(self) -> str:
        return f"{self.first_id}-{self.second_id}"


class EvidenceFile(models.Model):
    event = models.ForeignKey(
        StageEvent, verbose_name=_("stage event"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ProgressReport(models.Model):
    """Monthly progress of a project under construction: investment completed and progress."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    investment_completed = models.DecimalField(
        _("investment completed this month (yuan)"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    foreign_investment_arrived = models.DecimalField(
        _("foreign investment arrived this month (US dollars)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("实际到位外资: foreign capital actually paid in this month."),
    )
    construction_progress = models.PositiveSmallIntegerField(
        _("construction progress (%)"), default=0
    )
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="progress_one_per_month"),
            models.CheckConstraint(
                condition=models.Q(construction_progress__lte=100), name="progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period:%Y-%m}"


def import_file_path(instance, filename: str) -> str:
    return f"imports/{instance.uploaded_at:%Y/%m}/{instance.sha256[:16]}-{filename}"


def photo_path(instance, filename: str) -> str:
    return f"photos/{instance.report.project_id}/{instance.report_id}/{filename}"


class ProgressPhoto(models.Model):
    """A photo of the site sent with a monthly report (from the phone's camera): kept made
    smaller, with no metadata but the time it was taken (``core.photos``)."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.PROTECT,
        related_name="photos",
    )
    image = models.FileField(_("photo"), upload_to=photo_path)
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_path)
    original_name = models.CharField(_("file name"), max_length=255)
    taken_at = models.DateTimeField(_("time taken"), null=True, blank=True)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site photo")
        verbose_name_plural = _("site photos")

    def __str__(self) -> str:
        return self.original_name


class ImportBatch(models.Model):
    """One uploaded sheet: who, when, the file itself, its checksum, what it did or would do."""

    class Kind(models.TextChoices):
        PROJECTS = "projects", _("Projects")
        PROGRESS = "progress", _("Monthly progress")

    class Status(models.TextChoices):
        PLANNING = "planning", _("Being read")
        PREVIEWED = "previewed", _("Previewed, not imported")
        IMPORTING = "importing", _("Being imported")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused: nothing was written")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED
    )
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # The uploader's jurisdiction, so that the batch is seen where its rows belong.
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
    rows = models.PositiveIntegerField(_("data rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The first errors and changes, for the preview and the record: [{row, column, message}]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    ignored_columns = models.JSONField(_("columns not read"), default=list, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class PlaceTotal(models.Model):
    """A total of one county, park (none: outside the parks) and category: what the
    jurisdiction scope and the category filter apply to."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    park = models.ForeignKey(
        "regions.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)

    class Meta:
        abstract = True


class ProgressTotal(PlaceTotal):
    """Monthly progress summed per county, park, category and day recorded.

    Kept by projects.services in the same transaction as every report (and every move of a
    project to another county, park or category), so that the indicators sum a few hundred
    rows instead of every report. Never edited by hand; ``progress_totals_rebuild`` makes it
    again from the reports.
    """

    period = models.DateField(_("month"))
    recorded_on = models.DateField(_("recorded on"))
    investment_completed = models.DecimalField(
        _("investment completed (yuan)"), max_digits=20, decimal_places=2, default=0
    )
    foreign_investment_arrived = models.DecimalField(
        _("foreign investment arrived (US dollars)"), max_digits=20, decimal_places=2, default=0
    )
    reports = models.PositiveIntegerField(_("reports"), default=0)

    class Meta:
        verbose_name = _("monthly progress total")
        verbose_name_plural = _("monthly progress totals")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "recorded_on", "region", "park", "category"],
                condition=models.Q(park__isnull=False),
                name="progress_total_once_in_park",
            ),
            models.UniqueConstraint(
                fields=["period", "recorded_on", "region", "category"],
                condition=models.Q(park__isnull=True),
                name="progress_total_once_outside_parks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.region_id} {self.category}"


class MapCell(PlaceTotal):
    """The projects on the map summed per cell of 0.01° (about 1 km), county, park,
    category and recorded light: what the city's map reads instead of a million projects.

    A project counts when it has a place and is not dropped. A ledger like the stage
    totals: the write hook adds the difference a write makes to a project's row, the
    recorded lights the difference a change of light makes; rows with the same key add up
    and the daily job folds them. ``map_cells_rebuild`` makes it again from the projects.
    """

    longitude = models.DecimalField(_("longitude of the cell"), max_digits=5, decimal_places=2)
    latitude = models.DecimalField(_("latitude of the cell"), max_digits=4, decimal_places=2)
    light = models.PositiveSmallIntegerField(_("light"), default=0)
    projects = models.IntegerField(_("projects"), default=0)
    investment = models.DecimalField(
        _("total investment (yuan)"), max_digits=22, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("map cell")
        verbose_name_plural = _("map cells")

    def __str__(self) -> str:
        return f"{self.longitude},{self.latitude} {self.region_id} {self.light}"


class StageShare(PlaceTotal):
    """The key and the sums of the stage totals (what one project adds: see
    ``projects.totals.stage_shares``)."""

    # The sizes counted apart, in 亿元: a signing of ≥ 1亿, 10亿, 100亿 has that tier.
    TIERS = (1, 10, 100)

    class Kind(models.TextChoices):
        REACHED = "reached", _("reached the stage in the month")
        START = "start", _("signed in the month, started in started_month")
        INDUSTRY = "industry", _("signed in the month, by industry division")
        CHAIN = "chain", _("signed in the month, by industry-chain link")
        HELD = "held", _("entered (+) or left (−) the stage in the month")
        CURRENT = "current", _("in the stage now (not dropped)")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices)
    month = models.DateField(_("month"), null=True, blank=True)  # none for CURRENT
    dropped_month = models.DateField(_("month dropped"), null=True, blank=True)
    tier = models.PositiveSmallIntegerField(
        _("size (100 million yuan and more: 1, 10, 100)"), default=0
    )
    started_month = models.DateField(_("month started"), null=True, blank=True)
    division = models.CharField(_("industry division"), max_length=2, blank=True, default="")
    chain_link = models.ForeignKey(
        "regions.ChainLink",
        verbose_name=_("industry-chain link"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    projects = models.IntegerField(_("projects"), default=0)
    investment = models.DecimalField(
        _("total investment (yuan)"), max_digits=22, decimal_places=2, default=0
    )

    class Meta:
        abstract = True


class StageTotal(StageShare):
    """Projects summed per county, park, category and month of a stage date.

    What the leaders' figures read instead of the projects: a year holds a few thousand
    rows, where it holds a quarter of a million projects at 10⁶. Each project adds its
    share (:func:`investrack.projects.services.stage_shares`) and every write to a project
    adds the difference in the same transaction, as a row of its own (a ledger: rows with
    the same key add up); the daily job folds the rows back to one per key. Never edited by
    hand; ``stage_totals_rebuild`` makes it again from the projects.

    A month is exact for an as-of date at the end of a month, and for today (no stage or
    drop date lies in the future); the figures of other dates read the projects.
    """

    class Meta:
        verbose_name = _("stage total")
        verbose_name_plural = _("stage totals")
        # Covering: a figure reads a range of kind and month and never the table's rows.
        indexes = [
            models.Index(
                fields=["kind", "month", "stage", "dropped_month", "region", "park", "category",
                        "tier", "started_month", "division", "chain_link", "projects",
                        "investment"],
                name="stage_total_figures_idx",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.kind} {self.stage} {self.month:%Y-%m} {self.region_id} {self.category}"


class StageTotalDay(StageShare):
    """The stage totals by the day the writes were recorded: the record clock of the
    figures. Every write adds its difference here too, dated the day it is recorded (a
    new project its history on the days its events were recorded); the figures as known
    on a day are the totals now less the rows recorded after it. None: kept before the
    record clock existed (``manage.py rebuild_totals`` dates them)."""

    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage total by day recorded")
        verbose_name_plural = _("stage totals by day recorded")
        # The rows recorded after a day, and what they add to each figure: a figure reads a
        # kind and a range of months, so those lead (recorded_on first read the whole tail
        # of the record clock for each figure: 2.5 s for a dashboard at 10⁶, 0.48 s now).
        indexes = [
            models.Index(
                fields=["kind", "month", "recorded_on", "stage", "dropped_month", "region",
                        "park", "category", "tier", "started_month", "division", "chain_link",
                        "projects", "investment"],
                name="stage_total_day_month_idx",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.recorded_on} {self.kind} {self.stage} {self.month} {self.region_id}"
