"""The daily job: record today's lights, remind, escalate, e-mail. Idempotent: a second run
on the same day finds nothing new to record and nobody new to tell."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.core.jobs import recorded
from investrack.core.units import format_date
from investrack.core.workdays import UnknownHolidayYear, WorkCalendar
from investrack.insights.services import race_snapshot_take, race_snapshots_due
from investrack.projects.services import stage_totals_fold
from investrack.service import services
from investrack.service.models import (
    OPEN_STATUSES,
    Escalation,
    Notification,
    Problem,
)
from investrack.service.notifications import notify, send_pending_emails

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


def daily_run(*, as_of: datetime.date | None = None) -> dict:
    """The whole daily job; each run is recorded (core.JobRun), failed or not."""
    with recorded("daily") as run:
        run.result = _daily(as_of=as_of or timezone.localdate())
    return run.result


def drift_check(*, as_of: datetime.date, counties: int = 2) -> dict:
    """Compare the kept tables with a fresh computation for a few counties (a different few
    each day); drift is logged as an error and shown on /healthz, never trusted away."""
    from investrack.projects.invariants import drift
    from investrack.projects.models import Project

    ids = sorted(set(Project.objects.order_by().values_list("region_id", flat=True).distinct()))
    if not ids:
        return {}
    start = as_of.toordinal() * counties % len(ids)
    sample = [ids[(start + i) % len(ids)] for i in range(min(counties, len(ids)))]
    found = {
        kind: len(rows) for kind, rows in drift(region_ids=sample, as_of=as_of).items() if rows
    }
    if found:
        log.error("The kept tables drifted from the projects in counties %s: %s", sample, found)
    return found


def _daily(*, as_of: datetime.date) -> dict:
    result = {"date": as_of.isoformat()}
    result.update(services.lights_record(as_of=as_of))
    result.update(problems_follow_up(as_of=as_of))
    result["emailed"] = send_pending_emails()
    # Imports whose worker died: back to previewed (nothing was written) or refused.
    from investrack.projects.imports import recover_interrupted

    result["imports_recovered"] = recover_interrupted()
    # The day's writes each added their rows to the stage totals: one row per key again.
    result["stage_totals"] = stage_totals_fold()[1]
    # After the lights of the day were recorded: the kept tables must agree with the rows.
    result["drift"] = drift_check(as_of=as_of)
    # On the first run of a month: keep last month's horse-race standings.
    result["standings_kept"] = sum(
        race_snapshot_take(city=city, month=month)
        for city, month in race_snapshots_due(today=as_of)
    )
    return result
