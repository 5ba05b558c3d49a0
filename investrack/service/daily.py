"""The daily job: record today's lights, remind, escalate, e-mail. Idempotent: a second run
on the same day finds nothing new to record and nobody new to tell."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.core.workdays import UnknownHolidayYear, WorkCalendar
from investrack.projects.models import Project
from investrack.service import services
from investrack.service.lights import LightBook
from investrack.service.models import (
    OPEN_STATUSES,
    Escalation,
    Light,
    LightChange,
    Notification,
    Problem,
    ProjectLight,
)
from investrack.service.notifications import notify, notify_many, send_pending_emails

log = logging.getLogger(__name__)
CHUNK = 5000


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def lights_record(*, as_of: datetime.date) -> dict:
    """Compare today's lights with those last recorded; record every change and tell the
    linked leaders and the responsible person of each project that turned red."""
    book = LightBook.load(as_of)
    lit = book.filter(Project.objects.filter(dropped_on__isnull=True), Light.YELLOW)
    now = dict(book.annotate(lit).order_by().values_list("pk", "light").iterator(chunk_size=CHUNK))
    before = dict(
        ProjectLight.objects.values_list("project_id", "light").iterator(chunk_size=CHUNK)
    )
    changed = [pk for pk, light in now.items() if before.get(pk) != light]
    cleared = [pk for pk in before if pk not in now]
    changes = [
        LightChange(project_id=pk, on=as_of, before=before.get(pk, 0), after=now[pk])
        for pk in changed
    ]
    changes += [LightChange(project_id=pk, on=as_of, before=before[pk], after=0) for pk in cleared]
    LightChange.objects.bulk_create(changes, batch_size=CHUNK)
    for chunk in _chunks(cleared):
        ProjectLight.objects.filter(project_id__in=chunk).delete()
    ProjectLight.objects.bulk_create(
        [ProjectLight(project_id=pk, light=now[pk], since=as_of) for pk in changed],
        batch_size=CHUNK,
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=["light", "since"],
    )
    turned_red = [pk for pk in changed if now[pk] == Light.RED]
    _tell_turned_red(turned_red, as_of)
    return {
        "lit": len(now),
        "red": sum(1 for v in now.values() if v == Light.RED),
        "changed": len(changed) + len(cleared),
        "turned_red": len(turned_red),
    }


def _tell_turned_red(project_ids: list[int], as_of: datetime.date) -> None:
    link = Project.linked_leaders.through
    for chunk in _chunks(project_ids):
        people = defaultdict(set)
        for project_id, user_id in link.objects.filter(
            project_id__in=chunk, person__user__isnull=False
        ).values_list("project_id", "person__user_id"):
            people[project_id].add(user_id)
        projects = Project.objects.filter(pk__in=chunk).values_list(
            "pk", "name", "responsible_person__user_id"
        )
        rows = []
        for pk, name, responsible in projects:
            users = people[pk] | ({responsible} if responsible else set())
            rows += [
                Notification(
                    user_id=user_id,
                    kind=Notification.Kind.TURNED_RED,
                    key=f"light:{pk}:red:{as_of}",
                    title=_("Red light: %(project)s") % {"project": name},
                    body=_("The project turned red on %(date)s.") % {"date": as_of.isoformat()},
                    url=f"/projects/{pk}/",
                )
                for user_id in users
            ]
        notify_many(rows)


def problems_follow_up(*, as_of: datetime.date) -> dict:
    """Remind before deadlines, escalate overdue problems: to the city bureau at once, to
    the linked leaders after ``ESCALATE_TO_LEADER_AFTER`` more working days."""
    counts = {"reminded": 0, "to_bureau": 0, "to_leader": 0}
    calendar = WorkCalendar()
    open_ = Problem.objects.filter(status__in=OPEN_STATUSES).select_related(
        "project", "department", "assignee"
    )
    try:
        remind_until = calendar.add(as_of, settings.REMIND_BEFORE_DEADLINE)
    except UnknownHolidayYear as exc:
        log.warning("No reminders: %s", exc.messages[0])
        remind_until = None
    if remind_until:
        for problem in open_.filter(deadline__gte=as_of, deadline__lte=remind_until):
            notify(
                users=services._handlers(problem),
                kind=Notification.Kind.DUE_SOON,
                key=f"problem:{problem.pk}:due:{problem.deadline}",
                title=_("Deadline %(deadline)s: %(title)s (%(project)s)")
                % {
                    "deadline": problem.deadline.isoformat(),
                    "title": problem.title,
                    "project": problem.project,
                },
                url=problem.get_absolute_url(),
            )
            counts["reminded"] += 1
    for problem in open_.filter(deadline__lt=as_of, escalation=Escalation.NONE):
        counts["to_bureau"] += services.problem_escalate(
            problem=problem, to=Escalation.BUREAU, as_of=as_of
        )
    leader_cutoff = calendar.add(as_of, -settings.ESCALATE_TO_LEADER_AFTER)
    for problem in open_.filter(deadline__lt=leader_cutoff, escalation__lt=Escalation.LEADER):
        counts["to_leader"] += services.problem_escalate(
            problem=problem, to=Escalation.LEADER, as_of=as_of
        )
    return counts


def daily_run(*, as_of: datetime.date | None = None) -> dict:
    as_of = as_of or timezone.localdate()
    result = {"date": as_of.isoformat()}
    result.update(lights_record(as_of=as_of))
    result.update(problems_follow_up(as_of=as_of))
    result["emailed"] = send_pending_emails()
    return result
