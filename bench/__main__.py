"""`make bench`: server time of the busiest pages at 10⁵ projects on SQLite, each beside
its goal and the database's share of it (the SQL floor).

The demo generator builds the data set once into bench-<N>.sqlite3 (kept between runs);
each page is then requested through Django's full stack (middleware, session, templates)
and the median and p95 of the server time are printed with the number of queries.

    python -m bench [--projects 100000] [--runs 25]
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    db = ROOT / f"bench-{args.projects}.sqlite3"
    sys.path.insert(0, str(ROOT))
    from bench.setup import django_setup, time_page

    django_setup(database_url=f"sqlite:///{db}")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from investrack.accounts.models import User
    from investrack.projects.models import Project, Stage

    call_command("migrate", verbosity=0)
    have = Project.objects.count()
    if have != args.projects:
        if have:
            print(f"{db.name} holds {have} projects, not {args.projects}: delete it first.")
            return 2
        started = time.perf_counter()
        call_command("seed_demo", projects=args.projects, seed=args.seed, verbosity=0)
        print(f"seeded {args.projects:,} projects in {time.perf_counter() - started:.1f} s")
    connection.cursor().execute("ANALYZE")

    print(
        f"\ninvestrack bench — {args.projects:,} projects on {connection.vendor}, "
        f"{args.runs} runs each; the goals are issue 15's (a report has none)\n"
    )
    print(f"{'page':<48}{'median ms':>10}{'p95 ms':>10}{'queries':>9}{'SQL ms':>8}"
          f"{'× SQL':>7}{'goal':>7}")  # fmt: skip

    city_user = User.objects.get(username="admin")
    county_user = User.objects.get(username="county330381")
    sample = Project.objects.filter(stage=Stage.STARTED, region__code="330381").order_by("id")[
        len(str(args.projects))
    ]
    lead = Project.objects.filter(stage=Stage.LEAD, region__code="330381").order_by("id").first()
    LIST, PAGE, OVERVIEW, API, REPORT = 30, 30, 50, 15, None
    pages = [
        ("project list as it opens (city user)", city_user, "/projects/", LIST),
        ("project list: region + ≥1亿 (city user)", city_user,
         "/projects/?region=330381&tier=1yi", LIST),
        ("project list: stage + industry (county user)", county_user,
         "/projects/?stage=4&industry=38", LIST),
        ("project list: text search (city user)", city_user, "/projects/?q=动力电池&tier=10yi",
         LIST),
        ("project list: an industry class (city user)", city_user, "/projects/?industry=3612",
         LIST),
        ("project list: year signed (city user)", city_user, "/projects/?signed_year=2025", LIST),
        ("red projects (city user)", city_user, "/projects/?light=red", LIST),
        ("stalled projects (city user)", city_user, "/projects/?status=stalled", LIST),
        ("促签约 to sign (city user)", city_user, "/projects/lists/to-sign/", LIST),
        ("促开工 to start (city user)", city_user, "/projects/lists/to-start/", LIST),
        ("促竣工 to complete (city user)", city_user, "/projects/lists/to-complete/", LIST),
        ("促投产 to production (city user)", city_user, "/projects/lists/to-produce/", LIST),
        ("促开工 to start, page 20 (county user)", county_user,
         "/projects/lists/to-start/?page=20", LIST),
        ("problems (city user)", city_user, "/problems/", LIST),
        ("inbox (county user)", county_user, "/inbox/", LIST),
        ("project page", county_user, sample.get_absolute_url(), PAGE),
        ("overview (city user)", city_user, "/", OVERVIEW),
        ("dashboard (city user)", city_user, "/insights/", OVERVIEW),
        ("API: project list of 50 (city user)", city_user, "/api/v1/projects?limit=50", API),
        ("撞单 conflict queue (city user)", city_user, "/promotion/conflicts/", LIST),
        ("撞单 conflict queue (county user)", county_user, "/promotion/conflicts/", LIST),
        ("pipeline of the year (city user, a report)", city_user, "/promotion/pipeline/",
         REPORT),
        ("projects counted twice (city user, a report)", city_user, "/promotion/duplicates/",
         REPORT),
        ("visits log of a lead (county user)", county_user,
         f"/promotion/projects/{lead.pk}/visits/", LIST),
    ]  # fmt: skip
    over = []
    with override_settings(DEBUG=True):  # to count queries
        for label, user, url, goal in pages:
            median, p95, queries, sql = time_page(user, url, args.runs)
            if goal is not None and median > goal:
                over.append(label)
            ratio = f"{median / sql:.0f}×" if sql >= 0.05 else "—"
            print(f"{label:<48}{median:>10.1f}{p95:>10.1f}{queries:>9}{sql:>8.1f}{ratio:>7}"
                  f"{'' if goal is None else goal:>7}")  # fmt: skip
    print(
        "\nevery page within its goal"
        if not over
        else f"\n{len(over)} PAGES OVER THEIR GOAL: {', '.join(over)}"
    )
    del settings
    return 0


if __name__ == "__main__":
    sys.exit(main())
