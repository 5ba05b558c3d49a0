"""Warning lights (亮灯), computed in the database for any as-of date.

Each active :class:`WarningRule` becomes SQL: a condition for yellow and one for red, on
the project's own columns (its stage as of the date, its actual and planned dates, its
amounts) and on its progress reports and problems. A project's light is the highest its
rules give, so it clears by itself when the cause goes away: nothing is stored to unset.
The daily job keeps the last light it saw (:class:`ProjectLight`) only to tell who turned
red.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.closed_loop.models import (
    RATIO_RULES,
    Light,
    LightsRecorded,
    Problem,
    ProjectLight,
    RuleKind,
    WarningRule,
)
from investrack.core.units import format_date
from investrack.projects.models import STAGE_DATE_FIELD, ProgressReport, Stage
from investrack.regions.models import Region

# The stages in which a rule's cause can exist at all; a rule's own stage list narrows it.
POSSIBLE_STAGES = {
    RuleKind.SIGNED_NOT_STARTED: {Stage.SIGNED},
    RuleKind.START_OVERDUE: {Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED},
    RuleKind.NO_PROGRESS: {Stage.STARTED},
    RuleKind.COMPLETION_OVERDUE: {Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED},
    RuleKind.PROBLEM_OVERDUE: set(Stage),
    RuleKind.NO_CONTACT: {Stage.LEAD, Stage.NEGOTIATING},
    RuleKind.LOW_INTENSITY: set(Stage),
    RuleKind.LOW_TAX: set(Stage),
}
WAN = Decimal(10_000)
# For each ratio rule: the county's standard (万元 per 亩) and the project's amount (元).
STANDARD_OF = {
    RuleKind.LOW_INTENSITY: ("region__admission_standard__min_intensity", "total_investment"),
    RuleKind.LOW_TAX: ("region__admission_standard__min_tax_per_mu", "expected_annual_tax"),
}
MONEY = DecimalField(max_digits=30, decimal_places=4)

# Causes kept by an app above this one (the visits of a lead are the promotion front's):
# {kind: cause(threshold_day, as_of) -> Q}, registered when that app is ready.
CAUSES_FROM_ABOVE: dict[str, Callable[[datetime.date, datetime.date], Q]] = {}


def cause_register(kind: str, cause: Callable[[datetime.date, datetime.date], Q]) -> None:
    CAUSES_FROM_ABOVE[kind] = cause


def active_rules(as_of: datetime.date) -> list[WarningRule]:
    """The rules that are on, each knowing whether the lights recorded for ``as_of`` are
    current (``rule.recorded``), in one query."""
    recorded = LightsRecorded.objects.filter(on=as_of, is_current=True)
    return list(
        WarningRule.objects.filter(is_active=True)
        .annotate(recorded=Exists(recorded))
        .order_by("id")
    )


def _days_before(as_of: datetime.date, days: int) -> datetime.date:
    return as_of - datetime.timedelta(days=days)


def _last_month_ended_by(day: datetime.date) -> datetime.date:
    """The first day of the latest month that has ended on or before ``day``."""
    first_of_next = (day + datetime.timedelta(days=1)).replace(day=1)
    return (first_of_next - datetime.timedelta(days=1)).replace(day=1)


def in_stages_on(stages, as_of: datetime.date) -> Q:
    """Projects that were in one of ``stages`` on ``as_of`` (and not dropped by then)."""
    stages = sorted(int(s) for s in stages)
    if not stages:
        return Q(pk__in=[])
    if as_of >= timezone.localdate():
        # Nothing is recorded with a future date: today's stage column is the answer.
        return Q(stage__in=stages, dropped_on__isnull=True)
    condition = Q()
    for stage in stages:
        # Reached by then, and no later stage reached by then (a later stage's date may be
        # there while a skipped one in between is not).
        reached = Q(**{f"{STAGE_DATE_FIELD[Stage(stage)]}__lte": as_of})
        for later in range(stage + 1, max(Stage) + 1):
            after = STAGE_DATE_FIELD[Stage(later)]
            reached &= Q(**{f"{after}__isnull": True}) | Q(**{f"{after}__gt": as_of})
        condition |= reached
    return condition & (Q(dropped_on__isnull=True) | Q(dropped_on__gt=as_of))


def _end_of_day(day: datetime.date) -> datetime.datetime:
    start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(start)


def _cause(rule: WarningRule, threshold: int, as_of: datetime.date) -> Q:
    """The condition, beyond the stage, under which ``rule`` reaches ``threshold``."""
    kind = rule.kind
    if kind == RuleKind.SIGNED_NOT_STARTED:
        return Q(signed_on__lte=_days_before(as_of, threshold))
    if kind == RuleKind.START_OVERDUE:
        return Q(planned_start_date__lte=_days_before(as_of, threshold))
    if kind == RuleKind.COMPLETION_OVERDUE:
        return Q(planned_completion_date__lte=_days_before(as_of, threshold))
    if kind == RuleKind.NO_PROGRESS:
        # Started at least ``threshold`` days ago and no month reported that ends later than
        # ``threshold`` days ago (reports recorded after ``as_of`` do not count for it).
        since = _days_before(as_of, threshold)
        recent = ProgressReport.objects.filter(
            project_id=OuterRef("pk"),
            period__gt=_last_month_ended_by(since),
            reported_at__lt=_end_of_day(as_of),
        )
        return Q(started_on__lte=since) & ~Exists(recent)
    if kind == RuleKind.PROBLEM_OVERDUE:
        overdue = Problem.objects.filter(
            raised_on__lte=as_of, deadline__lte=_days_before(as_of, threshold)
        ).filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of))
        return Q(pk__in=overdue.values("project_id"))
    if kind in CAUSES_FROM_ABOVE:
        return CAUSES_FROM_ABOVE[kind](_days_before(as_of, threshold), as_of)
    if kind in RATIO_RULES:
        # amount / land < the county's standard × threshold%, without dividing.
        standard, amount = STANDARD_OF[kind]
        floor = ExpressionWrapper(
            F("land_area") * F(standard) * Value(WAN * threshold / 100), output_field=MONEY
        )
        return Q(land_area__gt=0, **{f"{amount}__isnull": False, f"{amount}__lt": floor})
    raise ValueError(kind)


def _applies(rule: WarningRule, as_of: datetime.date) -> Q:
    stages = POSSIBLE_STAGES[rule.kind] & {Stage(s) for s in rule.stages}
    condition = in_stages_on(stages, as_of)
    if rule.regions:
        condition &= Q(region_id__in=Region.objects.filter(code__in=rule.regions).values("pk"))
    return condition


@dataclass
class LightBook:
    """The active rules turned into SQL for one as-of date."""

    rules: list[WarningRule]
    as_of: datetime.date
    live: bool = False

    @classmethod
    def load(cls, as_of: datetime.date | None = None, *, live: bool = False) -> LightBook:
        """The active rules as of ``as_of`` (today); ``live``: never filter on recorded
        lights, compute every one (the daily job itself, tests of the rules)."""
        as_of = as_of or timezone.localdate()
        return cls(rules=active_rules(as_of), as_of=as_of, live=live)

    @property
    def recorded(self) -> bool:
        """Whether the lights recorded for the date are current: lists filter on them."""
        return not self.live and any(getattr(rule, "recorded", False) for rule in self.rules)

    def _rule_q(self, rule: WarningRule, level: int) -> Q:
        threshold = rule.red_at if level == Light.RED else rule.yellow_at
        return _applies(rule, self.as_of) & _cause(rule, threshold, self.as_of)

    def lit(self, level: int) -> Q:
        """Projects whose light is at least ``level``: the OR of every rule's condition."""
        condition = Q(pk__in=[])
        for rule in self.rules:
            condition |= self._rule_q(rule, level)
        return condition

    def filter(self, queryset: QuerySet, level: int) -> QuerySet:
        """Projects whose light is at least ``level``."""
        if self.recorded:
            lit = ProjectLight.objects.filter(light__gte=level).values("project_id")
            return queryset.filter(pk__in=lit)
        return queryset.filter(self.lit(level))

    def only(self, queryset: QuerySet, level: int) -> QuerySet:
        """Projects whose light is exactly ``level`` (yellow and not red, say)."""
        if self.recorded:
            # A subquery rather than a join: SQLite then walks the list in its own order
            # and stops at the end of the page instead of sorting every lit project.
            lit = ProjectLight.objects.filter(light=level).values("project_id")
            return queryset.filter(pk__in=lit)
        if level == Light.RED:
            return queryset.filter(self.lit(Light.RED))
        return queryset.filter(self.lit(Light.YELLOW)).exclude(self.lit(Light.RED))

    def rule_lights(self) -> dict[str, Any]:
        """Per rule, ``light_<id>`` (0, 1, 2); for the ratio rules, the county's standard
        (``light_<kind>``, for the reasons)."""
        lights: dict[str, Any] = {
            f"light_{rule.pk}": Case(
                When(self._rule_q(rule, Light.RED), then=Value(Light.RED)),
                When(self._rule_q(rule, Light.YELLOW), then=Value(Light.YELLOW)),
                default=Value(Light.NONE),
                output_field=IntegerField(),
            )
            for rule in self.rules
        }
        if any(rule.kind in RATIO_RULES for rule in self.rules):
            lights.update({f"light_{kind}": F(STANDARD_OF[kind][0]) for kind in RATIO_RULES})
        return lights

    def annotate(self, queryset: QuerySet) -> QuerySet:
        """Adds ``light`` and :meth:`rule_lights` (for the reasons), to sort or filter by the
        light. Rows only shown take :meth:`rule_lights` alone and :meth:`light_of` (in SQL,
        the greatest of the rules repeats every rule's condition: twice the work)."""
        queryset = queryset.annotate(**self.rule_lights())
        names = [f"light_{rule.pk}" for rule in self.rules]
        if not names:
            return queryset.annotate(light=Value(Light.NONE, output_field=IntegerField()))
        if len(names) == 1:
            return queryset.annotate(light=F(names[0]))
        return queryset.annotate(light=Greatest(*[F(n) for n in names]))

    def light_of(self, project) -> int:
        """The light of ``project`` annotated with :meth:`rule_lights`: its reddest rule's."""
        return max((getattr(project, f"light_{rule.pk}") for rule in self.rules), default=0)

    def reasons(self, project) -> list[tuple[int, str]]:
        """Why ``project`` (annotated by :meth:`annotate`) is lit, in words, reddest first."""
        found = []
        for rule in self.rules:
            level = getattr(project, f"light_{rule.pk}", Light.NONE)
            if level:
                found.append((level, self._reason(rule, level, project)))
        return sorted(found, key=lambda pair: -pair[0])

    def _reason(self, rule: WarningRule, level: int, project) -> str:
        threshold = rule.red_at if level == Light.RED else rule.yellow_at
        as_of = self.as_of
        if rule.kind == RuleKind.SIGNED_NOT_STARTED:
            return _("Signed %(days)s days ago and not started") % {
                "days": (as_of - project.signed_on).days
            }
        if rule.kind == RuleKind.START_OVERDUE:
            return _("%(days)s days past the planned start date (%(date)s)") % {
                "days": (as_of - project.planned_start_date).days,
                "date": format_date(project.planned_start_date),
            }
        if rule.kind == RuleKind.COMPLETION_OVERDUE:
            return _("%(days)s days past the planned completion date (%(date)s)") % {
                "days": (as_of - project.planned_completion_date).days,
                "date": format_date(project.planned_completion_date),
            }
        if rule.kind == RuleKind.NO_PROGRESS:
            return _("No monthly progress reported for more than %(days)s days") % {
                "days": threshold
            }
        if rule.kind == RuleKind.PROBLEM_OVERDUE:
            return _("A problem is more than %(days)s days past its deadline") % {"days": threshold}
        if rule.kind == RuleKind.NO_CONTACT:
            return _("No visit or talk logged for more than %(days)s days") % {"days": threshold}
        land = project.land_area
        if rule.kind == RuleKind.LOW_INTENSITY:
            return _(
                "Investment intensity %(value)s (10k yuan per mu), below %(percent)s%% of the "
                "county's admission standard of %(standard)s"
            ) % {
                "value": _wan_per_mu(project.total_investment, land),
                "percent": threshold,
                "standard": _plain(getattr(project, f"light_{rule.kind}")),
            }
        return _(
            "Tax per mu %(value)s (10k yuan per mu), below %(percent)s%% of the county's "
            "admission standard of %(standard)s"
        ) % {
            "value": _wan_per_mu(project.expected_annual_tax, land),
            "percent": threshold,
            "standard": _plain(getattr(project, f"light_{rule.kind}")),
        }


