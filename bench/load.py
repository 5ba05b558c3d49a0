"""`make bench` (short) and `make soak` (10 minutes): investrack under load through its
production server.

gunicorn (config/gunicorn.conf.py, workers sized to the cores) serves the demo city on the
database of DATABASE_URL (PostgreSQL in `make bench`), seeded to --projects if it holds
fewer. locust (bench/locustfile.py) plays 16 officials on the same machine:

1. ``list``: every official on the project list and its filters, no pause: requests/s;
2. ``day``: an officials' working day (lists, project pages, dashboard, stage changes,
   progress reports, an export, an import preview): p95 over the mix and errors.

After the day, every write the server accepted must be in the database once: the stage
events and progress reports recorded since the start are counted against locust's
accepted POSTs, and the kept totals, lights and search terms are checked against the
projects (the drift check of the daily job).

    python -m bench.load [--projects 100000] [--users 16] [--seconds 60] [--list-seconds 30]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8077
SERVER_ERROR = re.compile(r'"[A-Z]+ (?!/healthz)\S+ HTTP/[\d.]+" 5\d\d ')
GOALS = {"list_rps": 200, "p95_ms": 250}


def _prepare(projects: int) -> list[str]:
    """Migrate, seed to ``projects``, collect the static files; the editors' log-ins."""
    sys.path.insert(0, str(ROOT))
    from bench.setup import django_setup

    django_setup()
    from django.core.management import call_command

    from investrack.accounts.models import Role, User
    from investrack.projects.models import Project

    call_command("migrate", verbosity=0)
    have = Project.objects.count()
    if have < projects:
        print(f"seeding {projects - have:,} demo projects …", flush=True)
        started = time.perf_counter()
        call_command(
            "seed_demo", projects=projects - have, seed=2026, no_progress=True, verbosity=0
        )
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    editors = User.objects.filter(
        role__in=[Role.CITY_ADMIN, Role.COUNTY_STAFF], is_active=True
    ).order_by("pk")
    return list(editors.values_list("username", flat=True)[:16])


def _counts(since) -> dict:
    from investrack.projects.models import ProgressReport, StageEvent

    events = StageEvent.objects.filter(recorded_at__gte=since, note="压力测试")
    return {
        "stage": events.count(),
        # A stage reached twice by one project would be a write made twice.
        "stage_twice": events.count() - events.values("project", "stage").distinct().count(),
        "progress": ProgressReport.objects.filter(reported_at__gte=since).count(),
    }


def _serve(env: dict, log: Path) -> subprocess.Popen:
    """gunicorn in the background, its log in a file (a pipe nobody reads would fill and
    stall the workers)."""
    with open(log, "w") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py",
             "config.wsgi"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
            return server
        except urllib.error.HTTPError:  # it answers (a fresh city's daily job has not run)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not answer:\n" + log.read_text()[-3000:])


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _locust(scenario: str, users: int, seconds: int, env: dict, out: Path) -> dict:
    prefix = out / scenario
    subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", "bench/locustfile.py",
         "--headless", "--only-summary", "-u", str(users), "-r", str(users),
         "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix),
         "--loglevel", "ERROR"],
        cwd=ROOT, env={**env, "BENCH_SCENARIO": scenario,
                       "BENCH_WRITES": str(out / f"{scenario}-writes.json")},
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    writes_file = out / f"{scenario}-writes.json"
    writes = json.loads(writes_file.read_text()) if writes_file.exists() else {}
    return {"rows": rows, "writes": writes}


def _print(result: dict, names: list[str]) -> None:
    print(f"  {'request':<24}{'count':>8}{'req/s':>8}{'median':>8}{'p95':>8}{'fails':>7}")
    for name in names:
        row = result["rows"].get(name)
        if row:
            print(f"  {name:<24}{row['Request Count']:>8}{float(row['Requests/s']):>8.1f}"
                  f"{row['50%']:>8}{row['95%']:>8}{row['Failure Count']:>7}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--list-seconds", type=int, default=30)
    args = parser.parse_args()
    editors = _prepare(args.projects)
    from django.db import connection
    from django.utils import timezone

    from investrack.projects.invariants import drift

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEB_BIND": f"127.0.0.1:{PORT}",
        "BENCH_USERS": ",".join(editors),
        "BENCH_PASSWORD": "investrack-demo",
    }
    connection.close()
    cores = os.cpu_count() or 1
    print(f"\ninvestrack bench — under load: gunicorn ({2 * cores + 1} workers × 2 threads on "
          f"{cores} cores), {connection.vendor}, {args.projects:,} projects, "
          f"{args.users} officials played by locust on the same machine\n")  # fmt: skip
    since = timezone.now()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        server = _serve(env, out / "gunicorn.log")
        try:
            listed = _locust("list", args.users, args.list_seconds, env, out)
            print(f"1. the project list only, {args.list_seconds} s:")
            _print(listed, ["project list"])
            day = _locust("day", args.users, args.seconds, env, out)
        finally:
            _stop(server)
        # 5xx answers in the access log (the health check polled at the start excepted).
        errors_logged = len(SERVER_ERROR.findall((out / "gunicorn.log").read_text()))
    print(f"\n2. a working day, {args.seconds} s:")
    names = ["project list", "working list", "project page", "dashboard", "overview",
             "stage change form", "stage (POST)", "progress form", "progress (POST)",
             "export (.xlsx)", "import page", "import preview", "Aggregated"]  # fmt: skip
    _print(day, names)
    total = day["rows"]["Aggregated"]
    list_rps = float(listed["rows"]["project list"]["Requests/s"])
    p95 = float(total["95%"])
    errors = int(total["Failure Count"]) + int(listed["rows"]["Aggregated"]["Failure Count"])
    stored = _counts(since)
    accepted = day["writes"]
    # Every accepted write stored once; a write sent as the run stopped may be stored too.
    writes_ok = not stored["stage_twice"] and all(
        accepted.get(k, 0) <= stored[k] <= accepted.get(f"{k}_sent", accepted.get(k, 0))
        for k in ("stage", "progress")
    )
    in_flight = sum(stored[k] - accepted.get(k, 0) for k in ("stage", "progress"))
    found = drift()
    drifted = {k: len(v) for k, v in found.items() if v}
    print(f"\n  writes accepted (stage, progress): {accepted.get('stage', 0)}, "
          f"{accepted.get('progress', 0)}; refused with a message: {accepted.get('refused', 0)}; "
          f"in the database: {stored['stage']}, {stored['progress']} → "
          f"{'none lost, none twice' if writes_ok else 'MISMATCH'}"
          f"{f' ({in_flight} sent as the run stopped, stored, answer not counted)' if writes_ok and in_flight else ''}")  # fmt: skip
    print(f"  kept totals, lights, search terms against the projects: "
          f"{drifted if drifted else 'in step'}")  # fmt: skip
    print(f"  5xx answers in the server's access log: {errors_logged}")
    print(
        f"\n  project list: {list_rps:.0f} req/s (goal ≥ {GOALS['list_rps']}); "
        f"p95 over the day: {p95:.0f} ms (goal < {GOALS['p95_ms']}); errors: {errors} (goal 0)"
    )
    return 0 if writes_ok and not drifted and errors == 0 and not errors_logged else 1


if __name__ == "__main__":
    sys.exit(main())
