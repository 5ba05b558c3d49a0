"""`make bench`, the REST API and the list pages at 10⁶ projects on PostgreSQL.

The API's project list with two filters (a county and ≥ 1亿), first page and page 1,000
reached through the keyset cursor, requested through Django's full stack with a personal
key; then the list pages, the search box and the list behind a figure as known on a past
day, each beside the issue's goal (100 ms a page, 30 ms a search). Prints the median and
p95 of the server time. Needs DATABASE_URL to point at PostgreSQL; `make bench` starts a
throwaway server with scripts/with-postgres.sh.

    python -m bench.api_pg [--projects 1000000] [--runs 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench.api_pg needs DATABASE_URL=postgres://…")
        return 2
    sys.path.insert(0, str(ROOT))
    from bench.setup import django_setup

    django_setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from investrack.accounts.models import User
    from investrack.accounts.services import api_token_create
    from investrack.projects.api import _encode
    from investrack.projects.models import Project

    call_command("migrate", verbosity=0)
    have = Project.objects.count()
    if have < args.projects:
        started = time.perf_counter()
        call_command(
            "seed_demo", projects=args.projects - have, seed=2026, no_progress=True, verbosity=0
        )
        print(f"seeded {args.projects - have:,} projects in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    city_user = User.objects.get(username="admin")
    _token, key = api_token_create(user=city_user, name=f"bench {time.time()}")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = "/api/v1/projects?region=330381&tier=1yi&limit=50"
    matching = Project.objects.filter(
        region__code="330381", total_investment__gte=100_000_000, dropped_on__isnull=True
    )
    total = matching.count()
    # The cursor a client holds after reading 999 pages: the last id of page 999.
    last_of_999 = matching.order_by("-id").values_list("id", flat=True)[999 * 50 - 1]
    pages = [("first page", url), ("page 1,000 (cursor)", f"{url}&cursor={_encode(last_of_999)}")]
    print(
        f"\ninvestrack bench — API list, region 330381 + ≥1亿 ({total:,} matching) of "
        f"{Project.objects.count():,} projects on PostgreSQL, {args.runs} runs (goal: p95 < 50 ms)\n"
    )
    print(f"{'request':<28}{'median ms':>10}{'p95 ms':>10}")
    for label, path in pages:
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]
        assert len(response.json()["items"]) == 50
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        print(f"{label:<28}{statistics.median(times):>10.1f}{p95:>10.1f}")
    _pages(max(5, args.runs // 7))
    return 0


def _pages(runs: int) -> None:
    from django.test.utils import override_settings

    from bench.setup import time_page
    from investrack.accounts.models import User

    def user(name: str) -> User:
        return User.objects.get(username=name)

    city, county = user("admin"), user("county330381")
    year = time.localtime().tm_year - 1
    as_known = (f"/projects/?indicator=introduced&from={year}-01-01&to={year}-09-30"
                f"&as_of={year}-09-30&known_on={year}-10-10")  # fmt: skip
    page, search = 100, 30
    pages = [
        ("project list, city", city, "/projects/", page),
        ("a county's ≥ 1亿, city user", city, "/projects/?region=330381&tier=1yi", page),
        ("red projects, city", city, "/projects/?light=red", page),
        ("stalled projects, city", city, "/projects/?status=stalled", page),
        ("yellow projects, city", city, "/projects/?light=yellow", page),
        ("red or yellow, county user", county, "/projects/?light=lit", page),
        ("red ≥ 1亿, page 10, city", city, "/projects/?light=red&tier=1yi&page=10", page),
        ("促开工 to start, city", city, "/projects/lists/to-start/", page),
        ("stage + industry, county user", county, "/projects/?stage=4&industry=38", page),
        ("overview, city", city, "/", page),
        ("leader view", user("leader"), "/leader/", page),
        ("department workbench", user("zrzy"), "/problems/", page),
        ("search 鹿城 (no name holds it)", city, "/projects/?q=鹿城", search),
        ("search 动力电池", city, "/projects/?q=动力电池", search),
        ("search 新能源 (a fifth of the city)", city, "/projects/?q=新能源", search),
        ("list behind introduced, as known 10 Oct", city, as_known, page),
        ("drill-down: introduced this year", city,
         f"/projects/?indicator=introduced&from={year + 1}-01-01&to={year + 1}-01-31", page),
    ]  # fmt: skip
    print(f"\n{'page, 10⁶ projects':<44}{'median ms':>10}{'p95 ms':>10}{'SQL ms':>8}{'goal':>7}")
    over = []
    with override_settings(DEBUG=True):
        for label, who, url, goal in pages:
            median, p95, _queries, sql = time_page(who, url, runs)
            over += [label] if median > goal else []
            print(f"{label:<44}{median:>10.1f}{p95:>10.1f}{sql:>8.1f}{goal:>7}")
    print(f"\n{len(over)} pages over their goal" if over else "\nevery page within its goal")


if __name__ == "__main__":
    sys.exit(main())
