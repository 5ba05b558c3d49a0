"""Issued briefings, and what changed since one was issued: per figure, the value printed,
the value as known now and as known on the day it was issued; the records entered after
it (stage events and corrections, progress reports, targets), with who and when."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from investrack.accounts.models import User
from investrack.accounts.permissions import scope
from investrack.insights.indicators import IndicatorTable, figure_text, last_of_month
from investrack.insights.models import IssuedBriefing
from investrack.insights.race import month_period
from investrack.insights.selectors import Area, area_for, area_table
from investrack.projects.models import ProgressReport, StageEvent
from investrack.regions.models import Indicator, TargetRecord

SHOWN = 200  # records of each kind listed


def issued_visible_to(user: User) -> QuerySet[IssuedBriefing]:
    """The briefings issued in the user's jurisdiction (a county sees its own)."""
    return scope(user, IssuedBriefing.objects.select_related("region", "park", "issued_by"))


def issued_area(issued: IssuedBriefing, user: User) -> Area:
    """The area the briefing reported on, as the user sees it."""
    if issued.park_id:
        return area_for(user, park=issued.park.code)
    if issued.region is not None and issued.region.level == issued.region.Level.COUNTY:
        return area_for(user, region=issued.region.code)
    return area_for(user)


def issued_day(issued: IssuedBriefing) -> datetime.date:
    return timezone.localdate(issued.issued_at)


@dataclass
class FigureChange:
    indicator: str
    label: str
    issued: str
    known_then: str
    now: str
    params_now: dict
    params_then: dict

    @property
    def changed(self) -> bool:
        return self.issued != self.now


def _value(table: IndicatorTable, indicator: str) -> str:
    return figure_text(indicator, table.total.figures[indicator].actual)


def _issued_value(issued: IssuedBriefing, indicator: str) -> str:
    raw = issued.figures.get("total", {}).get("figures", {}).get(indicator, {}).get("actual")
    return figure_text(indicator, None if raw is None else Decimal(raw))


def figure_changes(issued: IssuedBriefing, area: Area) -> list[FigureChange]:
    """Every headline figure: as printed, as known on the day it was issued (made again:
    the same), and as known now (records entered later, corrections included)."""
    now_period = month_period(issued.month)
    then_period = month_period(issued.month, issued_day(issued))
    now = area_table(area, now_period, category=issued.category)
    then = area_table(area, then_period, category=issued.category)
    base = {**area.params, "category": issued.category}
    return [
        FigureChange(
            indicator=indicator.value,
            label=str(indicator.label),
            issued=_issued_value(issued, indicator.value),
            known_then=_value(then, indicator.value),
            now=_value(now, indicator.value),
            params_now={**base, "indicator": indicator.value, **now_period.params()},
            params_then={**base, "indicator": indicator.value, **then_period.params()},
        )
        for indicator in Indicator
    ]


def records_since(issued: IssuedBriefing, area: Area) -> dict[str, list]:
    """The records entered after the briefing that bear on its period: stage events
    (corrections and retractions included) dated by the month's end, progress reports of
    its months, and the year's targets of the area."""
    end = last_of_month(issued.month)
    projects = area.projects
    if issued.category:
        projects = projects.filter(category=issued.category)
    events = (
        StageEvent.objects.filter(
            project__in=projects.values("pk"),
            recorded_at__gt=issued.issued_at,
            effective_date__lte=end,
        )
        .select_related("project", "recorded_by", "corrects")
        .order_by("recorded_at", "id")[:SHOWN]
    )
    reports = (
        ProgressReport.objects.filter(
            project__in=projects.values("pk"),
            reported_at__gt=issued.issued_at,
            period__gte=issued.month.replace(month=1),
            period__lte=issued.month,
        )
        .select_related("project", "reported_by")
        .order_by("reported_at", "id")[:SHOWN]
    )
    if area.level == "park":
        units = Q(park__in=area.units.values("pk"))
    else:
        units = Q(region__in=area.units.values("pk")) | Q(region=area.region)
    targets = (
        TargetRecord.objects.filter(units, year=issued.month.year, recorded_at__gt=issued.issued_at)
        .select_related("region", "park", "recorded_by")
        .order_by("recorded_at", "id")[:SHOWN]
    )
    targets = list(targets)
    for record in targets:  # as the grid writes it: 亿元, projects, %
        record.text = figure_text(record.indicator, record.value)
    return {"events": list(events), "reports": list(reports), "targets": targets}
