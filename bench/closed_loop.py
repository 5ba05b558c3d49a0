"""`make bench`, the closed loop: the daily job and the warning-light pages.

On SQLite (default) at 10⁵ projects, reusing bench-<N>.sqlite3 made by `python -m bench`;
on PostgreSQL when DATABASE_URL says so (`make bench` runs it at 10⁶ on a throwaway
server after bench.api_pg). Prints the daily job's time on its first run (every light
recorded) and on a second run the same day (nothing new: it must tell nobody twice), then
the median and p95 server time of the pages. Goals: lights pages < 150 ms at 10⁵ on SQLite;
the daily job < 60 s at 10⁶ on PostgreSQL.

    python -m bench.closed_loop [--projects 100000] [--runs 25]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.setup import django_setup, time_page

    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    db = ROOT / f"bench-{args.projects}.sqlite3"
    django_setup(database_url=None if on_postgres else f"sqlite:///{db}")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from investrack.accounts.models import User
    from investrack.closed_loop.demo import demo_department_users, seed_closed_loop
    from investrack.closed_loop.models import LightTotal, Notification, Problem, ProjectLight
    from investrack.closed_loop.services import lights_outdated
    from investrack.daily.job import daily_run
    from investrack.projects.map_cells import map_cells_rebuild
    from investrack.projects.models import Project
    from investrack.regions.models import Region

    call_command("migrate", verbosity=0)
    have = Project.objects.count()
    if have < args.projects:
        started = time.perf_counter()
        call_command(
            "seed_demo",
            projects=args.projects - have,
            seed=2026,
            verbosity=0,
            no_progress=on_postgres,
        )
        print(f"seeded {args.projects - have:,} projects in {time.perf_counter() - started:.0f} s")
    if not Problem.objects.exists():  # a data set seeded before the closed loop existed
        city = Region.objects.get(code="330300")
        counties = list(Region.objects.filter(parent=city).order_by("code"))
        demo_department_users(city)
        seed_closed_loop(city=city, counties=counties, as_of=timezone.localdate(), seed=2026)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if on_postgres else "ANALYZE")

    print(
        f"\ninvestrack closed-loop bench — {Project.objects.count():,} projects on "
        f"{connection.vendor}\n"
    )
    city_user = User.objects.get(username="admin")
    county_user = User.objects.get(username="county330381")
    light_pages = [
        ("all red projects (city user)", city_user, "/projects/?light=red"),
        ("all yellow projects (city user)", city_user, "/projects/?light=yellow"),
        ("red or yellow in my county (county user)", county_user, "/projects/?light=lit"),
        ("red, ≥1亿, page 10 (city user)", city_user, "/projects/?light=red&tier=1yi&page=10"),
        ("overview with light counts (city user)", city_user, "/"),
    ]
    other_pages = [
        ("促开工 to start with lights (city user)", city_user, "/projects/lists/to-start/"),
        ("leader view", User.objects.get(username="leader"), "/leader/"),
        ("department workbench", User.objects.get(username="zrzy"), "/problems/"),
    ]

    def measure(pages, heading):
        print(f"\n{heading:<48}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
        worst = 0.0
        with override_settings(DEBUG=True):
            for label, user, url in pages:
                median, p95, queries, _sql = time_page(user, url, args.runs)
                if "light=" in url:
                    worst = max(worst, median)
                print(f"{label:<48}{median:>10.1f}{p95:>10.1f}{queries:>9}")
        return worst

    # Before today's run (or after a change of rules) every light is computed afresh.
    lights_outdated()
    ProjectLight.objects.all().delete()
    LightTotal.objects.all().delete()
    # The map's cells are kept per recorded light: made again without them, as the write
    # hook would have left them (else the daily run finds them drifted, rightly).
    map_cells_rebuild()
    measure(light_pages, "lights computed afresh (no run today)")

    notes_before = Notification.objects.count()
    for label in ("daily job, first run (records every light)", "daily job, second run"):
        started = time.perf_counter()
        result = daily_run()
        seconds = time.perf_counter() - started
        print(
            f"{label:<48}{seconds:>8.1f} s   lit {result['lit']:,}, red {result['red']:,}, "
            f"changed {result['changed']:,}, turned red {result['turned_red']:,}"
        )
    print(
        f"{'notifications written by the two runs':<48}{Notification.objects.count() - notes_before:>8,}"
    )
    worst = measure(light_pages + other_pages, "after the daily run (recorded lights)")
    over = worst >= 150
    print("\nlight lists under 150 ms" if not over else "\nLIGHT LISTS OVER 150 ms")
    del settings
    return 0


if __name__ == "__main__":
    sys.exit(main())
