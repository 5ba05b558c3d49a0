"""The kept tables agree with what they are kept from: the stage totals with the projects,
the progress totals with the reports, the recorded lights with the lights computed now,
the map's cells with the projects and their recorded lights, the investors' namesake flags
with their names and codes, the pairs likely counted twice with the projects.

The suite checks it after every test that writes (conftest); the daily job checks a
sample of counties and says loudly when it does not hold, instead of trusting the ledger.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from investrack.projects.models import (
    Investor,
    MapCell,
    ProgressReport,
    ProgressTotal,
    Project,
    StageTotal,
    StageTotalDay,
)


def _differences(expected: dict, kept: dict, missing=None) -> list:
    """``(key, expected, kept)`` for every key where the two differ (a key one lacks counts
    as ``missing``)."""
    keys = set(expected) | set(kept)
    return [
        (k, expected.get(k), kept.get(k))
        for k in keys
        if expected.get(k, missing) != kept.get(k, missing)
    ]


def _stage_drift(projects, totals) -> list:
    from investrack.projects.totals import SHARE_KEY, _shares_of

    expected = {k: v for k, v in _shares_of(projects).items() if v[0] or v[1]}
    fields = [name.removesuffix("_id") for name in SHARE_KEY]
    kept = {}
    for row in totals.order_by().values(*fields).annotate(n=Sum("projects"), a=Sum("investment")):
        if row["n"] or row["a"]:
            kept[tuple(row[f] for f in fields)] = [row["n"], row["a"]]
    return _differences(expected, kept, missing=[0, Decimal(0)])


def _current_drift(projects, totals) -> list:
    """The projects in each stage now, per place and category, as the overview and the
    lists' counts read them from the totals: the stage recorded on each project, not the
    one its dates give."""
    expected = {
        (g["region"], g["park"], g["category"], g["stage"]): (g["n"], g["a"] or Decimal(0))
        for g in projects.filter(dropped_on__isnull=True)
        .order_by()
        .values("region", "park", "category", "stage")
        .annotate(n=Count("pk"), a=Sum("total_investment"))
    }
    kept = {
        (g["region"], g["park"], g["category"], g["stage"]): (g["n"], g["a"])
        for g in totals.filter(kind=StageTotal.Kind.CURRENT)
        .order_by()
        .values("region", "park", "category", "stage")
        .annotate(n=Sum("projects"), a=Sum("investment"))
        if g["n"] or g["a"]
    }
    return _differences(expected, kept)


def _progress_drift(reports, totals) -> list:
    """Per month and place, whatever the day recorded (a project moved to another county
    takes its reports there on the day of the move)."""
    expected = {
        (
            g["period"],
            g["project__region"],
            g["project__park"],
            g["project__category"],
        ): (g["i"], g["f"] or 0, g["n"])  # fmt: skip
        for g in reports.values("period", "project__region", "project__park", "project__category")
        .annotate(i=Sum("investment_completed"), f=Sum("foreign_investment_arrived"), n=Count("pk"))
        .order_by()
    }
    kept = {
        (g["period"], g["region"], g["park"], g["category"]): (
            g["i"],
            g["f"],
            g["n"],
        )
        for g in totals.values("period", "region", "park", "category")
        .annotate(
            i=Sum("investment_completed"), f=Sum("foreign_investment_arrived"), n=Sum("reports")
        )
        .order_by()
        if g["n"] or g["i"] or g["f"]
    }
    return _differences(expected, kept)


def _light_drift(projects, as_of: datetime.date) -> list:
    from investrack.closed_loop.lights import Light, LightBook
    from investrack.closed_loop.models import ProjectLight
    from investrack.projects.totals import size_tier

    book = LightBook.load(as_of, live=True)
    live = projects.filter(dropped_on__isnull=True)
    now = {
        pk: (light, region, park, size_tier(amount))
        for pk, light, region, park, amount in book.annotate(book.filter(live, Light.YELLOW))
        .order_by()
        .values_list("pk", "light", "region_id", "park_id", "total_investment")
    }
    kept = {
        pk: (light, region, park, tier)
        for pk, light, region, park, tier in ProjectLight.objects.filter(
            project__in=projects.values("pk")
        ).values_list("project_id", "light", "region_id", "park_id", "tier")
    }
    return _differences(now, kept)


def _light_total_drift(region_ids) -> list:
    from investrack.closed_loop.models import LightTotal, ProjectLight
    from investrack.closed_loop.services import light_totals_expected, light_totals_kept

    recorded, totals = ProjectLight.objects.all(), LightTotal.objects.all()
    if region_ids is not None:
        recorded = recorded.filter(region_id__in=region_ids)
        totals = totals.filter(region_id__in=region_ids)
    expected, kept = light_totals_expected(recorded), light_totals_kept(totals)
    return _differences(expected, kept)


def _search_drift(projects) -> list:
    from investrack.projects.search import project_terms

    rows = projects.values_list("pk", "name", "code", "national_code", "investor__name",
                                "search__terms")  # fmt: skip
    return [
        (pk, kept)
        for pk, name, code, national, investor, kept in rows.iterator(chunk_size=5000)
        if kept != project_terms(name, code, national, investor or "")
    ]


def _map_drift(projects, cells) -> list:
    from investrack.projects.map_cells import map_cells_expected, map_cells_kept

    expected, kept = map_cells_expected(projects), map_cells_kept(cells)
    return _differences(expected, kept)


def _namesake_drift() -> list:
    """The investors sharing a name key or a credit code with another, not flagged (a flag
    left after a rename is allowed: it hides nothing)."""
    return [
        (pk, field, value)
        for field in Investor.objects.KEYS
        for pk, value in Investor.objects.filter(
            **{f"{field}__in": Investor.objects.shared(field)}, namesake=False
        ).values_list("pk", field)
    ]


def _duplicate_drift() -> list:
    from investrack.projects.duplicate_pairs import pairs_found, pairs_kept

    return _differences(pairs_found(), pairs_kept())


def drift(*, region_ids=None, as_of: datetime.date | None = None) -> dict[str, list]:
    """Where the kept tables differ from a fresh computation, for every county or for
    ``region_ids``: ``{"stage_totals": [...], "progress_totals": [...], "lights": [...]}``."""
    as_of = as_of or timezone.localdate()
    projects, stages, by_day, reports, progress, cells = (
        Project.objects.all(),
        StageTotal.objects.all(),
        StageTotalDay.objects.all(),
        ProgressReport.objects.all(),
        ProgressTotal.objects.all(),
        MapCell.objects.all(),
    )
    if region_ids is not None:
        projects = projects.filter(region_id__in=region_ids)
        stages = stages.filter(region_id__in=region_ids)
        by_day = by_day.filter(region_id__in=region_ids)
        reports = reports.filter(project__region_id__in=region_ids)
        progress = progress.filter(region_id__in=region_ids)
        cells = cells.filter(region_id__in=region_ids)
    return {
        "stage_totals": _stage_drift(projects, stages),
        "stage_totals_by_day": _stage_drift(projects, by_day),
        "current_stages": _current_drift(projects, stages),
        "progress_totals": _progress_drift(reports, progress),
        "lights": _light_drift(projects, as_of),
        "light_totals": _light_total_drift(region_ids),
        "search_terms": _search_drift(projects),
        "map_cells": _map_drift(projects, cells),
        # City-wide (investors have no county; a pair may span two): checked with every
        # county only; the daily job finds them all afresh to mend them instead.
        "namesakes": _namesake_drift() if region_ids is None else [],
        "duplicate_pairs": _duplicate_drift() if region_ids is None else [],
    }
