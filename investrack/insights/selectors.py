"""Reads for the leaders: the area a user looks at, the dashboard's figures, the chain map.

Every read starts from the user's jurisdiction (:func:`area_for`); every figure comes with
the query parameters of the project list behind it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, IntegerField, QuerySet, Sum, Value, When
from django.db.models.expressions import Expression
from django.db.models.functions import Cast, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.models import User
from investrack.accounts.permissions import parks_for, regions_for, scope
from investrack.closed_loop.lights import LightBook, in_stages_on
from investrack.closed_loop.models import ProjectLight
from investrack.insights.indicators import (
    IndicatorTable,
    Period,
    alive,
    first_of_month,
    indicator_condition,
    indicator_table,
    pace,
    totals_alive,
)
from investrack.projects.figures import KeptStages
from investrack.projects.models import (
    STAGE_DATE_FIELD,
    ProgressTotal,
    Project,
    Stage,
    StageTotal,
    StageTotalDay,
)
from investrack.projects.selectors import (
    ROW_FIELDS,
    decorated_in_order,
    projects_visible_to,
)
from investrack.regions.models import ChainLink, Indicator, Industry, IndustryChain, Park, Region


@dataclass
class Area:
    """What a dashboard shows: the whole jurisdiction, or one county or park inside it."""

    name: str
    projects: QuerySet
    params: dict  # narrows a drill-down list to the area
    level: str  # what the area breaks down into: "county" or "park"
    units: QuerySet  # the counties or parks it breaks down into
    region: Region | None = None  # whose own targets are the area's (city or county)
    progress: QuerySet | None = None  # the area's monthly progress totals
    stages: KeptStages | None = None  # the area's monthly stage totals (now and by day)


def area_for(user: User, *, region: str = "", park: str = "") -> Area:
    """The user's jurisdiction, or a county or park inside it (404 outside)."""
    area = _area_for(user, region=region, park=park)
    # The same scope on the monthly totals, which know their county and park.
    narrowed = {f"{k}__code": v for k, v in area.params.items()}
    area.progress = scope(user, ProgressTotal.objects.all()).filter(**narrowed)
    area.stages = KeptStages(
        scope(user, StageTotal.objects.all()).filter(**narrowed),
        scope(user, StageTotalDay.objects.all()).filter(**narrowed),
    )
    return area


def _area_for(user: User, *, region: str = "", park: str = "") -> Area:
    projects = projects_visible_to(user)
    if park:
        the_park = parks_for(user).filter(code=park).first()
        if the_park is None:
            raise Http404(_("No such park in your jurisdiction."))
        return Area(the_park.name, projects.filter(park=the_park), {"park": the_park.code},
                    "park", parks_for(user).filter(pk=the_park.pk))  # fmt: skip
    if user.park is not None:
        return _area_for(user, park=user.park.code)
    found: Region | None
    if region:
        found = regions_for(user).filter(code=region).first()
        if found is None:
            raise Http404(_("No such region in your jurisdiction."))
    elif user.region is not None and user.region.level == Region.Level.COUNTY:
        found = user.region
    else:
        city = user.region
        name = city.name if city else _("All regions")
        return Area(name, projects, {}, "county", regions_for(user), city)
    return Area(found.name, projects.filter(region=found), {"region": found.code}, "park",
                parks_for(user).filter(region=found), found)  # fmt: skip


def area_table(
    area: Area, period: Period, *, level: str | None = None, category: str = ""
) -> IndicatorTable:
    """The indicator table of ``area``'s counties (or parks) and of the whole."""
    level = level or area.level
    units = area.units
    if level == "county" and area.level == "park":
        units = Region.objects.filter(pk=area.region.pk) if area.region else Region.objects.none()
    elif level == "park" and area.level == "county":  # the parks of the area's counties
        units = Park.objects.filter(region__in=area.units.values("pk"))
    return indicator_table(
        projects=area.projects,
        units=units,
        period=period,
        level=level,
        total_name=area.name,
        total_region=area.region,
        category=category,
        progress=area.progress if area.progress is not None else ProgressTotal.objects.none(),
        stages=area.stages,
    )


