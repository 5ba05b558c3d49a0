"""Runs of jobs recorded, so that an operator (and /healthz) sees when each last ran."""

from __future__ import annotations

from contextlib import contextmanager

from django.utils import timezone

from investrack.core.models import JobRun


@contextmanager
def recorded(name: str):
    """``with recorded("daily") as run: run.result = {...}`` — the run is kept, failed or not."""
    run = JobRun.objects.create(name=name, started_at=timezone.now())
    try:
        yield run
    except BaseException as exc:
        run.result = {**(run.result or {}), "error": f"{type(exc).__name__}: {exc}"}
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "finished_at"])
        raise
    run.ok = True
    run.finished_at = timezone.now()
    run.save(update_fields=["ok", "result", "finished_at"])


def last_success(name: str) -> JobRun | None:
    return JobRun.objects.filter(name=name, ok=True).order_by("-started_at").first()
