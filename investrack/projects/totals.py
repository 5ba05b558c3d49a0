"""The kept totals the leaders' pages read instead of the projects, and how they are kept.

Only the write hook (:mod:`investrack.projects.write`) calls the functions that change
them during a write; the rebuilds and the daily fold are for loads and maintenance.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from investrack.core.bulk import among, fold_ledger, insert_rows
from investrack.core.units import YI
from investrack.projects.models import (
    STAGE_DATE_FIELD,
    ProgressReport,
    ProgressTotal,
    Project,
    Stage,
    StageEvent,
    StageTotal,
    StageTotalDay,
)

# --- monthly progress totals -------------------------------------------------------------


def _progress_total_add(place, *, period, recorded_on, investment, foreign, reports) -> None:
    """Add to (or, with negative figures, take from) one row of the monthly totals."""
    region_id, park_id, category = place
    key = {"period": period, "recorded_on": recorded_on, "region_id": region_id,
           "park_id": park_id, "category": category}  # fmt: skip
    change = {
        "investment_completed": F("investment_completed") + investment,
        "foreign_investment_arrived": F("foreign_investment_arrived") + foreign,
        "reports": F("reports") + reports,
    }
    if ProgressTotal.objects.filter(**key).update(**change):
        return
    try:
        with transaction.atomic():  # a savepoint: another report may create the row first
            ProgressTotal.objects.create(
                **key, investment_completed=investment, foreign_investment_arrived=foreign,
                reports=reports,
            )  # fmt: skip
    except IntegrityError:
        ProgressTotal.objects.filter(**key).update(**change)


def _report_figures(report) -> dict:
    return {
        "period": report.period,
        "recorded_on": timezone.localdate(report.reported_at),
        "investment": report.investment_completed,
        "foreign": report.foreign_investment_arrived or 0,
    }


def progress_totals_add_reports(reports: Iterable[ProgressReport]) -> None:
    """New reports of existing projects count where their project is."""
    reports = list(reports)
    if not reports:
        return
    places = {
        pk: place
        for pk, *place in Project.objects.filter(
            pk__in={r.project_id for r in reports}
        ).values_list("pk", "region_id", "park_id", "category")
    }
    for report in reports:
        _progress_total_add(tuple(places[report.project_id]), **_report_figures(report), reports=1)


def progress_totals_add_projects(project_ids: Iterable[int]) -> None:
    """New projects (a load) add the reports they came with, grouped in one query."""
    groups = (
        ProgressReport.objects.filter(among("project_id", project_ids))
        .annotate(recorded_on=TruncDate("reported_at"))
        .values("period", "recorded_on", "project__region", "project__park", "project__category")
        .annotate(i=Sum("investment_completed"), f=Sum("foreign_investment_arrived"), n=Count("pk"))
        .order_by()
    )
    for g in groups:
        place = (g["project__region"], g["project__park"], g["project__category"])
        _progress_total_add(place, period=g["period"], recorded_on=g["recorded_on"],
                            investment=g["i"], foreign=g["f"] or 0, reports=g["n"])  # fmt: skip


def progress_totals_move(*, project_id: int, before: tuple, after: tuple) -> None:
    """A project moved to another county, park or category takes its reports with it, on
    the day of the move: as known before, they stay where they were."""
    moved_on = timezone.localdate()
    for report in ProgressReport.objects.filter(project_id=project_id):
        figures = {**_report_figures(report), "recorded_on": moved_on}
        _progress_total_add(before, period=figures["period"], recorded_on=moved_on,
                            investment=-figures["investment"], foreign=-figures["foreign"],
                            reports=-1)  # fmt: skip
        _progress_total_add(after, **figures, reports=1)


@transaction.atomic
def progress_totals_rebuild() -> int:
    """Make the monthly totals again from the reports (after a bulk load); returns rows."""
    ProgressTotal.objects.all().delete()
    groups = (
        ProgressReport.objects.annotate(recorded_on=TruncDate("reported_at"))
        .values("period", "recorded_on", "project__region", "project__park", "project__category")
        .annotate(
            investment=Sum("investment_completed"),
            foreign=Sum("foreign_investment_arrived"),
            n=Count("pk"),
        )
        .order_by()
    )
    rows = [
        ProgressTotal(
            period=g["period"],
            recorded_on=g["recorded_on"],
            region_id=g["project__region"],
            park_id=g["project__park"],
            category=g["project__category"],
            investment_completed=g["investment"] or 0,
            foreign_investment_arrived=g["foreign"] or 0,
            reports=g["n"],
        )
        for g in groups
    ]
    ProgressTotal.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- stage totals ------------------------------------------------------------------------
#
# The leaders' figures read StageTotal instead of the projects. A project's share of it is
# a pure function of its row (stage_shares); every write to a project adds the difference
# between its shares after and before, in the same transaction.

SHARE_KEY = ("kind", "stage", "month", "region_id", "park_id", "category", "dropped_month",
             "tier", "started_month", "division", "chain_link_id")  # fmt: skip
SHARE_FIELDS = ["region_id", "park_id", "category", "total_investment", "industry__code",
                "chain_link_id", "dropped_on", *STAGE_DATE_FIELD.values()]  # fmt: skip
REACHED_STAGES = [Stage.SIGNED, Stage.STARTED, Stage.COMPLETED, Stage.PRODUCTION]


def _month(day: datetime.date | None) -> datetime.date | None:
    return day.replace(day=1) if day else None


def size_tier(amount: Decimal | None) -> int:
    """1, 10 or 100 for a project of ≥ 1亿, 10亿 or 100亿 yuan; else 0 (and for none)."""
    for tier in reversed(StageTotal.TIERS):
        if amount is not None and amount >= tier * YI:
            return tier
    return 0


def stage_shares(row: dict) -> Iterator[tuple[tuple, int, Decimal]]:
    """What one project (a row of ``SHARE_FIELDS``) adds to the stage totals, as
    ``(key, projects, investment)``: the month each stage was reached; the month it was
    signed, with its size, with the month it started, with its industry division and its
    chain link; and, for the funnel, +1 in the month it entered each stage and -1 in the
    month it left it for a later one, and +1 in the stage it is in now unless dropped."""
    place = (row["region_id"], row["park_id"], row["category"])
    dropped = _month(row["dropped_on"])
    amount = row["total_investment"] or Decimal(0)
    Kind = StageTotal.Kind

    def key(kind, stage, month, tier=0, started=None, division="", link=None):
        return (kind, int(stage), month, *place, dropped, tier, started, division, link)

    for stage in REACHED_STAGES:
        day = row[STAGE_DATE_FIELD[stage]]
        if day:
            tier = size_tier(amount) if stage == Stage.SIGNED else 0
            yield key(Kind.REACHED, stage, _month(day), tier), 1, amount
    signed = _month(row["signed_on"])
    if signed:
        yield key(Kind.START, Stage.SIGNED, signed, started=_month(row["started_on"])), 1, amount
        if row["industry__code"]:
            division = row["industry__code"][:2]
            yield key(Kind.INDUSTRY, Stage.SIGNED, signed, division=division), 1, amount
        if row["chain_link_id"]:
            yield key(Kind.CHAIN, Stage.SIGNED, signed, link=row["chain_link_id"]), 1, amount
    reached = [(s, row[f]) for s, f in STAGE_DATE_FIELD.items() if row[f]]
    for (stage, day), later in zip(reached, [*reached[1:], None], strict=True):
        yield key(Kind.HELD, stage, _month(day)), 1, amount
        if later is not None:
            yield key(Kind.HELD, stage, _month(later[1])), -1, -amount
    if reached and not dropped:
        yield key(Kind.CURRENT, reached[-1][0], None), 1, amount


def _shares_of(projects) -> dict[tuple, list]:
    """The summed shares of ``projects`` (a queryset), key by key."""
    summed: dict[tuple, list] = {}
    for row in projects.order_by().values(*SHARE_FIELDS).iterator(chunk_size=5000):
        for key, count, amount in stage_shares(row):
            into = summed.setdefault(key, [0, Decimal(0)])
            into[0] += count
            into[1] += amount
    return summed


def _insert_now(shares: dict[tuple, list]) -> int:
    """Rows of the totals (keys: ``SHARE_KEY``)."""
    rows = (
        {**dict(zip(SHARE_KEY, key, strict=True)), "projects": count, "investment": amount}
        for key, (count, amount) in shares.items()
        if count or amount
    )
    return insert_rows(StageTotal, rows)


def _insert_by_day(shares: dict[tuple, list]) -> int:
    """Rows of the totals by day recorded (keys: ``SHARE_KEY`` and the day)."""
    size = len(SHARE_KEY)
    rows = (
        {
            **dict(zip(SHARE_KEY, key[:size], strict=True)),
            "recorded_on": key[size],
            "projects": count,
            "investment": amount,
        }
        for key, (count, amount) in shares.items()
        if count or amount
    )
    return insert_rows(StageTotalDay, rows)


def _undated(shares: dict[tuple, list]) -> dict[tuple, list]:
    """Shares by day summed over the days."""
    size = len(SHARE_KEY)
    summed: dict[tuple, list] = {}
    for key, (count, amount) in shares.items():
        into = summed.setdefault(key[:size], [0, Decimal(0)])
        into[0] += count
        into[1] += amount
    return summed


def _stage_totals_insert(shares: dict[tuple, list], recorded_on: datetime.date | None) -> int:
    """A write's rows, in the totals and in the totals by day: ``shares`` keys are
    ``SHARE_KEY`` (all recorded on ``recorded_on``) or, with ``recorded_on`` None,
    ``SHARE_KEY`` and the day recorded."""
    if recorded_on is not None:
        dated = {(*key, recorded_on): value for key, value in shares.items()}
        _insert_by_day(dated)
        return _insert_now(shares)
    _insert_by_day(shares)
    return _insert_now(_undated(shares))


def stage_totals_add(project_ids: Iterable[int]) -> None:
    """New projects add their shares to the stage totals, each stage on the day it was
    recorded (today, unless a load brings history recorded earlier)."""
    _stage_totals_insert(_replayed_shares(Project.objects.filter(among("pk", project_ids))), None)


class stage_totals_difference:  # noqa: N801 - used like a function by the write hook
    """Taken before a write to these projects; ``finish()`` after it adds to the stage
    totals the difference it made (as rows of their own: a ledger, no lost update)."""

    def __init__(self, project_ids: Iterable[int]):
        self.projects = Project.objects.filter(pk__in=list(project_ids))
        self.before = _shares_of(self.projects)

    def finish(self) -> None:
        change = _shares_of(self.projects)
        for key, (count, amount) in self.before.items():
            into = change.setdefault(key, [0, Decimal(0)])
            into[0] -= count
            into[1] -= amount
        _stage_totals_insert(change, timezone.localdate())


class _Event(NamedTuple):
    """A stage event as the replay reads it (what ``rules.stage_columns`` looks at)."""

    pk: int
    kind: str
    stage: int | None
    effective_date: datetime.date
    corrects_id: int | None
    retracts: bool
    note: str
    recorded_on: datetime.date


def _events_of(project_ids: list[int]) -> dict[int, list[_Event]]:
    events: dict[int, list[_Event]] = {}
    rows = (
        StageEvent.objects.filter(project_id__in=project_ids)
        .order_by("id")
        .values_list(
            "project_id",
            "pk",
            "kind",
            "stage",
            "effective_date",
            "corrects_id",
            "retracts",
            "recorded_at",
        )  # fmt: skip
    )
    for project_id, pk, kind, stage, effective, corrects, retracts, at in rows:
        recorded_on = timezone.localdate(at)
        events.setdefault(project_id, []).append(
            _Event(pk, kind, stage, effective, corrects, retracts, "", recorded_on)
        )
    return events


def _add_shares(into: dict, row: dict, sign: int, day: datetime.date) -> None:
    for key, count, amount in stage_shares(row):
        cell = into.setdefault((*key, day), [0, Decimal(0)])
        cell[0] += sign * count
        cell[1] += sign * amount


def _replayed_shares(projects) -> dict[tuple, list]:
    """The shares of ``projects`` on the record clock: for each day one of a project's
    events was recorded, the difference between its shares with the events known by the
    end of that day and by the day before (its stage dates and drop as then known; amounts
    and places as they are now: their earlier values are in the audit log). Keys are
    ``SHARE_KEY`` and the day."""
    from investrack.projects.rules import stage_columns

    summed: dict[tuple, list] = {}
    stage_fields = (*STAGE_DATE_FIELD.values(), "dropped_on")
    ids = sorted(projects.order_by().values_list("pk", flat=True))
    today = timezone.localdate()
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        # Read chunk by chunk: an import's 100,000 rows at once took 90 MB beside its plan.
        rows = {
            r["pk"]: r
            for r in projects.filter(among("pk", chunk)).order_by().values("pk", *SHARE_FIELDS)
        }
        # The usual case, an import: everything recorded today, nothing to replay.
        earlier = set(
            StageEvent.objects.filter(among("project_id", chunk), recorded_at__lt=start_of_today)
            .values_list("project_id", flat=True)
            .distinct()
        )
        events = _events_of(sorted(earlier))
        for pk in chunk:
            if pk not in earlier:
                _add_shares(summed, rows[pk], 1, today)
                continue
            row, mine = rows[pk], events.get(pk, [])
            days = sorted({e.recorded_on for e in mine}) or [timezone.localdate()]
            if len(days) == 1:  # the usual case: everything recorded the day it was created
                _add_shares(summed, row, 1, days[0])
                continue
            previous = None
            for day in days:
                columns = stage_columns([e for e in mine if e.recorded_on <= day])
                state = {**row, **{k: columns[k] for k in stage_fields}}
                if previous is not None:
                    _add_shares(summed, previous, -1, day)
                _add_shares(summed, state, 1, day)
                previous = state
    return summed


@transaction.atomic
def stage_totals_rebuild() -> int:
    """Make the stage totals again from the projects, and the totals by day from their
    events, each difference on the day it was recorded (after a bulk load, or to date rows
    kept before the record clock); returns the rows of the totals."""
    StageTotal.objects.all().delete()
    StageTotalDay.objects.all().delete()
    _insert_by_day(_replayed_shares(Project.objects.all()))
    return _insert_now(_shares_of(Project.objects.all()))


def _fold(model) -> tuple[int, int]:
    # The key in the order of the table's covering index, which then hands the rows over
    # sorted by key (the totals by day hold millions of rows at 10⁶).
    (index,) = model._meta.indexes
    key = [model._meta.get_field(f).attname for f in index.fields[:-2]]
    assert set(key) == {*SHARE_KEY, *(["recorded_on"] if model is StageTotalDay else [])}
    return fold_ledger(model, key, ["projects", "investment"])


@transaction.atomic
def stage_totals_fold() -> tuple[int, int]:
    """Fold the rows the writes added into one row per key (per key and day recorded, in
    the totals by day); the daily job does it. Returns the rows of the totals before and
    after. Writers go on meanwhile."""
    _fold(StageTotalDay)
    return _fold(StageTotal)
