"""The map's kept cells (:class:`~investrack.projects.models.MapCell`) and how they are kept.

A project adds one to the cell of its place, county, park, category and recorded light,
and its investment to the cell's sum, while it has a place and is not dropped. Two
things change that: a write to the project's row (the write hook takes the difference,
the light as recorded) and a change of its recorded light (the lights take the
difference, the row as it is). The cell is computed by the database in both, and in the
map's own query of the projects, so a project on a cell's edge falls the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Round

from investrack.core.bulk import among, fold_ledger, insert_rows
from investrack.projects.models import MapCell, Project

CELL_DEGREES = 2  # decimal places of a cell's centre: 0.01°, about 1 km
CHUNK = 5000
KEY = ("region_id", "park_id", "category", "longitude", "latitude", "light")


def cell_of(field: str) -> Round:
    """The centre of a coordinate's cell, as every query of the map computes it."""
    return Round(F(field), CELL_DEGREES)


def on_the_map(projects: QuerySet) -> QuerySet:
    """The projects the map shows: with a place, not dropped."""
    return projects.filter(dropped_on__isnull=True, longitude__isnull=False)


def _summed(projects: QuerySet, light=None) -> dict[tuple, list]:
    """``{key: [projects, investment]}`` of ``projects`` on the map, with their recorded
    light or, given ``light``, that one."""
    rows = (
        on_the_map(projects)
        .order_by()
        .annotate(
            lon=cell_of("longitude"),
            lat=cell_of("latitude"),
            lit=Value(light) if light is not None else Coalesce("recorded_light__light", Value(0)),
        )
        .values("region_id", "park_id", "category", "lon", "lat", "lit")
        .annotate(
            n=Count("pk"),
            a=Coalesce(Sum("total_investment"), Value(Decimal(0)), output_field=DecimalField()),
        )
    )
    return {
        (r["region_id"], r["park_id"], r["category"], r["lon"], r["lat"], r["lit"]): [
            r["n"],
            r["a"],
        ]
        for r in rows
    }


def _of(project_ids: Iterable[int], light=None) -> dict[tuple, list]:
    ids = sorted(set(project_ids))
    summed: dict[tuple, list] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = Project.objects.filter(among("pk", ids[start : start + CHUNK]))
        for key, (count, amount) in _summed(chunk, light).items():
            into = summed.setdefault(key, [0, Decimal(0)])
            into[0] += count
            into[1] += amount
    return summed


def _insert(change: dict[tuple, list]) -> int:
    rows = (
        {**dict(zip(KEY, key, strict=True)), "projects": count, "investment": amount}
        for key, (count, amount) in change.items()
        if count or amount
    )
    return insert_rows(MapCell, rows)


def _subtract(after: dict[tuple, list], before: dict[tuple, list]) -> dict[tuple, list]:
    for key, (count, amount) in before.items():
        into = after.setdefault(key, [0, Decimal(0)])
        into[0] -= count
        into[1] -= amount
    return after


class map_cells_difference:  # noqa: N801 - used like a function by the write hook
    """Taken before a write to these projects; ``finish()`` after it (before their lights
    are recorded again) adds the difference the write made to their rows."""

    def __init__(self, project_ids: Iterable[int]):
        self.ids = list(project_ids)
        self.before = _of(self.ids)

    def finish(self) -> None:
        _insert(_subtract(_of(self.ids), self.before))


def map_cells_add(project_ids: Iterable[int]) -> None:
    """New projects on the map (with no recorded light yet)."""
    _insert(_of(project_ids))


def map_cells_relit(changes: dict[int, tuple[int, int]]) -> None:
    """Projects whose recorded light changed, ``{project: (before, after)}``, move from
    the cells of the old light to those of the new (the lights call it before recording)."""
    by_change: dict[tuple[int, int], list[int]] = {}
    for pk, change in changes.items():
        by_change.setdefault(change, []).append(pk)
    summed: dict[tuple, list] = {}
    for (before, after), ids in by_change.items():
        _subtract(summed, _of(ids, before))
        for key, (count, amount) in _of(ids, after).items():
            into = summed.setdefault(key, [0, Decimal(0)])
            into[0] += count
            into[1] += amount
    _insert(summed)


def map_cells_kept(cells: QuerySet | None = None) -> dict[tuple, list]:
    """The kept cells summed per key (the non-empty ones)."""
    cells = MapCell.objects.all() if cells is None else cells
    rows = (
        cells.order_by()
        .values(*KEY)
        .annotate(n=Sum("projects"), a=Sum("investment"))
        .filter(n__gt=0)
    )
    return {tuple(r[k] for k in KEY): [r["n"], r["a"]] for r in rows}


def map_cells_expected(projects: QuerySet | None = None) -> dict[tuple, list]:
    """The cells computed afresh from the projects."""
    return _summed(Project.objects.all() if projects is None else projects)


@transaction.atomic
def map_cells_rebuild() -> int:
    """Make the cells again from the projects and their recorded lights (after a bulk load,
    or when the table is first made); returns its rows."""
    MapCell.objects.all().delete()
    return _insert(map_cells_expected())


def map_cells_fold() -> tuple[int, int]:
    """Fold the rows the writes added into one per key (the daily job); returns the rows
    before and after. Writers go on meanwhile."""
    return fold_ledger(MapCell, KEY, ["projects", "investment"])