def _plain(value) -> str:
    return format(Decimal(value).quantize(Decimal("0.1")).normalize(), "f")


def _wan_per_mu(amount, land) -> str:
    return _plain(Decimal(amount) / WAN / Decimal(land))


def light_counts(queryset: QuerySet, book: LightBook, *, totals: QuerySet | None = None) -> dict:
    """How many projects of ``queryset`` are red and yellow, in one query. ``totals``: the
    light totals of the same projects (scoped by county and park, which they keep): summed
    from those few rows when the recorded lights are current."""
    queryset = queryset.order_by()
    if book.recorded and totals is not None:
        zero = Value(0)
        return totals.order_by().aggregate(
            red=Coalesce(Sum("projects", filter=Q(light=Light.RED)), zero),
            yellow=Coalesce(Sum("projects", filter=Q(light=Light.YELLOW)), zero),
        )
    if book.recorded:
        return queryset.aggregate(
            red=Count("pk", filter=Q(recorded_light__light=Light.RED)),
            yellow=Count("pk", filter=Q(recorded_light__light=Light.YELLOW)),
        )
    red = book.lit(Light.RED)
    return queryset.aggregate(
        red=Count("pk", filter=red),
        yellow=Count("pk", filter=book.lit(Light.YELLOW) & ~red),
    )
