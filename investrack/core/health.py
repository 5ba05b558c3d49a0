"""/healthz for the operator's monitoring: the database answers, every migration is
applied, and the daily job ran in the last 26 hours. 200 with the checks, else 503."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

DAILY_WITHIN = datetime.timedelta(hours=26)


def _checks() -> dict[str, str]:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is what the check reports
        return {"database": f"error: {type(exc).__name__}"}
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    checks["migrations"] = "ok" if not pending else f"{len(pending)} not applied"
    from investrack.core.jobs import last_success

    run = last_success("daily")
    if run is None:
        checks["daily_job"] = "never ran"
    elif timezone.now() - run.started_at > DAILY_WITHIN:
        checks["daily_job"] = f"last ran {run.started_at.isoformat()}"
    else:
        checks["daily_job"] = "ok"
    if run is not None:
        drifted = (run.result or {}).get("drift") or {}
        checks["kept_tables"] = (
            "ok" if not drifted else "drift: " + ", ".join(f"{k} {v}" for k, v in drifted.items())
        )
    return checks


@never_cache
@require_safe
def healthz(request):
    checks = _checks()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503
    )