def stage_funnel(
    area: Area, as_of: datetime.date, *, category: str = "", known_on: datetime.date | None = None
) -> list[dict]:
    """Projects in each stage on ``as_of`` (as known on ``known_on``) and their investment,
    in one query: from the stage totals when they are exact for the date (today: the
    projects in each stage now; the end of a month: each project +1 in the month it entered
    a stage, -1 in the month it left it, up to that month); else by the stage each
    project's dates give on that date (read from project_stages_on_idx, which also holds
    the category). As known on a past day, from the totals only."""
    day = Period.months(as_of, as_of, as_of, known_on)
    if day.on_totals and area.stages is not None:
        if as_of >= timezone.localdate():
            # The current totals have no month; saying so lets the index reach the rows
            # recorded after a day directly (at 10⁶ it read every current row: 40 → 0.2 ms).
            kept = area.stages.filter(kind=StageTotal.Kind.CURRENT, month__isnull=True)
        else:
            kept = area.stages.filter(
                totals_alive(as_of), kind=StageTotal.Kind.HELD, month__lte=first_of_month(as_of)
            )
        kept = kept.filter(category=category) if category else kept
        rows = kept.read(
            day,
            lambda qs: (
                qs.order_by()
                .values(stage_on=F("stage"))
                .annotate(n=Sum("projects"), a=Sum("investment"))
            ),
            ("stage_on",),
        )
    elif day.known_on is not None:
        # The record clock is read from the totals, exact at a month's end or today; the
        # period form and the API refuse other as-of dates with it.
        raise ValueError("As known on a past day, the as-of date is a month's end or today.")
    else:
        # The stage on that date: the latest whose date had come (stage dates never go back).
        stage_on = Case(
            *[
                When(**{f"{STAGE_DATE_FIELD[stage]}__lte": as_of}, then=Value(stage.value))
                for stage in reversed(Stage)
            ],
            default=Value(0),
            output_field=IntegerField(),
        )
        projects = area.projects.order_by().filter(alive(as_of), lead_on__lte=as_of)
        projects = projects.filter(category=category) if category else projects
        rows = (
            projects.annotate(stage_on=stage_on)
            .values("stage_on")
            .annotate(n=Count("pk"), a=Sum("total_investment"))
        )
    figures = {row["stage_on"]: row for row in rows}
    return [
        {
            "stage": stage.value,
            "label": stage.label,
            "count": figures.get(stage.value, {}).get("n") or 0,
            "amount": figures.get(stage.value, {}).get("a") or 0,
            "params": {"stage": stage.value, "on": as_of.isoformat()},
        }
        for stage in Stage
    ]


TREND = [Indicator.INTRODUCED, Indicator.STARTED, Indicator.COMPLETED]
TREND_STAGE = {
    Indicator.INTRODUCED: Stage.SIGNED,
    Indicator.STARTED: Stage.STARTED,
    Indicator.COMPLETED: Stage.COMPLETED,
}


def _trend_counts(area: Area, period: Period, category: str) -> dict[str, dict[int, int]]:
    """``{indicator: {month: count}}`` of signings, starts and completions of the year up
    to the period's end: one query over the stage totals when they are exact for the
    period, else one grouped query per stage over its covering index."""
    year_start = datetime.date(period.year, 1, 1)
    counts: dict = {indicator: {} for indicator in TREND}
    if period.known_on is not None and not (period.on_totals and area.stages is not None):
        raise ValueError("As known on a past day, the as-of date is a month's end or today.")
    if period.on_totals and area.stages is not None:
        kept = area.stages.in_months(period, since=year_start).filter(
            kind=StageTotal.Kind.REACHED, stage__in=TREND_STAGE.values()
        )
        if category:
            kept = kept.filter(category=category)
        indicator_of = {stage: indicator for indicator, stage in TREND_STAGE.items()}
        rows = kept.read(
            period,
            lambda qs: qs.order_by().values("stage", "month").annotate(n=Sum("projects")),
            ("stage", "month"),
        )
        for row in rows:
            counts[indicator_of[row["stage"]]][row["month"].month] = row["n"]
        return counts
    projects = area.projects.order_by().filter(alive(period.as_of))
    if category:
        projects = projects.filter(category=category)
    for indicator in TREND:
        date_field = STAGE_DATE_FIELD[TREND_STAGE[indicator]]
        # Grouped by the date's "YYYY-MM" (a plain string function on both databases).
        rows = (
            projects.filter(
                **{f"{date_field}__gte": year_start, f"{date_field}__lte": period.until}
            )
            .annotate(month=Substr(Cast(date_field, CharField()), 1, 7))
            .values("month")
            .annotate(n=Count("pk"))
        )
        counts[indicator] = {int(row["month"][5:7]): row["n"] for row in rows}
    return counts


