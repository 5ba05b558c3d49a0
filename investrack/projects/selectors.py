"""Reads of projects. Each starts from the user's jurisdiction scope."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, QuerySet, Sum, Window
from django.http import QueryDict
from django.utils import timezone

from investrack.accounts.models import User
from investrack.accounts.permissions import get_for_user_or_404, scope
from investrack.closed_loop.lights import LightBook
from investrack.closed_loop.selectors import open_problem_count
from investrack.core.compiled import compiled
from investrack.core.periods import last_of_month, months_from
from investrack.projects.figures import figure_text, indicator_value
from investrack.projects.filters import URGENCY, ProjectFilter
from investrack.projects.models import (
    PLANNED_DATE_FIELD,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectQuerySet,
    Stage,
    StageEvent,
    StageTotal,
)
from investrack.regions.models import Indicator, Unit, indicator_unit


def projects_visible_to(user: User) -> ProjectQuerySet:
    return Project.objects.visible_to(user)


# The day's rules as SQL, compiled once per day and rules (resolving each rule's condition
# against a query cost ~10 ms a request, compiling it ~3 ms; their compiled text, ~0), and
# the projects annotated with them (~1 ms a list), which each read filters a copy of.
_day_rules: dict[tuple, tuple[dict, QuerySet[Project]]] = {}


def _for_rules(book: LightBook) -> tuple[dict, QuerySet[Project]]:
    key = (
        book.as_of,
        book.live,
        tuple(
            (r.pk, r.kind, r.yellow_at, r.red_at, tuple(r.stages or ()), tuple(r.regions or ()))
            for r in book.rules
        ),
    )
    kept = _day_rules.get(key)
    if kept is None:
        lights = {name: compiled(Project, e) for name, e in book.rule_lights().items()}
        rows = Project.objects.select_related(
            "region", "park", "industry", "responsible_person"
        ).annotate(**lights, open_problems=_open_problems())
        kept = (lights, rows)
        _day_rules.clear()  # one day's rules at a time
        _day_rules[key] = kept
    return kept


def rule_lights(book: LightBook) -> dict:
    """``book.rule_lights()`` (each rule's light, for the reasons), each compiled to SQL
    once: annotate projects with them, and ``book.light_of(row)`` is each row's light."""
    return _for_rules(book)[0]


@functools.cache
def _open_problems() -> Any:
    return compiled(Project, open_problem_count())


def decorated_rows(book: LightBook) -> QuerySet[Project]:
    """Projects with their people, each rule's light, and their open problems: filter it
    to the rows wanted (shown, not sorted by light: each row's own light is
    ``book.light_of(row)``, set by the paginator and :func:`decorated_slice`)."""
    return _for_rules(book)[1].all()


# What a row of a list shows (the project tables, the leader view, the big screen) and what
# its light's reasons read: loading the other 30 columns of a project, and every column of
# its county, park, industry and responsible person, was a third of a list's Python time.
ROW_FIELDS = (
    "name", "code", "stage", "stage_since", "is_stalled", "dropped_on", "total_investment",
    "land_area", "expected_annual_tax", "signed_on", "planned_sign_date", "planned_start_date",
    "planned_completion_date", "planned_production_date",
    "region", "region__name", "park", "park__name", "industry", "industry__name",
    "responsible_person", "responsible_person__name",
)  # fmt: skip


def decorated_in_order(ids: list[int], book: LightBook, *, fields: tuple[str, ...] = ()) -> list:
    """The projects of ``ids``, in that order, decorated (see :func:`decorated_rows`), each
    with its light; if ``fields`` are given, only they are loaded, with the related records
    they name (``region__name``: the county) instead of the people's."""
    found = decorated_rows(book).filter(pk__in=ids)
    if fields:
        related = {name.split("__")[0] for name in fields if "__" in name}
        found = found.select_related(None).select_related(*related).only(*fields)
    by_pk = {project.pk: project for project in found}
    for project in by_pk.values():
        project.light = book.light_of(project)  # type: ignore[attr-defined]
    return [by_pk[pk] for pk in ids]


def decorated_slice(
    rows: QuerySet[Project], book: LightBook, start: int, stop: int, *, fields: tuple[str, ...]
) -> list:
    """Rows ``start:stop`` of ``rows``, in its order, with ``fields``, their light (and each
    rule's, for the reasons) and open problems — computed for those rows only (the API's
    pages: decorating the whole list first took 110 ms at 10⁵)."""
    ids = list(rows.values_list("pk", flat=True)[start:stop])
    return decorated_in_order(ids, book, fields=fields)


class ListPaginator(Paginator):
    """Counts and slices the filtered rows as they are; only the rows of the page get their
    people, their lights and their open problems, and only the columns a row shows
    (:data:`ROW_FIELDS`). (Computed over the whole list before sorting, a light costs
    little per row but much for 10⁵ rows.)"""

    def __init__(
        self,
        queryset: QuerySet[Project],
        per_page: int,
        *,
        book: LightBook,
        count: int | None = None,
    ) -> None:
        super().__init__(queryset, per_page)
        self.book = book
        if count is not None:  # known already (ProjectFilter.known_count): not counted again
            self.__dict__["count"] = count

    def page(self, number: int | str) -> Page:
        page = super().page(number)
        ids = list(cast(QuerySet, page.object_list).values_list("pk", flat=True))
        page.object_list = decorated_in_order(ids, self.book, fields=ROW_FIELDS)
        _with_leader_names(page.object_list)
        return page


def _with_leader_names(projects: list[Project]) -> None:
    """Each row's linked leaders' names (``leaders``), in one query for the page (a
    prefetch of the people took 2 ms of a list's 30)."""
    names: dict[int, list[str]] = {project.pk: [] for project in projects}
    links = Project.linked_leaders.through.objects.filter(project_id__in=list(names))
    for project_id, name in links.order_by("person__name", "person_id").values_list(
        "project_id", "person__name"
    ):
        names[project_id].append(name)
    for project in projects:
        project.leaders = names[project.pk]  # type: ignore[attr-defined]


def project_list(*, user: User, params: QueryDict) -> ProjectFilter:
    """The filtered project list: ``.rows`` in order, for counts, pages (see
    :class:`ListPaginator`), exports and the API's pages (:func:`decorated_slice`);
    short pages; ``.book`` to tell why a row is lit."""
    filterset = ProjectFilter(params, queryset=projects_visible_to(user), user=user)
    filterset.rows = filterset.qs
    filterset.figure = _figure_behind(filterset)
    return filterset


def published_list(*, params: QueryDict) -> ProjectFilter:
    """The projects the public sees as open data, filtered like the list: signed and later
    (leads and negotiations are confidential), in every jurisdiction."""
    from django.contrib.auth.models import AnonymousUser

    published = Project.objects.filter(stage__gte=Stage.SIGNED)
    return ProjectFilter(params, queryset=published, user=AnonymousUser())


def _figure_behind(filterset: ProjectFilter) -> dict | None:
    """For a list opened from a figure: the figure, computed again over the list's rows
    (an indicator for a period as of a date, or the projects in a stage on a date)."""
    from django.utils.translation import gettext as _

    from investrack.core.units import format_amount, format_date

    if not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data
    period = filterset.period()
    if period is not None:
        indicator = data["indicator"]
        words = {
            "label": Indicator(indicator).label,
            "period": period.label,
            "date": format_date(period.as_of),
        }
        if period.known_on is not None:
            sentence = _(
                "The projects behind “%(label)s”, %(period)s, as of %(date)s, as known on "
                "%(known)s:"
            ) % {**words, "known": format_date(period.known_on)}
        else:
            sentence = _("The projects behind “%(label)s”, %(period)s, as of %(date)s:") % words
        counted = indicator_unit(indicator) == Unit.COUNT
        if counted or indicator == Indicator.INTRODUCED_INVESTMENT:
            # The rows are the projects the figure counts (or adds up): counted once, for
            # the figure and for the pages (as known on a past day, the event log was read
            # three times; today, the whole stage family was summed for one figure).
            totals = filterset.rows.order_by().aggregate(
                n=Count("pk"), amount=Sum("total_investment")
            )
            filterset.rows_counted = totals["n"]
            value = totals["n"] if counted else Decimal(totals["amount"] or 0)
        else:
            value = indicator_value(filterset.rows, indicator, period)
        return {"sentence": sentence, "text": figure_text(indicator, value)}
    if data.get("on"):
        totals = filterset.rows.order_by().aggregate(n=Count("pk"), amount=Sum("total_investment"))
        filterset.rows_counted = totals["n"]  # the pages need not count them again
        stages = data.get("stage") or []
        stage_names = "、".join(str(Stage(int(s)).label) for s in stages)
        sentence = (
            _("Projects in the stage “%(stage)s” on %(date)s:")
            % {"stage": stage_names, "date": format_date(data["on"])}
            if stages
            else _("Projects there were on %(date)s:") % {"date": format_date(data["on"])}
        )
        return {
            "sentence": sentence,
            "text": _("%(n)s projects, total investment %(amount)s")
            % {"n": totals["n"], "amount": format_amount(Decimal(totals["amount"] or 0))},
        }
    return None


# The three lists (三张清单) plus 促投产: which stage each holds and which planned date drives it.
# Each list holds the projects of one stage, driven by the planned date of the next stage.
WORK_LISTS = {
    kind: (Stage(stage), PLANNED_DATE_FIELD[Stage(stage + 1)])
    for kind, stage in [
        ("to-sign", Stage.NEGOTIATING),
        ("to-start", Stage.SIGNED),
        ("to-complete", Stage.STARTED),
        ("to-produce", Stage.COMPLETED),
    ]
}


def work_list(*, user: User, kind: str, params: QueryDict) -> ProjectFilter:
    """A working list, most urgent first: furthest past its planned date, then no date."""
    stage, planned_field = WORK_LISTS[kind]
    base = projects_visible_to(user).filter(stage=stage)
    params = params.copy()
    params.pop("stage", None)
    filterset = ProjectFilter(params, queryset=base, user=user, urgency=True)
    filterset.base_stages = [stage]
    qs = filterset.qs
    if filterset.form.cleaned_data.get("sort", URGENCY) in (URGENCY, ""):
        qs = qs.order_by(F(planned_field).asc(nulls_last=True), "stage_since", "id")
    filterset.rows = qs
    filterset.planned_field = planned_field
    return filterset


def stage_overview(*, user: User) -> tuple[list[dict], dict]:
    """Active projects per stage (count, investment, past the planned date).

    Returns the rows of the stage table and the totals of the four working lists. The
    counts and amounts are the stage totals of the projects in each stage now (kept by the
    write hook, exact: the suite checks them against the projects after every write), the
    overdue counts the projects past their date, read from the working lists' indexes
    (counted from the projects, a city of 10⁶ took 220 ms; now a few).
    """
    today = timezone.localdate()
    kept = (
        scope(user, StageTotal.objects.filter(kind=StageTotal.Kind.CURRENT))
        .order_by()
        .values("stage")
        .annotate(count=Sum("projects"), amount=Sum("investment"))
    )
    by_stage = {row["stage"]: row for row in kept}
    # One count per list, each a range of its list's index, read from the index alone (an
    # OR of the four, or their UNION, made PostgreSQL read the table: 180–230 ms at 10⁶).
    visible = projects_visible_to(user).filter(dropped_on__isnull=True)
    late = {
        stage: visible.filter(stage=stage, **{f"{planned}__lt": today}).count()
        for stage, planned in WORK_LISTS.values()
    }
    stages = [
        {
            "stage": stage,
            "label": stage.label,
            "count": by_stage.get(stage, {}).get("count") or 0,
            "amount": by_stage.get(stage, {}).get("amount") or 0,
        }
        for stage in Stage
    ]
    work_counts = {}
    for kind, (stage, _planned) in WORK_LISTS.items():
        key = kind.replace("-", "_")
        work_counts[f"{key}_total"] = by_stage.get(stage, {}).get("count") or 0
        work_counts[f"{key}_overdue"] = late.get(stage, 0)
    return stages, work_counts


def project_detail(*, user: User, pk: int, book: LightBook | None = None) -> Project:
    """The project; with ``book``, annotated with its light and each rule's."""
    qs: QuerySet[Project] = Project.objects.select_related(
        "region",
        "park",
        "industry",
        "chain_link__chain",
        "investor",
        "responsible_person",
        "lead_department",
        "phase_of",
        "created_by",
    ).prefetch_related("tags", "linked_leaders")
    if book is None:
        return get_for_user_or_404(user, qs, pk=pk)
    project = get_for_user_or_404(user, qs.annotate(**rule_lights(book)), pk=pk)
    project.light = book.light_of(project)  # type: ignore[attr-defined]
    return project


def project_timeline(*, project: Project) -> list[StageEvent]:
    """Every event, oldest first, each marked if a later correction replaced or retracted it."""
    events = list(
        project.events.select_related("recorded_by", "corrects")
        .prefetch_related(Prefetch("evidence"))
        .order_by("effective_date", "id")
    )
    corrected = {}
    for event in events:
        if event.kind == StageEvent.Kind.CORRECTION:
            corrected[event.corrects_id] = event
    for event in events:
        event.corrected_by = corrected.get(event.pk)
    return events


def project_phases(*, user: User, project: Project) -> QuerySet[Project]:
    """The other phases of the same project (一期/二期…), within the user's scope."""
    root_id = project.phase_of_id or project.pk
    # The phases' ids from the phase_of index first: an OR of the two would scan the table.
    ids = [root_id, *Project.objects.filter(phase_of_id=root_id).values_list("pk", flat=True)]
    return (
        projects_visible_to(user)
        .filter(pk__in=ids)
        .exclude(pk=project.pk)
        .only("id", "name", "phase_label", "stage", "total_investment")
    )


def project_history(*, project: Project) -> list:
    from investrack.projects.history import project_history as history

    return history(project)


def project_progress(*, project: Project) -> QuerySet[ProgressReport]:
    """Monthly reports with the running cumulative total, computed by a window function."""
    return (
        project.progress_reports.select_related("reported_by")
        .annotate(cumulative=Window(Sum("investment_completed"), order_by="period"))
        .order_by("period")
    )


def investment_curve(*, project: Project, reports: list) -> dict | None:
    """Investment completed, month by month and cumulative (万元), against the plan: the
    total spread evenly from the start (or the planned start) to the planned completion.
    None without reports."""
    if not reports:
        return None
    start = project.started_on or project.planned_start_date
    end = project.planned_completion_date
    total = project.total_investment

    def planned(month: datetime.date) -> float | None:
        if not (start and end and end > start):
            return None
        month_end = last_of_month(month)
        share = min(max((month_end - start).days / (end - start).days, 0), 1)
        return round(float(total) * share / 10_000, 2)

    first = reports[0].period
    last = max(reports[-1].period, (end or first).replace(day=1))
    # At most twenty years drawn (a completion date typed as 2926 is not walked month by month).
    months = months_from(first, min(last, first.replace(year=first.year + 20)))[:240]
    actual = {r.period: round(float(r.cumulative) / 10_000, 2) for r in reports}
    return {
        "months": [f"{m:%Y-%m}" for m in months],
        "actual": [actual.get(m) for m in months],
        "planned": [planned(m) for m in months],
        "total": round(float(total) / 10_000, 2),
    }


def project_photos(*, project: Project) -> QuerySet[ProgressPhoto]:
    """The site photos sent with the project's reports, the latest month first."""
    return (
        ProgressPhoto.objects.filter(report__project=project)
        .select_related("report")
        .order_by("-report__period", "pk")
    )


def progress_of_projects(*, projects: QuerySet[Project]) -> QuerySet[ProgressReport]:
    """The monthly reports of ``projects`` (an already scoped and filtered queryset), each
    with its project's running total, computed by a window function per project."""
    return (
        ProgressReport.objects.filter(project__in=projects.order_by().values("pk"))
        .select_related("project")
        .annotate(
            cumulative=Window(
                Sum("investment_completed"), partition_by="project_id", order_by="period"
            )
        )
        .order_by("project__code", "period")
    )
