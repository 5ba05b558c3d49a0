"""Indicators against targets: the table of figures per county or park the dashboard,
the race and the briefing show. The figures themselves are counted in
``projects.figures`` over periods of ``core.periods``; their names are re-exported here
for the pages that show them."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    QuerySet,
)

from investrack.core.periods import (  # noqa: F401
    Period,
    first_of_month,
    last_closed_month,
    last_of_month,
)
from investrack.projects.figures import (  # noqa: F401
    HUNDRED,
    PROGRESS_FAMILY,
    REACHED_FIELD,
    REACHED_STAGE,
    STAGE_COLUMNS,
    TIER,
    KeptStages,
    alive,
    figure_text,
    figure_value,
    indicator_condition,
    indicator_value,
    pace,
    progress_figures,
    rate,
    reports_in,
    stage_family,
    stage_figures,
    stage_totals_family,
    stage_totals_figures,
    totals_alive,
    totals_in,
)
from investrack.regions.models import (
    Indicator,
    Region,
    Target,
    TargetRecord,
    Unit,
    indicator_unit,
)


def month_label(month: int) -> str:
    """A month on a chart's axis: 9月 (English: Sep)."""
    from investrack.core.units import is_chinese

    return f"{month}月" if is_chinese() else calendar.month_abbr[month]


def percent(value) -> str:
    return "—" if value is None else f"{value}%"


# --- the table of figures against targets ------------------------------------------------


@dataclass
class Figure:
    indicator: str
    actual: Decimal | int | None
    target: Decimal | None = None

    @property
    def unit(self) -> str:
        return indicator_unit(self.indicator)

    @property
    def label(self) -> str:
        return Indicator(self.indicator).label

    @property
    def completion(self) -> Decimal | None:
        """The share of the target reached, in per cent."""
        if self.target is None or self.actual is None:
            return None
        return rate(self.actual, self.target)


@dataclass
class Row:
    """A county, a park or the whole jurisdiction, with a figure per indicator."""

    name: str
    code: str = ""
    kind: str = "total"  # "region", "park" or "total"
    pk: int | None = None
    figures: dict[str, Figure] = field(default_factory=dict)

    def scope_params(self) -> dict:
        if self.kind == "region":
            return {"region": self.code}
        if self.kind == "park":
            return {"park": self.code}
        return {}


@dataclass
class IndicatorTable:
    period: Period
    level: str  # "county" or "park"
    rows: list[Row]
    total: Row
    category: str = ""


def _figures(stage: dict, progress: dict, targets: dict) -> dict[str, Figure]:
    merged = {**stage, **progress}
    return {
        indicator: Figure(indicator, figure_value(merged, indicator), targets.get(indicator))
        for indicator in Indicator.values
    }


def _targets(year: int, *, level: str, ids, known_until: datetime.datetime | None = None) -> dict:
    """``{region_or_park_id: {indicator: value}}`` of a year, in one query: as set now, or
    as known at ``known_until`` (the latest value recorded by then)."""
    column = "region_id" if level == "county" else "park_id"
    found: dict = {}
    if known_until is None:
        rows = Target.objects.filter(year=year, **{f"{column}__in": list(ids)})
        for key, indicator, value in rows.values_list(column, "indicator", "value"):
            found.setdefault(key, {})[indicator] = value
        return found
    records = TargetRecord.objects.filter(
        year=year, recorded_at__lt=known_until, **{f"{column}__in": list(ids)}
    ).order_by("recorded_at", "id")
    for key, indicator, value in records.values_list(column, "indicator", "value"):
        found.setdefault(key, {})[indicator] = value  # the later record wins
    return {
        key: {i: v for i, v in values.items() if v is not None} for key, values in found.items()
    }


def _sum_groups(groups: dict) -> dict:
    whole: dict = {}
    for figures in groups.values():
        for name, value in figures.items():
            whole[name] = whole.get(name, 0) + (value or 0)
    return whole


def indicator_table(
    *,
    projects: QuerySet,
    units: QuerySet,
    period: Period,
    level: str = "county",
    total_name: str,
    total_region: Region | None = None,
    progress: QuerySet,
    stages: KeptStages | None = None,
    category: str = "",
) -> IndicatorTable:
    """The figures of every county (or park) in ``units`` and of the whole, with targets:
    two queries of figures (the stage family, the progress family) and one of targets.

    ``projects`` is already scoped to the user, ``progress`` and ``stages`` the same scope
    on the monthly progress and stage totals (the stage family reads ``stages`` when the
    period allows, else the projects); ``units`` the counties (Region) or parks
    (Park) to show, figures or not. The whole is the sum of every group (projects outside a
    park included). Its targets are the city's own if it has any, else the sum of its
    counties' (rates are not summed).
    """
    if category:
        projects = projects.filter(category=category)
        progress = progress.filter(category=category)
        stages = stages.filter(category=category) if stages is not None else None
    by = "region" if level == "county" else "park"
    units = list(units)
    if stages is not None and period.on_totals:
        stage = stage_totals_figures(stages, period, by)
    else:
        stage = stage_figures(projects, period, by)
    progress = progress_figures(progress, period, by)
    targets = _targets(
        period.year, level=level, ids=[u.pk for u in units], known_until=period.known_until
    )
    rows = [
        Row(
            name=unit.name,
            code=unit.code,
            kind="region" if level == "county" else "park",
            pk=unit.pk,
            figures=_figures(
                stage.get(unit.pk, {}), progress.get(unit.pk, {}), targets.get(unit.pk, {})
            ),
        )
        for unit in units
    ]
    whole_stage, whole_progress = _sum_groups(stage), _sum_groups(progress)
    whole_targets = {}
    if total_region is not None:
        whole_targets = _targets(
            period.year, level="county", ids=[total_region.pk], known_until=period.known_until
        ).get(total_region.pk, {})
    if not whole_targets and level == "county" and len(rows) > 1:
        for row in rows:
            for indicator, figure in row.figures.items():
                if figure.target is not None and indicator_unit(indicator) != Unit.PERCENT:
                    whole_targets[indicator] = whole_targets.get(indicator, 0) + figure.target
    if len(rows) == 1 and not whole_targets:
        whole_targets = targets.get(rows[0].pk, {})
    total = Row(name=total_name, figures=_figures(whole_stage, whole_progress, whole_targets))
    return IndicatorTable(period=period, level=level, rows=rows, total=total, category=category)
