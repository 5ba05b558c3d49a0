"""Backups that restore: the database (SQLite's online backup, or PostgreSQL's pg_dump in
its custom format) and the uploaded files, in one folder per backup with a manifest of
what it holds; the oldest are removed beyond ``keep``. ``restore`` puts one back and checks
the manifest's counts against what it restored."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

PREFIX = "investrack-"


class BackupError(Exception):
    pass


def _counts() -> dict[str, int]:
    """Rows of every table of investrack's apps: what a restore must find again."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"core", "accounts", "regions", "projects", "service", "insights"}
        and model._meta.managed
    }


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["-h", db.get("HOST") or "localhost", "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def _database_name() -> str:
    return connection.settings_dict["NAME"]


def backup(*, directory: Path, keep: int | None = None) -> Path:
    """Write a backup into ``directory``; returns its folder."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = directory / f"{PREFIX}{stamp}"
    n = 1
    while target.exists():
        n += 1
        target = directory / f"{PREFIX}{stamp}-{n}"
    partial = target.with_name(target.name + ".partial")
    partial.mkdir()
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        destination = sqlite3.connect(partial / "database.sqlite3")
        with destination:
            connection.connection.backup(destination)
        destination.close()
        database = "database.sqlite3"
    elif connection.vendor == "postgresql":
        args, env = _pg_env()
        database = "database.dump"
        subprocess.run(
            ["pg_dump", "-Fc", *args, "-f", str(partial / database), _database_name()],
            check=True,
            env=env,
            capture_output=True,
        )
    else:  # pragma: no cover
        raise BackupError(f"No backup for {connection.vendor}.")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(partial / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    manifest = {
        "made_at": timezone.now().isoformat(),
        "database": database,
        "vendor": connection.vendor,
        "counts": _counts(),
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    partial.rename(target)  # a backup cut short is never taken for a whole one
    if keep:
        for old in sorted(backups(directory))[:-keep]:
            shutil.rmtree(old)
    return target


def backups(directory: Path) -> list[Path]:
    return sorted(
        p for p in directory.glob(f"{PREFIX}*") if p.is_dir() and not p.name.endswith(".partial")
    )


def restore(*, folder: Path) -> dict:
    """Replace the database and the uploaded files with the backup's; returns its manifest."""
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['vendor']} database; this one is {connection.vendor}."
        )
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(folder / manifest["database"])
        source.backup(connection.connection)
        source.close()
    else:
        args, env = _pg_env()
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "-d",
                _database_name(),
                str(folder / manifest["database"]),
            ],  # fmt: skip
            check=True,
            env=env,
            capture_output=True,
        )
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    media.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
        members = [
            m for m in archive.getmembers() if m.name == "media" or m.name.startswith("media/")
        ]
        for member in members:
            member.name = member.name.removeprefix("media").lstrip("/") or "."
        archive.extractall(media, members=members, filter="data")
    found = _counts()
    wrong = {k: (v, found.get(k)) for k, v in manifest["counts"].items() if found.get(k) != v}
    if wrong:
        raise BackupError(f"Restored, but the counts differ from the backup's: {wrong}")
    return manifest


def backup_dir() -> Path:
    return Path(os.environ.get("BACKUP_DIR") or Path(settings.BASE_DIR) / "backups")
