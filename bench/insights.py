"""`make bench`, the leaders' pages: the dashboard and every indicator of every region as of
a date, and the monthly briefing.

On SQLite (default) at 10⁵ projects, reusing bench-<N>.sqlite3; on PostgreSQL when
DATABASE_URL says so (`make bench` runs it at 10⁶ projects, with the stage events topped up
to 10⁷). Prints the median and p95 server time of each page through Django's full stack,
and the bare SQL of the heaviest indicator query (the stage family, every county at once)
run straight on the connection in the same run: the floor the pages are compared against.
Goals: dashboard and indicators < 200 ms at 10⁵ on SQLite, < 1 s at 10⁶ on PostgreSQL.

With --briefing N (SQLite, default 10⁴): the monthly briefing of a city of N projects, as
.docx and as PDF. Goal: < 10 s each.

    python -m bench.insights [--projects 100000] [--runs 15] [--events 0] [--briefing 10000]
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _seed(args, on_postgres: bool) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from investrack.insights.demo import seed_insights
    from investrack.projects.models import Project
    from investrack.regions.models import Region, Target

    call_command("migrate", verbosity=0)
    have = Project.objects.count()
    if have < args.projects:
        started = time.perf_counter()
        call_command("seed_demo", projects=args.projects - have, seed=2026, verbosity=0,
                     no_progress=on_postgres)  # fmt: skip
        print(f"seeded {args.projects - have:,} projects in {time.perf_counter() - started:.0f} s")
    if not Target.objects.exists():  # a data set seeded before targets existed
        started = time.perf_counter()
        seed_insights(city=Region.objects.get(code="330300"), as_of=timezone.localdate(), seed=2026)
        print(f"targets, weights and standings in {time.perf_counter() - started:.0f} s")


def _top_up_events(target: int) -> None:
    """Bring the stage events to ``target`` rows with stalled/resumed pairs on old projects
    (the indicators read the stage dates the events keep on the project, not the events)."""
    from django.db import connection

    from investrack.projects.models import StageEvent

    have = StageEvent.objects.count()
    if have >= target:
        return
    started = time.perf_counter()
    missing = target - have
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO projects_stageevent
                (project_id, kind, stage, effective_date, note, retracts, recorded_at, corrects_id,
                 recorded_by_id)
            SELECT p.id, CASE WHEN g %% 2 = 0 THEN 'stall' ELSE 'unstall' END, NULL,
                   p.stage_since, '', false, now(), NULL, NULL
            FROM generate_series(1, %s) AS g
            JOIN projects_project p ON p.id = 1 + (g %% (SELECT max(id) FROM projects_project))
            """,
            [missing],
        )
    print(f"stage events topped up by {missing:,} in {time.perf_counter() - started:.0f} s")


def _bare_sql(period, runs: int) -> list[tuple[str, float, int]]:
    """The heaviest indicator query (the stage family for every county) straight on the
    connection: as the pages ask it, from the monthly stage totals, and as it is asked of
    the projects themselves (an as-of date inside a month, a drill-down list)."""
    from django.db import connection

    from investrack.insights.indicators import stage_family, stage_totals_family
    from investrack.projects.figures import KeptStages
    from investrack.projects.models import Project, StageTotal, StageTotalDay

    kept = KeptStages(StageTotal.objects.all(), StageTotalDay.objects.all()).in_months(period)
    queries = {
        "totals (floor)": stage_totals_family(kept.now, period, "region"),
        "projects": stage_family(Project.objects.all(), period, "region"),
    }
    timed = []
    with connection.cursor() as cursor:
        for label, qs in queries.items():
            sql, params = qs.query.sql_with_params()
            times = []
            for _ in range(runs + 1):
                started = time.perf_counter()
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
            timed.append((label, statistics.median(times[1:]), len(rows)))
    return timed


