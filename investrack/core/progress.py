"""How far a long job has come, where the page polling it can read it at once.

Kept in small files (PROGRESS_DIR, under MEDIA_ROOT by default), not in the database: an
import writes in one transaction, which other connections do not see until it ends (and
which holds SQLite's write lock), yet its page must move while it runs. The file's time is
the job's heartbeat: a job whose file stopped changing long ago died with its worker.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings


def _path(key: str) -> Path:
    folder = Path(getattr(settings, "PROGRESS_DIR", "") or Path(settings.MEDIA_ROOT) / ".progress")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.json"


def report(key: str, *, done: int, total: int | None, step: str = "") -> None:
    """Record progress (written whole and renamed: a reader never sees half a file)."""
    path = _path(key)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps({"done": done, "total": total, "step": step, "at": time.time()}))
    partial.replace(path)


def read(key: str) -> dict | None:
    try:
        return json.loads(_path(key).read_text())
    except (FileNotFoundError, ValueError):
        return None


def clear(key: str) -> None:
    _path(key).unlink(missing_ok=True)


def percent(state: dict | None) -> int:
    if not state or not state.get("total"):
        return 0
    return max(0, min(100, int(100 * state["done"] / state["total"])))


def stalled(state: dict | None, *, seconds: int) -> bool:
    """No heartbeat for ``seconds``: the job is not running any more."""
    return state is None or time.time() - state.get("at", 0) > seconds


class Counter:
    """Calls ``report`` every ``every`` items, not on each one."""

    def __init__(self, key: str, *, total: int | None, step: str, every: int = 1000):
        self.key, self.total, self.step, self.every, self.done = key, total, step, every, 0
        report(key, done=0, total=total, step=step)

    def add(self, n: int = 1) -> None:
        before = self.done // self.every
        self.done += n
        if self.done // self.every != before:
            report(self.key, done=self.done, total=self.total, step=self.step)
