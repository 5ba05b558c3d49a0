"""The figures (指标) of projects per county or park, for a period, as of a date.

Every figure is an SQL aggregate over the projects' stage dates (kept by the stage events,
in the same transaction) and the monthly progress reports, **one query per family for
every region at once**:

- the stage family: projects introduced (signed), their planned investment, those of
  ≥ 1亿/10亿/100亿, started, completed, put into production in the period, and the start
  rate (of the projects introduced, those started by the as-of date);
- the progress family: investment completed and foreign investment arrived, from the
  monthly reports of the period's months recorded by the as-of date.

A figure counts what took effect in the period up to the as-of date: an event recorded
later with a later effective date never changes the figure for an earlier date. A project
dropped by the as-of date no longer counts; one dropped later still counts for earlier
dates. :func:`indicator_condition` is the condition on projects behind each figure: the
project list filters on it, so the list's count is the figure.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.utils.translation import gettext as _

from investrack.core.periods import HUNDRED, Period, first_of_month, months_from
from investrack.core.units import YI, format_amount
from investrack.projects.models import (
    STAGE_DATE_FIELD,
    ProgressReport,
    Stage,
    StageEvent,
    StageTotal,
)
from investrack.regions.models import Indicator, Unit, indicator_unit

PROGRESS_FAMILY = [Indicator.INVESTMENT_COMPLETED, Indicator.FOREIGN_ARRIVED]
REACHED_FIELD = {
    Indicator.STARTED: "started_on",
    Indicator.COMPLETED: "completed_on",
    Indicator.PRODUCTION: "production_on",
}
# The projects of ≥ 1亿, 10亿, 100亿: the size tiers the stage totals count apart.
TIER = dict(
    zip(
        [Indicator.OVER_1YI, Indicator.OVER_10YI, Indicator.OVER_100YI],
        StageTotal.TIERS,
        strict=True,
    )
)
REACHED_STAGE = {
    Indicator.STARTED: Stage.STARTED,
    Indicator.COMPLETED: Stage.COMPLETED,
    Indicator.PRODUCTION: Stage.PRODUCTION,
}


# --- the conditions behind the figures ---------------------------------------------------


def alive(as_of: datetime.date) -> Q:
    """Not dropped by the as-of date."""
    return Q(dropped_on__isnull=True) | Q(dropped_on__gt=as_of)


def _in_period(date_field: str, period: Period) -> Q:
    return Q(**{f"{date_field}__gte": period.start, f"{date_field}__lte": period.until})


# On the record clock the stage dates and drops are those the events known by the end of
# ``known_on`` give (``rules.stage_columns`` on those events, in SQL): an event counts if
# it was recorded by then, at the date of the latest correction of it recorded by then,
# not at all if that correction retracts it.


def _known_between(
    kind: str, until: datetime.datetime, first: datetime.date, last: datetime.date, **more: object
) -> Q:
    """Projects with an event of ``kind`` recorded by ``until`` whose effective date as
    then known lies from ``first`` to ``last``.

    Two sets, each a subquery PostgreSQL hashes once: the events no correction recorded by
    then touches, at their own date (a range of the index of the events' dates), and the
    few corrected ones, at the date of their latest correction (none if it retracts them).
    As one correlated condition per project, the list of a year's signings as known on a
    past day at 10⁶ took 5 s.
    """
    corrections = StageEvent.objects.filter(
        kind=StageEvent.Kind.CORRECTION, recorded_at__lt=until, corrects__isnull=False
    )
    events = StageEvent.objects.filter(kind=kind, recorded_at__lt=until, **more)
    plain = events.filter(effective_date__gte=first, effective_date__lte=last).exclude(
        pk__in=corrections.values("corrects_id")
    )
    latest = corrections.filter(corrects=OuterRef("pk")).order_by("-id")
    corrected = (
        events.filter(pk__in=corrections.values("corrects_id"))
        .annotate(
            corrected=Subquery(latest.values("effective_date")[:1]),
            retracted=Subquery(latest.values("retracts")[:1]),
        )
        .filter(retracted=False, corrected__gte=first, corrected__lte=last)
    )
    return Q(pk__in=plain.values("project_id")) | Q(pk__in=corrected.values("project_id"))


def _reached_between(
    date_field: str, period: Period, first: datetime.date, last: datetime.date
) -> Q:
    """Projects whose stage of ``date_field`` was reached from ``first`` to ``last``."""
    until = period.known_until
    if until is None:
        return Q(**{f"{date_field}__gte": first, f"{date_field}__lte": last})
    stage = next(s for s, f in STAGE_DATE_FIELD.items() if f == date_field)
    return _known_between(StageEvent.Kind.ADVANCE, until, first, last, stage=stage)


def reached_by(date_field: str, period: Period) -> Q:
    """Projects that had reached the stage of ``date_field`` by the as-of date."""
    return _reached_between(date_field, period, datetime.date.min, period.as_of)


def _reached_in(date_field: str, period: Period) -> Q:
    return _reached_between(date_field, period, period.start, period.until)


def alive_in(period: Period) -> Q:
    """Not dropped by the as-of date (as known on ``period.known_on``)."""
    until = period.known_until
    if until is None:
        return alive(period.as_of)
    return ~_known_between(StageEvent.Kind.DROP, until, datetime.date.min, period.as_of)


def reports_in(period: Period) -> Q:
    """Monthly reports of the period's months (as of: a September report counts for
    September whenever it was entered), recorded by the end of ``known_on`` if given."""
    months = Q(period__gte=period.start, period__lte=first_of_month(period.until))
    if period.known_until is None:
        return months
    return months & Q(reported_at__lt=period.known_until)


def indicator_condition(indicator: str, period: Period) -> Q:
    """The projects behind ``indicator``'s figure for ``period`` (for a start rate: the
    projects started, the numerator; for an amount: the projects it adds up). On the
    record clock the stage dates are those known on ``period.known_on``; amounts and
    places are today's."""
    introduced = _reached_in("signed_on", period)
    if indicator in (Indicator.INTRODUCED, Indicator.INTRODUCED_INVESTMENT):
        condition = introduced
    elif indicator in TIER:
        condition = introduced & Q(total_investment__gte=TIER[indicator] * YI)
    elif indicator in REACHED_FIELD:
        condition = _reached_in(REACHED_FIELD[indicator], period)
    elif indicator == Indicator.START_RATE:
        condition = introduced & reached_by("started_on", period)
    elif indicator in PROGRESS_FAMILY:
        reports = ProgressReport.objects.filter(reports_in(period), project_id=OuterRef("pk"))
        if indicator == Indicator.FOREIGN_ARRIVED:
            reports = reports.filter(foreign_investment_arrived__gt=0)
        return Q(Exists(reports))
    else:
        raise ValueError(indicator)
    return condition & alive_in(period)


