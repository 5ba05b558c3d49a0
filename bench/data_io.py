"""`make bench`, data in and out, on SQLite:

- export of the demo city's 100,000 projects to .xlsx (the printed layout);
- import of that sheet into an empty city: preview, then commit (wall time, peak memory);
- the same rows through django-import-export, the library a Django developer would
  otherwise pick, in the same run: dry run, then import; the ratio of the two.

Each measured step runs in a process of its own, so that its peak memory (ru_maxrss) is
its own. The databases and the sheet are made once and kept beside the project
(bench-*.sqlite3, bench-*.xlsx; none is committed).

    python -m bench.data_io [--projects 100000] [--skip-iex]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(db: Path):
    sys.path.insert(0, str(ROOT))
    from bench.setup import django_setup

    django_setup(database_url=f"sqlite:///{db}", replace=True)
    from django.core.management import call_command
    from django.utils import translation

    # The databases are kept between runs: one made by an older checkout is brought up to date.
    call_command("migrate", verbosity=0)
    translation.activate("zh-hans")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- steps, each in its own process ----------------------------------------------------------


def step_seed(db: Path, projects: int) -> dict:
    _setup(db)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", projects=projects, seed=2026, no_progress=projects == 0, verbosity=0)
    return {"seconds": time.perf_counter() - started}


def step_export(db: Path, sheet: Path) -> dict:
    _setup(db)
    from investrack.accounts.models import User
    from investrack.projects import exports, selectors

    user = User.objects.get(username="admin")
    started = time.perf_counter()
    filterset = selectors.project_list(user=user, params={"status": "all", "sort": "name"})
    with exports.projects_xlsx(user=user, queryset=filterset.qs, title="温州市项目清单") as file:
        shutil.copyfile(file.name, sheet)
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": _peak_mb(),
        "rows": filterset.qs.count(),
    }


def step_preview(db: Path, sheet: Path) -> dict:
    _setup(db)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from investrack.accounts.models import User
    from investrack.projects import imports

    user = User.objects.get(username="admin")
    data = sheet.read_bytes()
    started = time.perf_counter()
    batch = imports.import_preview(
        actor=user, kind="projects", upload=SimpleUploadedFile(sheet.name, data)
    )
    del data
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": _peak_mb(),
        "batch": batch.pk,
        "created": batch.created,
        "errors": batch.error_count,
        "first_errors": batch.errors[:3],
    }


def step_commit(db: Path, batch_id: int) -> dict:
    _setup(db)
    from investrack.accounts.models import User
    from investrack.projects import imports
    from investrack.projects.models import ImportBatch, Project

    user = User.objects.get(username="admin")
    batch = ImportBatch.objects.get(pk=batch_id)
    started = time.perf_counter()
    batch = imports.import_confirm(actor=user, batch=batch)
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": _peak_mb(),
        "status": batch.status,
        "projects": Project.objects.count(),
        "first_errors": batch.errors[:3],
    }


def step_iex(db: Path, sheet: Path, dry_run: bool) -> dict:
    _setup(db)
    from bench.iex_resource import dataset_from_sheet, project_resource
    from investrack.projects.models import Project

    started = time.perf_counter()
    dataset = dataset_from_sheet(sheet)
    result = project_resource().import_data(dataset, dry_run=dry_run, raise_errors=False)
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": _peak_mb(),
        "errors": len(result.row_errors()) + len(result.invalid_rows),
        "first_errors": [str(e.error) for _n, errs in result.row_errors()[:2] for e in errs[:1]]
        + [str(r.error_dict) for r in result.invalid_rows[:2]],
        "projects": Project.objects.count(),
    }


STEPS = {
    "seed": lambda a: step_seed(Path(a.db), a.projects),
    "export": lambda a: step_export(Path(a.db), Path(a.sheet)),
    "preview": lambda a: step_preview(Path(a.db), Path(a.sheet)),
    "commit": lambda a: step_commit(Path(a.db), a.batch),
    "iex-dry": lambda a: step_iex(Path(a.db), Path(a.sheet), True),
    "iex": lambda a: step_iex(Path(a.db), Path(a.sheet), False),
}


def run(step: str, **options) -> dict:
    args = [sys.executable, "-m", "bench.data_io", "--step", step]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench step {step} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--skip-iex", action="store_true")
    parser.add_argument("--step")
    parser.add_argument("--db")
    parser.add_argument("--sheet")
    parser.add_argument("--batch", type=int)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args), default=str))
        return 0

    n = args.projects
    source = ROOT / f"bench-{n}.sqlite3"  # the page benchmark's city, shared
    empty = ROOT / "bench-empty.sqlite3"
    sheet = ROOT / f"bench-projects-{n}.xlsx"
    if not source.exists():
        print(f"seeding {n:,} demo projects into {source.name} …", flush=True)
        print(f"  {run('seed', db=source, projects=n)['seconds']:.0f} s")
    if not empty.exists():
        run("seed", db=empty, projects=0)

    print(f"\ninvestrack bench — data in and out, {n:,} projects, SQLite\n")
    print(f"{'step':<52}{'seconds':>9}{'peak MB':>9}   goal")
    exported = run("export", db=source, sheet=sheet)
    print(f"{'export to .xlsx (' + format(exported['rows'], ',') + ' rows)':<52}"
          f"{exported['seconds']:>9.1f}{exported['peak_mb']:>9.0f}   ≤ 8 s")  # fmt: skip

    target = ROOT / "bench-import.sqlite3"
    shutil.copyfile(empty, target)
    preview = run("preview", db=target, sheet=sheet)
    if preview["errors"]:
        print("the preview found errors:", preview["first_errors"])
        return 1
    commit = run("commit", db=target, batch=preview["batch"])
    total = preview["seconds"] + commit["seconds"]
    print(f"{'import: preview (' + format(preview['created'], ',') + ' to create)':<52}"
          f"{preview['seconds']:>9.1f}{preview['peak_mb']:>9.0f}")  # fmt: skip
    print(f"{'import: commit (' + commit['status'] + ', ' + format(commit['projects'], ',') + ' projects)':<52}"
          f"{commit['seconds']:>9.1f}{commit['peak_mb']:>9.0f}")  # fmt: skip
    print(f"{'import: preview + commit':<52}{total:>9.1f}"
          f"{max(preview['peak_mb'], commit['peak_mb']):>9.0f}   < 15 s, < 500 MB")  # fmt: skip
    if args.skip_iex:
        return 0
    shutil.copyfile(empty, target)
    dry = run("iex-dry", db=target, sheet=sheet)
    real = run("iex", db=target, sheet=sheet)
    if real["errors"]:
        print("django-import-export found errors:", real["first_errors"])
    iex_total = dry["seconds"] + real["seconds"]
    print(f"{'django-import-export: dry run':<52}{dry['seconds']:>9.1f}{dry['peak_mb']:>9.0f}")
    print(f"{'django-import-export: import (' + format(real['projects'], ',') + ' projects)':<52}"
          f"{real['seconds']:>9.1f}{real['peak_mb']:>9.0f}")  # fmt: skip
    print(f"\nratio, django-import-export ÷ investrack (preview + commit): "
          f"{iex_total / total:.1f}× (goal ≥ 5×)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