def _briefing(projects: int) -> None:
    """The briefing of a city of ``projects`` projects, in its own SQLite data set."""
    import subprocess

    code = (
        "import sys; sys.path.insert(0, '.');"
        f"from bench.insights import briefing_child; briefing_child({int(projects)})"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def briefing_child(projects: int) -> None:
    from bench.setup import django_setup

    django_setup(database_url=f"sqlite:///{ROOT / f'bench-{projects}.sqlite3'}", replace=True)
    from django.conf import settings
    from django.utils import timezone, translation

    translation.activate(settings.LANGUAGE_CODE)

    class Args:
        pass

    args = Args()
    args.projects = projects
    _seed(args, on_postgres=False)
    from investrack.accounts.models import User
    from investrack.insights import briefing as briefings
    from investrack.insights.selectors import area_for

    user = User.objects.get(username="admin")
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    print(f"\nmonthly briefing, {projects:,} projects, month {month:%Y-%m}")
    for fmt in ("docx", "pdf"):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            b = briefings.briefing_for(area=area_for(user), user=user, month=month)
            content = briefings.briefing_docx(b) if fmt == "docx" else briefings.briefing_pdf(b)
            times.append(time.perf_counter() - started)
        verdict = "under 10 s" if max(times) < 10 else "OVER 10 s"
        print(f"  {fmt:<6} median {statistics.median(times):5.2f} s, worst {max(times):5.2f} s, "
              f"{len(content) / 1024:,.0f} KiB — {verdict}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--events", type=int, default=0, help="top stage events up to this")
    parser.add_argument("--briefing", type=int, default=10_000, help="0: skip the briefing")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.setup import django_setup, time_page

    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    db = ROOT / f"bench-{args.projects}.sqlite3"
    django_setup(database_url=None if on_postgres else f"sqlite:///{db}")
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from investrack.accounts.models import User
    from investrack.insights.indicators import Period
    from investrack.projects.models import Project, StageEvent, StageTotal

    _seed(args, on_postgres)
    if on_postgres:  # as autovacuum leaves a live database: statistics and visibility map
        from django.db import connection as pg

        with pg.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if on_postgres and args.events:
        _top_up_events(args.events)
    from investrack.closed_loop.models import LightsRecorded
    from investrack.daily.job import daily_run

    if not LightsRecorded.objects.filter(on=timezone.localdate(), is_current=True).exists():
        started = time.perf_counter()
        daily_run()  # as every morning in production: today's lights recorded
        print(f"daily job (today's lights) in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if on_postgres else "ANALYZE")

    today = timezone.localdate()
    last_year = today.year - 1
    print(
        f"\ninvestrack insights bench — {Project.objects.count():,} projects, "
        f"{StageEvent.objects.count():,} stage events on {connection.vendor}; "
        f"{StageTotal.objects.count():,} rows of stage totals\n"
    )
    city, county = User.objects.get(username="admin"), User.objects.get(username="county330381")
    past = f"from={last_year}-01&to={last_year}-09&as_of={last_year}-09-30"
    pages = [
        ("dashboard, city, this year to date", city, "/insights/"),
        ("dashboard, city, as of 30 Sep last year", city, f"/insights/?{past}"),
        ("dashboard, county user", county, "/insights/"),
        ("dashboard, city, manufacturing only", city, "/insights/?category=manufacturing"),
        ("all indicators, counties and parks, city", city, "/insights/indicators/"),
        ("all indicators as of 30 Sep last year", city, f"/insights/indicators/?{past}"),
        # The record clock: the kept totals by the day recorded (a month's end), and the
        # event log (any other date).
        ("dashboard, 30 Sep last year as known 10 Oct", city,
         f"/insights/?{past}&known_on={last_year}-10-10"),
        ("list behind it: introduced, as known 10 Oct", city,
         f"/projects/?indicator=introduced&from={last_year}-01-01&to={last_year}-09-30"
         f"&as_of={last_year}-09-30&known_on={last_year}-10-10"),
        ("indicator API, 30 Sep as known 10 Oct", city,
         f"/api/v1/insights/indicators?{past}&known_on={last_year}-10-10"),
        ("indicator API, every county", city, "/api/v1/insights/indicators"),
        ("horse race (this month live, last kept)", city, "/insights/race/"),
        ("drill-down: projects introduced this year", city,
         f"/projects/?indicator=introduced&from={today.year}-01-01&to={today:%Y-%m}-01"),
        ("project map, city", city, "/insights/map/"),
        ("map data: every project's point, city", city, "/insights/map/points.json"),
        ("map data: ≥ 1亿 projects, county user", county, "/insights/map/points.json?tier=1yi"),
        ("big screen, city", city, "/insights/screen/"),
    ]  # fmt: skip
    goal = 1000 if on_postgres else 200
    print(f"{'page':<48}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
    worst = known_worst = map_worst = 0.0
    with override_settings(DEBUG=True):
        for label, user, url in pages:
            median, p95, queries, _sql = time_page(user, url, args.runs)
            if url.startswith("/insights/") and "race" not in url and "known_on" not in url:
                worst = max(worst, median)
            if "points.json" in url:
                map_worst = max(map_worst, median)
            if "known_on" in url and url.startswith("/insights/"):
                known_worst = max(known_worst, median)
            print(f"{label:<48}{median:>10.1f}{p95:>10.1f}{queries:>9}")
    for label, floor, rows in _bare_sql(Period.year_to_date(today), args.runs):
        print(f"{'bare SQL, stage family, ' + label:<48}{floor:>10.1f}{'':>10}{rows:>9}")
    print(
        f"\ndashboard and indicators under {goal} ms"
        if worst < goal
        else f"\nDASHBOARD OR INDICATORS OVER {goal} ms (worst {worst:.0f})"
    )
    print(
        f"figures as known on a past day under 1000 ms (worst {known_worst:.0f})"
        if known_worst < 1000
        else f"FIGURES AS KNOWN ON A PAST DAY OVER 1000 ms (worst {known_worst:.0f})"
    )
    print(
        f"map data under 200 ms (worst {map_worst:.0f})"
        if map_worst < 200
        else f"MAP DATA OVER 200 ms (worst {map_worst:.0f})"
    )
    if args.briefing and not on_postgres:
        _briefing(args.briefing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