# The stage family is read as four aggregates, one per stage reached in the period (signed,
# started, completed, in production), in one UNION ALL statement: each part reads a range of
# its own covering index (project_*_figures_idx) and never the project rows.
STAGE_COLUMNS = [
    Indicator.INTRODUCED.value,
    Indicator.INTRODUCED_INVESTMENT.value,
    Indicator.OVER_1YI.value,
    Indicator.OVER_10YI.value,
    Indicator.OVER_100YI.value,
    Indicator.START_RATE.value,  # the numerator: introduced and started by the as-of date
    Indicator.STARTED.value,
    Indicator.COMPLETED.value,
    Indicator.PRODUCTION.value,
]
MONEY = DecimalField(max_digits=30, decimal_places=2)


def _grouped(qs: QuerySet, by: str | None) -> QuerySet:
    if by is None:
        return qs.annotate(whole=Value(1, output_field=IntegerField())).values("whole")
    return qs.values(by)


def _stage_part(projects: QuerySet, period: Period, by: str | None, stage_field: str) -> QuerySet:
    zero, no_money = Value(0, output_field=IntegerField()), Value(0, output_field=MONEY)
    columns: dict = dict.fromkeys(STAGE_COLUMNS, zero)
    columns[Indicator.INTRODUCED_INVESTMENT.value] = no_money
    if stage_field == "signed_on":
        columns[Indicator.INTRODUCED.value] = Count("pk")
        columns[Indicator.INTRODUCED_INVESTMENT.value] = Sum("total_investment", output_field=MONEY)
        for indicator, tier in TIER.items():
            columns[indicator.value] = Count("pk", filter=Q(total_investment__gte=tier * YI))
        columns[Indicator.START_RATE.value] = Count("pk", filter=Q(started_on__lte=period.as_of))
    else:
        reached = next(k for k, v in REACHED_FIELD.items() if v == stage_field)
        columns[reached.value] = Count("pk")
    qs = projects.order_by().filter(_in_period(stage_field, period), alive(period.as_of))
    return _grouped(qs, by).annotate(**columns)


