"""The one way a project changes.

    with project_write(actor, [project.pk], audit=AuditEntry.Action.UPDATE) as w:
        project = w.locked[project.pk]
        ...change it, add its events...

Entering locks the projects' rows; leaving (in the same transaction) bumps the version of
every project whose row changed, writes the audit entry of what changed (when ``audit``
names the action), adds to the stage totals and the map's cells the difference the write made, moves or
adds the progress totals, keeps the projects' search terms and their pairs likely counted
twice, and records the projects' lights for today. New projects are
announced with ``w.created(ids)``, new monthly reports with ``w.reports_added(reports)``.

Explicit, not signals: a reader sees where a write begins and ends. The model refuses to
be saved outside it (``Project.save``, ``ProjectQuerySet.update/bulk_create``), so a new
code path that forgets the hook fails at once instead of drifting the figures.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone

if TYPE_CHECKING:
    from investrack.accounts.models import User
    from investrack.projects.models import Project

T = TypeVar("T")

_inside: contextvars.ContextVar[bool] = contextvars.ContextVar("project_write", default=False)
_current: contextvars.ContextVar = contextvars.ContextVar("current_project_write", default=None)


def inside_project_write() -> bool:
    return _inside.get()


def current_write() -> ProjectWrite:
    """The write the calling service runs inside (to announce new projects or reports)."""
    write = _current.get()
    if write is None:
        raise RuntimeError("No project_write is open.")
    return write


# Fields whose change is not the project's own (kept by the hook itself).
_NOT_COMPARED = {"version", "updated_at", "created_at"}


def _rows(ids: list[int]) -> dict[int, dict]:
    from investrack.projects.models import Project

    names = [f.attname for f in Project._meta.concrete_fields if f.attname not in _NOT_COMPARED]
    return {row["id"]: row for row in Project.objects.filter(pk__in=ids).values(*names)}


@dataclass
class ProjectWrite:
    actor: object
    ids: list[int]
    audit: str | None
    locked: dict = field(default_factory=dict)
    _created: list[int] = field(default_factory=list)
    _reports: list = field(default_factory=list)

    def created(self, ids: Iterable[int]) -> None:
        self._created.extend(ids)

    def reports_added(self, reports: Iterable) -> None:
        self._reports.extend(reports)


@contextmanager
def project_write(
    actor: User | None, project_ids: Iterable[int] = (), *, audit: str | None = None
) -> Iterator[ProjectWrite]:
    from investrack.closed_loop.services.light_records import lights_record
    from investrack.core import audit as audit_log
    from investrack.projects.duplicate_pairs import pairs_keep
    from investrack.projects.map_cells import map_cells_add, map_cells_difference
    from investrack.projects.models import Project
    from investrack.projects.search import search_keep
    from investrack.projects.services.common import AUDITED_FIELDS
    from investrack.projects.totals import (
        progress_totals_add_projects,
        progress_totals_add_reports,
        progress_totals_move,
        stage_totals_add,
        stage_totals_difference,
    )

    ids = sorted(set(project_ids))
    with transaction.atomic():
        write = ProjectWrite(actor=actor, ids=ids, audit=audit)
        write.locked = {p.pk: p for p in Project.objects.select_for_update().filter(pk__in=ids)}
        rows_before = _rows(ids)
        audit_before = (
            {pk: audit_log.snapshot(p, AUDITED_FIELDS) for pk, p in write.locked.items()}
            if audit
            else {}
        )
        kept, on_map = stage_totals_difference(ids), map_cells_difference(ids)
        token, current = _inside.set(True), _current.set(write)
        try:
            yield write
            rows_after = _rows(ids)
            changed = [pk for pk in ids if rows_before.get(pk) != rows_after.get(pk)]
            audited = {}
            for project in Project.objects.filter(pk__in=ids) if audit else ():
                changes = audit_log.diff(
                    audit_before[project.pk], audit_log.snapshot(project, AUDITED_FIELDS)
                )
                if changes:
                    audited[project.pk] = (project, changes)
            bumped = sorted(set(changed) | set(audited))
            if bumped:
                Project.objects.filter(pk__in=bumped).update(
                    version=F("version") + 1, updated_at=timezone.now()
                )
            kept.finish()
            on_map.finish()
            search_keep([*ids, *write._created])
            pairs_keep([*ids, *write._created])
            for pk in changed:
                before, after = rows_before[pk], rows_after[pk]
                place = ("region_id", "park_id", "category")
                if tuple(before[k] for k in place) != tuple(after[k] for k in place):
                    progress_totals_move(
                        project_id=pk,
                        before=tuple(before[k] for k in place),
                        after=tuple(after[k] for k in place),
                    )
            if write._created:
                stage_totals_add(write._created)
                map_cells_add(write._created)
                progress_totals_add_projects(write._created)
            progress_totals_add_reports(
                [r for r in write._reports if r.project_id not in set(write._created)]
            )
            for project, changes in audited.values():
                audit_log.record(actor=actor, instance=project, action=audit or "", changes=changes)
        finally:
            _inside.reset(token)
            _current.reset(current)
        lights_record(project_ids=[*ids, *write._created])


def writes_project(function: Callable[..., T]) -> Callable[..., T]:
    """For a service of one project (``actor=…, project=…``): the whole call is one
    ``project_write``; the project it returns is read again after the hook has run."""

    @functools.wraps(function)
    def wrapper(*args: Any, actor: User, project: Project, **kwargs: Any) -> T:
        from investrack.projects.models import Project

        with project_write(actor, [project.pk]):
            result = function(*args, actor=actor, project=project, **kwargs)
        if isinstance(result, Project):
            result.refresh_from_db()
        return result

    return wrapper


def writes_project_of(argument: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """For a service of a record that belongs to a project (``problem=…``): the call runs in
    a ``project_write`` of that project, so its light follows the record's change."""

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def wrapper(*args: Any, actor: User, **kwargs: Any) -> T:
            with project_write(actor, [kwargs[argument].project_id]):
                return function(*args, actor=actor, **kwargs)

        return wrapper

    return decorate