def monthly_trend(
    area: Area, period: Period, table: IndicatorTable, *, category: str = ""
) -> list[dict]:
    """Signings, starts and completions per month of the year so far, cumulated, with the
    annual target spread evenly over the months."""
    months = [datetime.date(period.year, m, 1) for m in range(1, period.until.month + 1)]
    by_indicator = _trend_counts(area, period, category)
    series = []
    for indicator in TREND:
        counts = by_indicator[indicator]
        running, points = 0, []
        for month in months:
            count = counts.get(month.month, 0)
            running += count
            points.append(
                {
                    "month": month.month,
                    "count": count,
                    "cumulative": running,
                    "params": {
                        "indicator": indicator.value,
                        **Period.months(month, month, period.as_of, period.known_on).params(),
                    },
                }  # fmt: skip
            )
        target = table.total.figures[indicator].target
        series.append(
            {
                "indicator": indicator.value,
                "label": indicator.label,
                "points": points,
                "target": target,
                "target_line": [
                    float(target * m.month / 12) if target is not None else None for m in months
                ],
            }
        )
    return series


def _introduced(area: Area, period: Period, category: str) -> QuerySet:
    projects = area.projects.order_by().filter(indicator_condition(Indicator.INTRODUCED, period))
    return projects.filter(category=category) if category else projects


def _introduced_by(area: Area, period: Period, category: str, kind: str, column: str,
                   of_project: Expression | F) -> dict:  # fmt: skip
    """``{key: {"count", "amount"}}``: projects introduced in the period and their
    investment per ``column`` of the stage totals of ``kind`` when they are exact for the
    period, else per ``of_project`` (the same key read on the projects), in one query."""
    if period.on_totals and area.stages is not None:
        kept = area.stages.in_months(period).filter(kind=kind)
        kept = kept.filter(category=category) if category else kept
        rows = kept.read(
            period,
            lambda qs: (
                qs.order_by()
                .values(key=F(column))
                .annotate(count=Sum("projects"), amount=Sum("investment"))
            ),
            ("key",),
        )
    else:
        rows = (
            _introduced(area, period, category)
            .annotate(key=of_project)
            .filter(key__isnull=False)
            .values("key")
            .annotate(count=Count("pk"), amount=Sum("total_investment"))
        )
    return {
        row["key"]: {"count": row["count"], "amount": row["amount"] or 0}
        for row in rows
        if row["count"]
    }


def by_industry(area: Area, period: Period, *, category: str = "", top: int = 10) -> list[dict]:
    """Projects introduced in the period per GB/T 4754 division (大类), largest first."""
    divisions = _introduced_by(
        area, period, category, StageTotal.Kind.INDUSTRY, "division",
        Substr("industry__code", 1, 2),
    )  # fmt: skip
    names = dict(
        Industry.objects.filter(level=Industry.Level.DIVISION, code__in=divisions).values_list(
            "code", "name"
        )
    )
    rows = sorted(divisions.items(), key=lambda item: (-item[1]["amount"], item[0]))[:top]
    return [
        {"division": code, "name": names.get(code, code), **figures,
         "params": {"indicator": Indicator.INTRODUCED.value, "industry": code, **period.params()}}
        for code, figures in rows
    ]  # fmt: skip