def _stage_single_scan(projects: QuerySet, period: Period, by: str | None) -> QuerySet:
    """The stage family as one pass with a filtered aggregate per figure: what PostgreSQL
    does best when a period holds a large share of the table (one scan, not four)."""
    introduced = _in_period("signed_on", period)
    columns = {
        Indicator.INTRODUCED.value: Count("pk", filter=introduced),
        Indicator.INTRODUCED_INVESTMENT.value: Sum(
            "total_investment", filter=introduced, output_field=MONEY
        ),
        Indicator.START_RATE.value: Count(
            "pk", filter=introduced & Q(started_on__lte=period.as_of)
        ),
    }
    for indicator, tier in TIER.items():
        columns[indicator.value] = Count(
            "pk", filter=introduced & Q(total_investment__gte=tier * YI)
        )
    for indicator, date_field in REACHED_FIELD.items():
        columns[indicator.value] = Count("pk", filter=_in_period(date_field, period))
    reached = introduced
    for date_field in REACHED_FIELD.values():
        reached |= _in_period(date_field, period)
    qs = projects.order_by().filter(reached, alive(period.as_of))
    return _grouped(qs, by).annotate(**columns)


def stage_family(projects: QuerySet, period: Period, by: str | None) -> QuerySet:
    """The one query of the stage family, as each database reads it best."""
    if connection.vendor == "postgresql":
        return _stage_single_scan(projects, period, by)
    fields = ["signed_on", *REACHED_FIELD.values()]
    parts = [_stage_part(projects, period, by, f) for f in fields]
    return parts[0].union(*parts[1:], all=True)


def stage_figures(projects: QuerySet, period: Period, by: str | None) -> dict:
    """``{region_or_park_id: {indicator: value}}`` (for ``by=None``: one dict, the whole).

    On SQLite, four index ranges in one UNION ALL; on PostgreSQL, one scan with filtered
    aggregates (its planner reads the covering indexes badly for large ranges). On the
    record clock, from the event log (see :func:`_known_stage_figures`)."""
    if period.known_on is not None:
        return _known_stage_figures(projects, period, by)
    return _figures_by(stage_family(projects, period, by), by)


KNOWN_COUNTED = [Indicator.INTRODUCED, *TIER, Indicator.START_RATE, *REACHED_FIELD]


def _known_stage_figures(
    projects: QuerySet, period: Period, by: str | None, only: list | None = None
) -> dict:
    """The stage family as known on ``period.known_on``, for dates the monthly totals do
    not give exactly: each figure counts the projects of its condition on the event log
    (one query a figure — the lists behind the figures use the same conditions)."""
    figures: dict = {}
    for indicator in only or KNOWN_COUNTED:
        columns = {indicator.value: Count("pk")}
        if indicator == Indicator.INTRODUCED:
            columns[Indicator.INTRODUCED_INVESTMENT.value] = Sum(
                "total_investment", output_field=MONEY
            )
        qs = projects.order_by().filter(indicator_condition(indicator, period))
        found = _figures_by(_grouped(qs, by).annotate(**columns), by)
        if by is None:
            figures.update(found)
        else:
            for key, values in found.items():
                figures.setdefault(key, {}).update(values)
    return figures


