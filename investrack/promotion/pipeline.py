"""The promotion pipeline (招商漏斗) of a year, in the user's jurisdiction: the leads the
year brought and how far they went, the days each step took, which channels and events
brought projects that got signed and started, how long open leads have gone without a
visit, and the visits by county and month. Every count is a query on the projects and
visits, and each links to the list of its projects."""

from __future__ import annotations

import datetime
import itertools
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, ExtractMonth

from investrack.accounts.permissions import jurisdiction_filter, scope
from investrack.core.compiled import DaysBetween
from investrack.projects.models import Project, SourceChannel, Stage
from investrack.promotion.models import PromotionEvent, Visit
from investrack.regions.models import Region

# The steps of the funnel: the stage reached and the date column of each.
STEPS = [
    (Stage.LEAD, "lead_on"),
    (Stage.NEGOTIATING, "negotiating_on"),
    (Stage.SIGNED, "signed_on"),
    (Stage.STARTED, "started_on"),
]
AGES = [(0, 30), (31, 60), (61, 90), (91, None)]


@dataclass
class Step:
    stage: Stage
    reached: int
    share: float | None  # of the leads, in %
    median_days: float | None  # from the step before
    measured: int  # projects the median is of
    stages_param: str = ""  # the list's stage filter: this stage or later


@dataclass
class Pipeline:
    year: int
    leads: int
    steps: list[Step]
    channels: list[dict]
    events: list[dict]
    ageing: list[dict]
    never_contacted: int
    visits_by_month: list[dict]
    months: list[int] = field(default_factory=list)
    visits_by_rank: list[tuple[str, int]] = field(default_factory=list)


def _reached_from(stage: Stage) -> Q:
    return Q(stage__gte=stage)


def _stages_param(stage: Stage) -> str:
    return "&".join(f"stage={s.value}" for s in Stage if s >= stage)


