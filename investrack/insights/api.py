"""Indicators and the horse race over the REST API: the same selectors as the dashboard."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from investrack.insights import selectors
from investrack.insights.forms import MonthForm, PeriodForm
from investrack.insights.indicators import Row
from investrack.insights.race import city_of, race
from investrack.projects.models import Category

router = Router(tags=["insights"])


class FigureOut(Schema):
    actual: Decimal | None = Field(None, description="Count, yuan, US dollars or per cent")
    target: Decimal | None = Field(None, description="The annual target, same unit")
    completion: Decimal | None = Field(None, description="Per cent of the target")
    unit: str


class RowOut(Schema):
    code: str
    name: str
    kind: str
    figures: dict[str, FigureOut]


class PeriodOut(Schema):
    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    known_on: datetime.date | None = Field(
        None, description="The record clock: the figures as known at the end of that day"
    )
    label: str
    time_progress: Decimal
    pace_days: Decimal | None = Field(None, description="Days per ≥ 1亿 project introduced")


class IndicatorsOut(Schema):
    period: PeriodOut
    level: str
    rows: list[RowOut]
    total: RowOut


class IndicatorQuery(Schema):
    period_from: str | None = Field(
        None, alias="from", pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="First month, YYYY-MM"
    )
    period_to: str | None = Field(
        None, alias="to", pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="Last month, YYYY-MM"
    )
    as_of: datetime.date | None = Field(
        None, description="Effective time: what was true for the period (default today)"
    )
    known_on: datetime.date | None = Field(
        None,
        description="Record time: the figures as the platform knew them at the end of that "
        "day, to reproduce a published figure (default: as known now)",
    )
    category: Category | None = None
    region: str | None = Field(None, max_length=6)
    park: str | None = Field(None, max_length=32)
    level: Literal["county", "park"] | None = None


def _row(row: Row) -> dict:
    return {
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "figures": {
            indicator: {
                "actual": figure.actual,
                "target": figure.target,
                "completion": figure.completion,
                "unit": figure.unit,
            }
            for indicator, figure in row.figures.items()
        },
    }


@router.get(
    "/indicators",
    response=IndicatorsOut,
    summary="Every indicator of every county (or park) and of the whole, as of a date",
)
def indicators(request, query: Query[IndicatorQuery]):
    form = PeriodForm(request.GET)
    if request.GET and not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    area = selectors.area_for(request.user, region=query.region or "", park=query.park or "")
    period = form.period()
    table = selectors.area_table(area, period, level=query.level, category=form.chosen_category)
    pace = selectors.pace_figure(table)
    return {
        "period": {
            "start": period.start,
            "end": period.end,
            "as_of": period.as_of,
            "known_on": period.known_on,
            "label": period.label,
            "time_progress": period.time_progress,
            "pace_days": pace["every"],
        },
        "level": table.level,
        "rows": [_row(row) for row in table.rows],
        "total": _row(table.total),
    }


class StandingOut(Schema):
    code: str
    name: str
    rank: int | None
    last_rank: int | None
    change: int | None
    score: Decimal | None
    flagged: bool
    red_projects: int


@router.get("/race", response=list[StandingOut], summary="The horse race of a month")
def race_standings(
    request,
    month: str | None = Query(None, description="YYYY-MM; default this month"),
    level: Literal["county", "park"] = "county",
    known_on: datetime.date | None = Query(  # noqa: B008 - how django-ninja declares a query
        None, description="The standings as known (or kept) at the end of that day"
    ),
):
    form = MonthForm({"month": month} if month else {})
    if not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    city = city_of(request.user)
    if city is None:
        return []
    return race(city, form.chosen_month(), level, known_on=known_on)