def _figures_by(rows, by: str | None) -> dict:
    """Rows of a stage family query summed per ``by`` (the parts of a UNION ALL add up)."""
    key = by or "whole"
    figures: dict = {}
    for row in rows:
        into = figures.setdefault(row.pop(key), {})
        for name, value in row.items():
            into[name] = into.get(name, 0) + (value or 0)
    if by is None:
        return figures.get(1, {})
    return figures


# --- the same figures from the monthly stage totals (StageTotal) ---------------------------


@dataclass(frozen=True)
class KeptStages:
    """The stage totals of a scope (``now``) and the same scope's totals by day recorded
    (``by_day``): a figure as known on a day is the figure now less what the rows recorded
    after that day add to it."""

    now: QuerySet
    by_day: QuerySet

    def filter(self, *args: Q, **kwargs: object) -> KeptStages:
        return KeptStages(self.now.filter(*args, **kwargs), self.by_day.filter(*args, **kwargs))

    def in_months(self, period: Period, *, since: datetime.date | None = None) -> KeptStages:
        """Rows of the period's months (or from ``since``), of projects not dropped by the
        as-of date (exact when ``period.on_totals``). On the rows by day the months are
        named one by one, not as a range: those recorded after a day are then reached month
        by month through the index that leads with kind, month and day recorded, where a
        range read every row of the months (a dashboard's figures as known on a day, each:
        21 → 0.4 ms at 10⁵ on SQLite, 38 → 5 ms at 10⁶ on PostgreSQL). The totals now keep
        the range: given the list, SQLite joined the counties first and PostgreSQL read
        every month (7 → 23 ms)."""
        first, last = since or period.start, first_of_month(period.until)
        alive = totals_alive(period.as_of)
        return KeptStages(
            self.now.filter(alive, month__gte=first, month__lte=last),
            self.by_day.filter(alive, month__in=months_from(first, last)),
        )

    def read(self, period: Period, build: Callable[[QuerySet], Iterable[dict]],
             keys: tuple[str, ...]) -> list[dict]:  # fmt: skip
        """``build``'s grouped rows (``keys`` and sums) as known on ``period.known_on``."""
        rows = [dict(row) for row in build(self.now)]
        if period.known_on is None:
            return rows
        index = {tuple(row[k] for k in keys): row for row in rows}
        for later in build(self.by_day.filter(recorded_on__gt=period.known_on)):
            row = index.get(tuple(later[k] for k in keys))
            if row is None:
                row = {k: later[k] for k in keys}
                index[tuple(later[k] for k in keys)] = row
                rows.append(row)
            for name, value in later.items():
                if name not in keys:
                    row[name] = (row.get(name) or 0) - (value or 0)
        return rows


def totals_alive(as_of: datetime.date) -> Q:
    """Stage totals of projects not dropped by ``as_of`` (the end of a month, or today)."""
    return Q(dropped_month__isnull=True) | Q(dropped_month__gt=first_of_month(as_of))


def _reached(stage: Stage, **more) -> Q:
    return Q(kind=StageTotal.Kind.REACHED, stage=stage, **more)


def stage_totals_family(totals: QuerySet, period: Period, by: str | None) -> QuerySet:
    """The one query of the stage family over the monthly stage totals (of the period's
    months: :meth:`KeptStages.in_months`)."""
    signed = _reached(Stage.SIGNED)
    started_by = Q(kind=StageTotal.Kind.START, started_month__lte=first_of_month(period.as_of))
    columns = {
        Indicator.INTRODUCED.value: Sum("projects", filter=signed),
        Indicator.INTRODUCED_INVESTMENT.value: Sum("investment", filter=signed),
        Indicator.START_RATE.value: Sum("projects", filter=started_by),
    }
    for indicator, tier in TIER.items():
        columns[indicator.value] = Sum("projects", filter=_reached(Stage.SIGNED, tier__gte=tier))
    for indicator, stage in REACHED_STAGE.items():
        columns[indicator.value] = Sum("projects", filter=_reached(stage))
    qs = totals.order_by().filter(kind__in=[StageTotal.Kind.REACHED, StageTotal.Kind.START])
    return _grouped(qs, by).annotate(**columns)


