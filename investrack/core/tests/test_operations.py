"""What an operator relies on: /healthz, the request id in responses and logs, job runs."""

import json
import logging

import pytest
from django.urls import reverse

from investrack.core.logs import JsonFormatter, RequestIdFilter
from investrack.core.models import JobRun

pytestmark = pytest.mark.django_db


def test_healthz_needs_a_recent_daily_run(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "daily_job": "never ran",
    }
    from investrack.daily.job import daily_run

    daily_run()
    assert client.get(reverse("healthz")).json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "daily_job": "ok", "kept_tables": "ok"},
    }
    import datetime

    from django.utils import timezone

    JobRun.objects.update(started_at=timezone.now() - datetime.timedelta(hours=27))
    assert client.get(reverse("healthz")).status_code == 503


def test_a_failed_job_is_recorded_as_failed():
    from investrack.core.jobs import recorded

    with pytest.raises(RuntimeError), recorded("daily"):
        raise RuntimeError("SMTP down")
    run = JobRun.objects.get()
    assert not run.ok and "SMTP down" in run.result["error"] and run.finished_at


def test_the_request_id_is_kept_or_made(client):
    given = client.get(reverse("login"), HTTP_X_REQUEST_ID="nginx-4f2a")
    assert given["X-Request-ID"] == "nginx-4f2a"
    made = client.get(reverse("login"), HTTP_X_REQUEST_ID="bad id with spaces")
    assert len(made["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id():
    from investrack.core.logs import request_id

    record = logging.LogRecord(
        "investrack", logging.WARNING, __file__, 1, "导入失败 %s", ("x",), None
    )
    token = request_id.set("rid-1")
    RequestIdFilter().filter(record)
    request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "rid-1" and line["message"] == "导入失败 x"
