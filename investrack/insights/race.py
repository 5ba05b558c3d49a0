"""The horse race (赛马): counties, and separately parks, ranked by the weighted completion
of their annual targets, year to date, month by month.

Score = Σ weight × min(completion %, cap) / Σ weight, over the indicators the city
administrator weighted for the year and the county has a target on. The month's standing
is computed as of its last day (or today, for the month under way); the first-of-month run
of the daily job keeps each closed month (:func:`investrack.insights.services.race_snapshot_take`)
so that "rank last month" is what was published even if targets or weights change later.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, QuerySet, Sum, Window
from django.db.models.functions import Rank
from django.utils import timezone

from investrack.closed_loop.lights import LightBook
from investrack.closed_loop.models import Light, LightTotal
from investrack.insights.indicators import (
    IndicatorTable,
    Period,
    Row,
    first_of_month,
    indicator_table,
    last_of_month,
)
from investrack.insights.models import RaceStanding
from investrack.projects.figures import KeptStages
from investrack.projects.models import ProgressTotal, Project, StageTotal, StageTotalDay
from investrack.regions.models import Park, RaceWeight, Region


def race_weights(year: int) -> dict[str, Decimal]:
    return dict(
        RaceWeight.objects.filter(year=year, weight__gt=0).values_list("indicator", "weight")
    )


def score(row: Row, weights: dict[str, Decimal]) -> Decimal | None:
    """The weighted completion of ``row``'s targets, capped per indicator; None if none of
    the weighted indicators has a target."""
    cap = Decimal(settings.RACE_COMPLETION_CAP)
    total = weight_sum = Decimal(0)
    for indicator, weight in weights.items():
        completion = row.figures[indicator].completion
        if completion is None:
            continue
        total += weight * min(completion, cap)
        weight_sum += weight
    if not weight_sum:
        return None
    return (total / weight_sum).quantize(Decimal("0.01"), ROUND_HALF_UP)


def city_of(user) -> Region | None:
    """The city whose race the user looks at (a county's or a park's city)."""
    region = user.park.region if user.park_id else user.region
    while region is not None and region.level > Region.Level.CITY:
        region = region.parent
    if region is None and user.is_superuser:
        return Region.objects.filter(level=Region.Level.CITY).order_by("code").first()
    return region


def race_units(city: Region, level: str) -> QuerySet:
    if level == "park":
        return Park.objects.filter(region__parent=city).order_by("code")
    return Region.objects.filter(parent=city, level=Region.Level.COUNTY).order_by("code")


def month_period(month: datetime.date, known_on: datetime.date | None = None) -> Period:
    """Year to date through ``month``, as of its last day (today, for the month under way),
    as known on ``known_on`` (None: now)."""
    as_of = min(last_of_month(month), timezone.localdate())
    return Period.months(month.replace(month=1), month, as_of, known_on)


def red_counts(counties: list[int], book: LightBook, by: str) -> dict:
    """Red-lit projects of ``counties`` per county or park as of the book's date, in one
    query: the kept totals of the recorded lights, when those are the date's; else the
    lights computed on the projects."""
    if book.recorded:
        lit = LightTotal.objects.filter(light__gte=Light.RED, region__in=counties)
        rows = lit.order_by().values(by).annotate(n=Sum("projects"))
    else:
        projects = Project.objects.filter(region__in=counties).order_by()
        rows = book.filter(projects, Light.RED).values(by).annotate(n=Count("pk"))
    return {row[by]: row["n"] for row in rows if row["n"]}


@dataclass
class Standing:
    name: str
    code: str
    kind: str
    pk: int
    score: Decimal | None
    figures: dict = field(default_factory=dict)
    red_projects: int = 0
    rank: int | None = None
    last_rank: int | None = None
    flagged: bool = False

    @property
    def change(self) -> int | None:
        """Places gained since last month (negative: lost)."""
        if self.rank is None or self.last_rank is None:
            return None
        return self.last_rank - self.rank


def _standings_from(table: IndicatorTable, weights: dict, reds: dict) -> list[Standing]:
    standings = []
    for row in table.rows:
        figures = {
            indicator: {
                "actual": str(row.figures[indicator].actual),
                "target": None
                if row.figures[indicator].target is None
                else str(row.figures[indicator].target),
                "completion": None
                if row.figures[indicator].completion is None
                else str(row.figures[indicator].completion),
                "weight": str(weight),
            }
            for indicator, weight in weights.items()
        }
        standings.append(
            Standing(
                name=row.name,
                code=row.code,
                kind=row.kind,
                pk=row.pk,
                score=score(row, weights),
                figures=figures,
                red_projects=reds.get(row.pk, 0),
            )
        )
    return standings


def _rank_in_place(standings: list[Standing]) -> None:
    """Competition ranking (1, 2, 2, 4) by score; no score, no rank."""
    scored = sorted((s for s in standings if s.score is not None), key=lambda s: -s.score)
    for position, standing in enumerate(scored, start=1):
        previous = scored[position - 2] if position > 1 else None
        standing.rank = previous.rank if previous and previous.score == standing.score else position


def race_compute(
    city: Region,
    month: datetime.date,
    level: str = "county",
    *,
    table: IndicatorTable | None = None,
    reds: bool = True,
    known_on: datetime.date | None = None,
) -> list[Standing]:
    """The standings of ``month`` computed from the figures (as known now, or on
    ``known_on``); ``table``: the city's figures for the month, if the caller has them
    already; ``reds``: count each county's red-lit projects (the lights of a past date are
    computed afresh)."""
    period = month_period(first_of_month(month), known_on)
    # The city's projects by the ids of its counties: through a join on the county's city
    # PostgreSQL misjudges a million projects as a few thousand (and loops over them).
    counties = list(race_units(city, "county").values_list("pk", flat=True))
    projects = Project.objects.filter(region__in=counties)
    if table is None or table.period != period or table.level != level or table.category:
        table = indicator_table(
            projects=projects,
            units=race_units(city, level),
            period=period,
            level=level,
            total_name=city.name,
            progress=ProgressTotal.objects.filter(region__parent=city),
            stages=KeptStages(
                StageTotal.objects.filter(region__parent=city),
                StageTotalDay.objects.filter(region__parent=city),
            ),
        )
    by = "region" if level == "county" else "park"
    # Counted when asked for, or when the day's lights are recorded (then it costs little).
    book = LightBook.load(period.as_of)
    counted = red_counts(counties, book, by) if reds or book.recorded else {}
    standings = _standings_from(table, race_weights(period.year), counted)
    _rank_in_place(standings)
    return standings


def race_kept(
    city: Region,
    month: datetime.date,
    level: str = "county",
    known_until: datetime.datetime | None = None,
) -> list[Standing] | None:
    """The standings kept for ``month`` (by ``known_until``, if given), ranked by the
    database; None if none were kept."""
    column = "region" if level == "county" else "park"
    kept_by = {"taken_at__lt": known_until} if known_until is not None else {}
    kept = (
        RaceStanding.objects.filter(month=first_of_month(month), **kept_by)
        .filter(**{f"{column}__in": race_units(city, level)})
        .select_related(column)
        .annotate(rank=Window(Rank(), order_by=F("score").desc()))
        .order_by("rank", f"{column}__code")
    )
    standings = [
        Standing(
            name=getattr(row, column).name,
            code=getattr(row, column).code,
            kind="region" if level == "county" else "park",
            pk=getattr(row, f"{column}_id"),
            score=row.score,
            figures=row.figures,
            red_projects=row.red_projects,
            rank=row.rank,
        )
        for row in kept
    ]
    return standings or None


def race(
    city: Region,
    month: datetime.date,
    level: str = "county",
    *,
    table: IndicatorTable | None = None,
    reds: bool = True,
    known_on: datetime.date | None = None,
) -> list[Standing]:
    """The month's standings with last month's rank, bottom places flagged.

    A closed month is read as kept (as published), if it was by ``known_on``; the month
    under way (or a closed month that was never kept) is computed from the figures
    (``table``, if they are at hand), as known on ``known_on``."""
    month = first_of_month(month)
    current_month = first_of_month(timezone.localdate())
    until = month_period(month, known_on).known_until
    kept = race_kept(city, month, level, until) if month < current_month else None
    standings = kept or race_compute(city, month, level, table=table, reds=reds, known_on=known_on)
    last_month = first_of_month(month - datetime.timedelta(days=1))
    if last_month.year == month.year:
        previous = race_kept(city, last_month, level, until) or race_compute(
            city, last_month, level, reds=False, known_on=known_on
        )
        last_ranks = {s.pk: s.rank for s in previous}
        for standing in standings:
            standing.last_rank = last_ranks.get(standing.pk)
    ranked = [s for s in standings if s.rank is not None]
    bottom = settings.RACE_FLAG_BOTTOM
    if len(ranked) > bottom:
        for standing in ranked:
            standing.flagged = standing.rank > len(ranked) - bottom
    standings.sort(key=lambda s: (s.rank is None, s.rank or 0, s.code))
    return standings
