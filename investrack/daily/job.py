"""The daily job: record today's lights, remind, escalate, e-mail, recover interrupted
imports, fold the kept ledgers, check the kept tables, count SQLite's statistics again,
keep last month's standings.
Idempotent: a second run on the same day finds nothing new to record and nobody new to
tell. Each app keeps its own part; this module only runs them in order."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from investrack.closed_loop import robots
from investrack.closed_loop.follow_up import problems_follow_up
from investrack.closed_loop.notifications import send_pending_emails
from investrack.closed_loop.services import light_totals_fold, lights_record
from investrack.core.compiled import planner_statistics
from investrack.core.jobs import recorded
from investrack.insights.services import race_snapshot_take, race_snapshots_due
from investrack.projects.duplicate_pairs import pairs_mend
from investrack.projects.imports import recover_interrupted
from investrack.projects.invariants import drift
from investrack.projects.map_cells import map_cells_fold
from investrack.projects.models import Investor, Project
from investrack.projects.totals import stage_totals_fold
from investrack.promotion.services import tell_new_conflicts, visit_steps_remind

log = logging.getLogger(__name__)


def daily_run(*, as_of: datetime.date | None = None) -> dict:
    """The whole daily job; each run is recorded (core.JobRun), failed or not."""
    with recorded("daily") as run:
        run.result = _daily(as_of=as_of or timezone.localdate())
    return run.result


def drift_check(*, as_of: datetime.date, counties: int = 2) -> dict:
    """Compare the kept tables with a fresh computation for a few counties (a different few
    each day); drift is logged as an error and shown on /healthz, never trusted away."""
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
    result.update(lights_record(as_of=as_of))
    result.update(problems_follow_up(as_of=as_of))
    # Two counties chasing one investor: both sides and the bureau hear of it once.
    result["lead_conflicts_told"] = tell_new_conflicts()
    result["visit_steps_reminded"] = visit_steps_remind(as_of=as_of)
    result["emailed"] = send_pending_emails()
    result["posted_to_groups"] = robots.send_pending()
    # Imports whose worker died: back to previewed (nothing was written) or refused.
    result["imports_recovered"] = recover_interrupted()
    # The day's writes each added their rows to the stage totals: one row per key again.
    result["stage_totals"] = stage_totals_fold()[1]
    result["map_cells"] = map_cells_fold()[1]
    result["light_totals"] = light_totals_fold()[1]
    # What two writes at the same moment each missed of the other (PostgreSQL), mended;
    # the sampled check below leaves these city-wide tables to this.
    result["duplicate_pairs_mended"] = pairs_mend()
    result["namesakes_mended"] = Investor.objects.namesakes_mend()
    if result["duplicate_pairs_mended"] or result["namesakes_mended"]:
        log.warning(
            "Mended %s pairs counted twice and %s investors' namesake flags",
            result["duplicate_pairs_mended"],
            result["namesakes_mended"],
        )
    # After the lights of the day were recorded: the kept tables must agree with the rows.
    result["drift"] = drift_check(as_of=as_of)
    result["planner_statistics"] = planner_statistics()
    # On the first run of a month: keep last month's horse-race standings.
    result["standings_kept"] = sum(
        race_snapshot_take(city=city, month=month)
        for city, month in race_snapshots_due(today=as_of)
    )
    return result