def by_chain(area: Area, period: Period, *, category: str = "") -> list[dict]:
    """Projects introduced in the period per industry chain (its links rolled up)."""
    groups = _introduced_by(
        area, period, category, StageTotal.Kind.CHAIN, "chain_link", F("chain_link")
    )
    chains: dict = {}
    for link in ChainLink.objects.filter(pk__in=groups).select_related("chain"):
        into = chains.setdefault(link.chain, {"count": 0, "amount": 0})
        into["count"] += groups[link.pk]["count"]
        into["amount"] += groups[link.pk]["amount"]
    rows = sorted(chains.items(), key=lambda item: -item[1]["amount"])
    return [
        {"chain": chain.pk, "name": chain.name, **figures,
         "params": {"chain": chain.pk, "indicator": Indicator.INTRODUCED.value,
                    **period.params()}}
        for chain, figures in rows
    ]  # fmt: skip


def largest_projects(area: Area, as_of: datetime.date, *, count: int = 20) -> list[Project]:
    """The largest projects signed by ``as_of`` and not dropped, with their lights: the
    recorded ones when the day's lights are recorded (then only the lit rows are asked why),
    else computed for the twenty."""
    book = LightBook.load(as_of)
    # The largest K of the area straight from the amount index, then those signed and not
    # dropped among them; K grows until twenty are found (exact: a project outside the
    # largest K is smaller than every one inside). Sorting every signed project costs more.
    wanted = area.projects.filter(alive(as_of), signed_on__lte=as_of)
    total = None
    largest = 4 * count
    while True:
        top = area.projects.order_by("-total_investment", "pk").values("pk")[:largest]
        projects = list(
            wanted.filter(pk__in=top)
            .select_related("region")
            .only("name", "stage", "total_investment", "region__name")
            .order_by("-total_investment", "pk")[:count]
        )
        if len(projects) == count:
            break
        total = total if total is not None else area.projects.count()
        if largest >= total:
            break
        largest *= 4
    ids = [p.pk for p in projects]
    if book.recorded:
        lights = dict(
            ProjectLight.objects.filter(project_id__in=ids).values_list("project_id", "light")
        )
        ids = [pk for pk in ids if lights.get(pk)]
    explained = {p.pk: p for p in decorated_in_order(ids, book, fields=ROW_FIELDS)}
    for project in projects:
        lit = explained.get(project.pk)
        project.light = lit.light if lit else 0  # type: ignore[attr-defined]
        project.light_reasons = [text for _level, text in book.reasons(lit)] if lit else []
    return projects


def pace_figure(table: IndicatorTable) -> dict:
    count = table.total.figures[Indicator.OVER_1YI].actual
    return {
        "count": count,
        "days": table.period.days,
        "every": pace(table.period, count),
        "params": {"indicator": Indicator.OVER_1YI.value, **table.period.params()},
    }


# --- the industry-chain map ---------------------------------------------------------------


def chains() -> QuerySet:
    return IndustryChain.objects.annotate(link_count=Count("links"))


def chain_map(area: Area, chain: IndustryChain, as_of: datetime.date) -> list[dict]:
    """Each link of ``chain``, upstream first: the area's projects by stage on ``as_of``,
    their investment, and whether the link is a gap (no project), in one grouped query."""
    aggregates = {"total": Count("pk"), "amount": Sum("total_investment")}
    for stage in Stage:
        aggregates[f"n{stage.value}"] = Count("pk", filter=in_stages_on([stage], as_of))
    rows = {
        row.pop("chain_link"): row
        for row in area.projects.order_by()
        .filter(chain_link__chain=chain)
        .filter(alive(as_of), lead_on__lte=as_of)
        .values("chain_link")
        .annotate(**aggregates)
    }
    links = []
    for link in chain.links.prefetch_related("leaders").order_by("segment", "position", "id"):
        row = rows.get(link.pk, {})
        by_stage = [
            {"stage": stage.value, "label": stage.label, "count": row.get(f"n{stage.value}", 0),
             "params": {"chain_link": link.pk, "stage": stage.value, "on": as_of.isoformat()}}
            for stage in Stage
        ]  # fmt: skip
        links.append(
            {
                "link": link,
                "total": row.get("total", 0),
                "amount": row.get("amount") or 0,
                "by_stage": by_stage,
                "gap": not row.get("total"),
                "leaders": list(link.leaders.all()),
                "params": {"chain_link": link.pk, "on": as_of.isoformat()},
            }
        )
    return links