def _median_days(rows, before: str, after: str, n: int) -> float:
    """The median of the days from ``before`` to ``after`` over ``rows`` (``n`` of them): the
    middle one or two, read in order from the database (every lead's two dates read into
    Python were a third of the page at 10⁵)."""
    days = rows.annotate(days=DaysBetween(before, after)).order_by("days")
    return statistics.median(days.values_list("days", flat=True)[(n - 1) // 2 : n // 2 + 1])


def pipeline(user, year: int, today: datetime.date) -> Pipeline:
    leads = scope(user, Project.objects.filter(lead_on__year=year))
    both = {  # the steps after the first: the leads with the dates of it and the one before
        stage: Q(**{f"{before}__isnull": False, f"{date_field}__isnull": False})
        for (_s, before), (stage, date_field) in itertools.pairwise(STEPS)
    }
    # Counted once, by channel (one pass over the year's leads: 36,000 at 10⁵, 47 ms), and
    # summed for the whole funnel.
    by_channel = {
        row["source_channel"]: row
        for row in leads.values("source_channel")
        .annotate(
            total=Count("pk"),
            **{f"s{s.value}": Count("pk", filter=_reached_from(s)) for s, _f in STEPS},
            **{f"m{s.value}": Count("pk", filter=dated) for s, dated in both.items()},
        )
        .order_by()
    }
    counts: Counter[str] = Counter()
    for row in by_channel.values():
        counts.update({key: n for key, n in row.items() if key != "source_channel"})
    total = counts["total"]
    steps = []
    for i, (stage, date_field) in enumerate(STEPS):
        reached = counts[f"s{stage.value}"]
        measured = counts[f"m{stage.value}"]
        median = None
        if i and measured:
            rows = leads.filter(both[stage])
            median = _median_days(rows, STEPS[i - 1][1], date_field, measured)
        steps.append(
            Step(
                stage=stage,
                reached=reached,
                share=round(100 * reached / total, 1) if total else None,
                median_days=median,
                measured=measured,
                stages_param=_stages_param(stage),
            )
        )
    channels = [
        {
            "value": value,
            "label": label,
            "n": by_channel[value]["total"],
            "signed": by_channel[value][f"s{Stage.SIGNED.value}"],
            "started": by_channel[value][f"s{Stage.STARTED.value}"],
        }
        for value, label in [*SourceChannel.choices, ("", "—")]
        if value in by_channel
    ]
    # The linked projects in the user's jurisdiction, on the join the counts already make
    # (as a list of the visible projects' ids: 1.7 s at 10⁶).
    mine = jurisdiction_filter(
        user, region_field="links__project__region", park_field="links__project__park"
    )
    events = list(
        PromotionEvent.objects.filter(held_on__year=year)
        .annotate(
            n=Count("links", filter=mine),
            signed=Count("links", filter=mine & Q(links__project__stage__gte=Stage.SIGNED)),
            started=Count("links", filter=mine & Q(links__project__stage__gte=Stage.STARTED)),
        )
        .filter(n__gt=0)
        .order_by("-held_on", "-pk")
        .values("pk", "name", "kind", "held_on", "n", "signed", "started")
    )
    for event in events:
        event["kind_label"] = PromotionEvent.Kind(event["kind"]).label
    bands, never = ageing(user, today)
    by_month, by_rank = visits_counted(user, year)
    return Pipeline(
        year=year,
        leads=total,
        steps=steps,
        channels=channels,
        events=events,
        ageing=bands,
        never_contacted=never,
        months=list(range(1, 13)),
        visits_by_month=by_month,
        visits_by_rank=by_rank,
    )


def open_leads(user):
    """The open leads (线索, 在谈) with the day of their last visit and the day contact is
    counted from: the last visit, else the day they reached their stage."""
    return (
        scope(user, Project.objects.filter(stage__lte=Stage.NEGOTIATING, dropped_on__isnull=True))
        .annotate(last_visit=Max("visits__visited_on"))
        .annotate(since=Coalesce("last_visit", "stage_since"))
    )


def _band(low: int, high: int | None, today: datetime.date) -> Q:
    """Open leads ``low`` to ``high`` days (or more) without contact."""
    condition = Q(since__lte=today - datetime.timedelta(days=low))
    if high is not None:
        condition &= Q(since__gte=today - datetime.timedelta(days=high))
    return condition


def ageing(user, today: datetime.date) -> tuple[list[dict], int]:
    """The open leads per band of days without contact, and how many were never visited,
    counted by the database (each open lead's days read into Python were 40 % of the page
    at 10⁵)."""
    counted = open_leads(user).aggregate(
        never=Count("pk", filter=Q(last_visit__isnull=True)),
        **{
            f"band{i}": Count("pk", filter=_band(low, high, today))
            for i, (low, high) in enumerate(AGES)
        },
    )
    rows = [
        {
            "low": low,
            "high": high,
            "over": low - 1,
            "n": counted[f"band{i}"],
            "key": f"{low}-{high or ''}",
        }
        for i, (low, high) in enumerate(AGES)
    ]
    return rows, counted["never"]


def ageing_leads(user, key: str, today: datetime.date):
    """The open leads of one ageing band (``"31-60"``), the longest without contact first."""
    for low, high in AGES:
        if key == f"{low}-{high or ''}":
            band = open_leads(user).filter(_band(low, high, today))
            return band.select_related("region").order_by("since")
    return None


def _visits(user, year: int):
    """The year's visits on projects the user sees (a join on the project's place, not a
    list of every project's id)."""
    return scope(
        user,
        Visit.objects.filter(visited_on__year=year),
        region_field="project__region",
        park_field="project__park",
    )


def visits_counted(user, year: int) -> tuple[list[dict], list[tuple[str, int]]]:
    """The year's visits by county and month, and by the rank of who went: one grouped
    read of the visits for both, by the county's key (two reads, each sorting the year's
    visits by the county's name and code, took 0.95 s at 10⁶; this one 0.5 s)."""
    counted: dict[int, list[int]] = {}
    by_rank: Counter[str] = Counter()
    for region_id, month, rank, n in (
        _visits(user, year)
        .annotate(month=ExtractMonth("visited_on"))
        .values_list("project__region", "month", "rank")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counted.setdefault(region_id, [0] * 12)[month - 1] += n
        by_rank[rank] += n
    table = [
        {"region": region.name, "months": counted[region.pk], "total": sum(counted[region.pk])}
        for region in Region.objects.filter(pk__in=counted).order_by("code")
    ]
    ranks = [(label, by_rank[value]) for value, label in Visit.Rank.choices]
    return table, ranks