def stage_totals_figures(kept: KeptStages, period: Period, by: str | None) -> dict:
    """The stage family from the monthly stage totals (``period.on_totals`` must hold): the
    same figures as :func:`stage_figures`, from a few thousand rows (as known on
    ``period.known_on``: less the rows recorded after it)."""
    rows = kept.in_months(period).read(
        period, lambda qs: stage_totals_family(qs, period, by), (by or "whole",)
    )
    return _figures_by(rows, by)


def totals_in(period: Period) -> Q:
    """Monthly progress totals of the period's months (a report counts for its month,
    whenever it was entered), of reports recorded by the end of ``known_on`` if given."""
    months = Q(period__gte=period.start, period__lte=first_of_month(period.until))
    if period.known_on is None:
        return months
    return months & Q(recorded_on__lte=period.known_on)


def progress_figures(totals: QuerySet, period: Period, by: str | None) -> dict:
    """The progress family from the monthly totals (``ProgressTotal``: per county, park,
    category and day recorded, kept with every report)."""
    qs = totals.order_by().filter(totals_in(period))
    aggregates = {
        Indicator.INVESTMENT_COMPLETED.value: Sum("investment_completed"),
        Indicator.FOREIGN_ARRIVED.value: Sum("foreign_investment_arrived"),
    }
    if by is None:
        return qs.aggregate(**aggregates)
    return {row.pop(by): row for row in qs.values(by).annotate(**aggregates)}


def indicator_value(projects: QuerySet, indicator: str, period: Period):
    """One figure over ``projects`` (the rows of a drill-down list, say)."""
    if indicator in PROGRESS_FAMILY:
        # Straight from the reports of these projects (the totals have no project).
        figures = ProgressReport.objects.filter(
            reports_in(period), project__in=projects.order_by().values("pk")
        ).aggregate(
            **{
                Indicator.INVESTMENT_COMPLETED.value: Sum("investment_completed"),
                Indicator.FOREIGN_ARRIVED.value: Sum("foreign_investment_arrived"),
            }
        )
        return figure_value(figures, indicator)
    if period.known_on is not None:  # on the event log: only the figure asked for
        needed = {
            Indicator.START_RATE: [Indicator.INTRODUCED, Indicator.START_RATE],
            Indicator.INTRODUCED_INVESTMENT: [Indicator.INTRODUCED],
        }.get(indicator, [Indicator(indicator)])
        return figure_value(_known_stage_figures(projects, period, None, needed), indicator)
    return figure_value(stage_figures(projects, period, None), indicator)


def figure_value(figures: dict, indicator: str):
    if indicator == Indicator.START_RATE:
        signed = figures.get(Indicator.INTRODUCED.value) or 0
        started = figures.get(Indicator.START_RATE.value) or 0
        return rate(started, signed)
    value = figures.get(indicator)
    if indicator_unit(indicator) == Unit.COUNT:
        return value or 0
    return value or Decimal(0)


def rate(part, whole) -> Decimal | None:
    """``part / whole`` in per cent to one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def pace(period: Period, count: Decimal | int | None) -> Decimal | None:
    """Days per ≥ 1亿 project introduced ("one every 3.8 days")."""
    if not count:
        return None
    return (Decimal(period.days) / Decimal(count)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- how figures are written


def figure_text(indicator: str, value) -> str:
    """A figure as the briefing prints it: 116个, 689亿元, 3000万美元, 37.4%."""
    if value is None:
        return "—"
    unit = indicator_unit(indicator)
    if unit == Unit.YUAN:
        return format_amount(value)
    if unit == Unit.USD:
        return format_amount(value, "USD")
    if unit == Unit.PERCENT:
        return f"{value}%"
    count = int(value)
    return _("%(count)s projects") % {"count": count} if count != 1 else _("1 project")
