"""The promotion pipeline (招商漏斗) of a year, in the user's jurisdiction: the leads the
year brought and how far they went, the days each step took, which channels and events
brought projects that got signed and started, how long open leads have gone without a
visit, and the visits by county and month. Every count is a query on the projects and
visits, and each links to the list of its projects."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, ExtractMonth

from investrack.accounts.permissions import scope
from investrack.projects.models import Project, SourceChannel, Stage
from investrack.promotion.models import PromotionEvent, Visit

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


def pipeline(user, year: int, today: datetime.date) -> Pipeline:
    leads = scope(user, Project.objects.filter(lead_on__year=year))
    counts = leads.aggregate(
        total=Count("pk"),
        **{f"s{s.value}": Count("pk", filter=_reached_from(s)) for s, _f in STEPS},
    )
    total = counts["total"]
    steps = []
    for i, (stage, date_field) in enumerate(STEPS):
        reached = counts[f"s{stage.value}"]
        days: list[int] = []
        if i:
            before = STEPS[i - 1][1]
            rows = leads.filter(**{f"{before}__isnull": False, f"{date_field}__isnull": False})
            days = [(b - a).days for a, b in rows.values_list(before, date_field).iterator()]
        steps.append(
            Step(
                stage=stage,
                reached=reached,
                share=round(100 * reached / total, 1) if total else None,
                median_days=statistics.median(days) if days else None,
                measured=len(days),
                stages_param=_stages_param(stage),
            )
        )
    by_channel = {
        row["source_channel"]: row
        for row in leads.values("source_channel").annotate(
            n=Count("pk"),
            signed=Count("pk", filter=_reached_from(Stage.SIGNED)),
            started=Count("pk", filter=_reached_from(Stage.STARTED)),
        )
    }
    channels = [
        {"value": value, "label": label, **by_channel[value]}
        for value, label in [*SourceChannel.choices, ("", "—")]
        if value in by_channel
    ]
    visible = scope(user, Project.objects.all()).values("pk")
    mine = Q(links__project__in=visible)
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
    return Pipeline(
        year=year,
        leads=total,
        steps=steps,
        channels=channels,
        events=events,
        ageing=bands,
        never_contacted=never,
        months=list(range(1, 13)),
        visits_by_month=visits_by_month(user, year),
        visits_by_rank=visits_by_rank(user, year),
    )


def open_leads(user):
    """The open leads (线索, 在谈) with the day of their last visit and the day contact is
    counted from: the last visit, else the day they reached their stage."""
    return (
        scope(user, Project.objects.filter(stage__lte=Stage.NEGOTIATING, dropped_on__isnull=True))
        .annotate(last_visit=Max("visits__visited_on"))
        .annotate(since=Coalesce("last_visit", "stage_since"))
    )


def ageing(user, today: datetime.date) -> tuple[list[dict], int]:
    """The open leads per band of days without contact, and how many were never visited:
    one pass over the open leads' last contact days."""
    rows = [{"low": low, "high": high, "n": 0, "key": f"{low}-{high or ''}"} for low, high in AGES]
    never = 0
    for since, last_visit in open_leads(user).values_list("since", "last_visit").iterator():
        never += last_visit is None
        days = (today - since).days
        for row in rows:
            if days >= row["low"] and (row["high"] is None or days <= row["high"]):
                row["n"] += 1
                break
    return rows, never


def ageing_leads(user, key: str, today: datetime.date):
    """The open leads of one ageing band (``"31-60"``), the longest without contact first."""
    for low, high in AGES:
        if key == f"{low}-{high or ''}":
            condition = Q(since__lte=today - datetime.timedelta(days=low))
            if high is not None:
                condition &= Q(since__gte=today - datetime.timedelta(days=high))
            return open_leads(user).filter(condition).select_related("region").order_by("since")
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


def visits_by_month(user, year: int) -> list[dict]:
    visits = _visits(user, year)
    table: dict[str, dict] = {}
    for region, month, n in (
        visits.annotate(month=ExtractMonth("visited_on"))
        .values_list("project__region__name", "month")
        .annotate(n=Count("pk"))
        .order_by("project__region__code", "month")
    ):
        row = table.setdefault(region, {"region": region, "months": [0] * 12, "total": 0})
        row["months"][month - 1] = n
        row["total"] += n
    return list(table.values())


def visits_by_rank(user, year: int) -> list[tuple[str, int]]:
    visits = _visits(user, year)
    counted = dict(visits.values_list("rank").annotate(n=Count("pk")).order_by())
    return [(label, counted.get(value, 0)) for value, label in Visit.Rank.choices]
