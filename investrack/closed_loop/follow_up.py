"""The closed loop's part of the daily job: remind before deadlines, escalate overdue
problems. Idempotent: a second run on the same day tells nobody twice."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils.translation import gettext as _

from investrack.closed_loop import services
from investrack.closed_loop.models import (
    OPEN_STATUSES,
    Escalation,
    Notification,
    Problem,
)
from investrack.closed_loop.notifications import notify
from investrack.core.units import format_date
from investrack.core.workdays import UnknownHolidayYear, WorkCalendar

log = logging.getLogger(__name__)


def problems_follow_up(*, as_of: datetime.date) -> dict:
    """Remind before deadlines, escalate overdue problems: to the city bureau at once, to
    the linked leaders after ``ESCALATE_TO_LEADER_AFTER`` more working days."""
    counts = {"reminded": 0, "to_bureau": 0, "to_leader": 0, "calendar": "ok"}
    calendar = WorkCalendar()
    open_ = Problem.objects.filter(status__in=OPEN_STATUSES).select_related(
        "project", "department", "assignee"
    )
    # A year whose holidays nobody entered yet stops what needs working days (reminders,
    # the step up to the leader), never the rest of the job, and says so.
    try:
        remind_until = calendar.add(as_of, settings.REMIND_BEFORE_DEADLINE)
    except UnknownHolidayYear as exc:
        log.warning("No reminders: %s", exc.messages[0])
        counts["calendar"] = f"missing {exc.year}"
        remind_until = None
    if remind_until:
        for problem in open_.filter(deadline__gte=as_of, deadline__lte=remind_until):
            notify(
                users=services.handlers_of(problem),
                kind=Notification.Kind.DUE_SOON,
                key=f"problem:{problem.pk}:due:{problem.deadline}",
                title=_("Deadline %(deadline)s: %(title)s (%(project)s)")
                % {
                    "deadline": format_date(problem.deadline),
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
    try:
        leader_cutoff = calendar.add(as_of, -settings.ESCALATE_TO_LEADER_AFTER)
    except UnknownHolidayYear as exc:
        log.warning("No escalation to leaders: %s", exc.messages[0])
        counts["calendar"] = f"missing {exc.year}"
        return counts
    for problem in open_.filter(deadline__lt=leader_cutoff, escalation__lt=Escalation.LEADER):
        counts["to_leader"] += services.problem_escalate(
            problem=problem, to=Escalation.LEADER, as_of=as_of
        )
    return counts
