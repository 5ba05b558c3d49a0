"""`make bench`: server time of the busiest pages at 10⁵ projects on SQLite.

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
        f"{args.runs} runs each (goal: median < 100 ms)\n"
    )
    print(f"{'page':<48}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")

    city_user = User.objects.get(username="admin")
    county_user = User.objects.get(username="county330381")
    sample = Project.objects.filter(stage=Stage.STARTED, region__code="330381").order_by("id")[
        len(str(args.projects))
    ]
    lead = Project.objects.filter(stage=Stage.LEAD, region__code="330381").order_by("id").first()
    pages = [
        ("project list: region + ≥1亿 (city user)", city_user, "/projects/?region=330381&tier=1yi"),
        (
            "project list: stage + industry (county user)",
            county_user,
            "/projects/?stage=4&industry=38",
        ),
        ("project list: text search (city user)", city_user, "/projects/?q=动力电池&tier=10yi"),
        ("促签约 to sign (city user)", city_user, "/projects/lists/to-sign/"),
        ("促开工 to start (city user)", city_user, "/projects/lists/to-start/"),
        ("促竣工 to complete (city user)", city_user, "/projects/lists/to-complete/"),
        ("促投产 to production (city user)", city_user, "/projects/lists/to-produce/"),
        (
            "促开工 to start, page 20 (county user)",
            county_user,
            "/projects/lists/to-start/?page=20",
        ),
        ("project page", county_user, sample.get_absolute_url()),
        ("overview (city user)", city_user, "/"),
        ("撞单 conflict queue (city user)", city_user, "/promotion/conflicts/"),
        ("撞单 conflict queue (county user)", county_user, "/promotion/conflicts/"),
        ("pipeline of the year (city user, a report)", city_user, "/promotion/pipeline/"),
        ("projects counted twice (city user, a report)", city_user, "/promotion/duplicates/"),
        (
            "visits log of a lead (county user)",
            county_user,
            f"/promotion/projects/{lead.pk}/visits/",
        ),
    ]
    failed = False
    with override_settings(DEBUG=True):  # to count queries
        for label, user, url in pages:
            median, p95, queries = time_page(user, url, args.runs)
            failed |= median >= 100
            print(f"{label:<48}{median:>10.1f}{p95:>10.1f}{queries:>9}")
    print("\nall pages under the goal" if not failed else "\nSOME PAGES ARE OVER THE GOAL")
    del settings
    return 0


if __name__ == "__main__":
    sys.exit(main())
