"""Large imports run in a worker (django-tasks' database backend): the page shows the
progress, the inbox says when it is done, and a worker that dies writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from investrack.closed_loop.models import Notification
from investrack.core import progress
from investrack.projects import imports
from investrack.projects.models import ImportBatch, Project
from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROWS = 30


@pytest.fixture
def worker_backend(settings):
    """Tasks kept in the database for a worker (the backend resets on the setting change)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def sheet():
    lines = ["项目名称,总投资（万元）"] + [f"后台项目{i:03d},{1000 + i}" for i in range(ROWS)]
    return SimpleUploadedFile("大表.csv", ("\n".join(lines) + "\n").encode())


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0, reload=False)


def test_upload_and_import_in_a_worker(client_for, county_staff, worker_backend):
    client = client_for(county_staff)
    upload = rendered_form(client.get(reverse("projects:imports")))
    response = upload.submit(client, {"kind": "projects", "file": sheet()})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PLANNING
    page = client.get(response.url).content.decode()
    assert 'id="import-progress"' in page and "<progress" in page

    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.created) == (ImportBatch.Status.PREVIEWED, ROWS)
    assert Notification.objects.filter(user=county_staff, kind="import_done").count() == 1
    # The poll of a finished batch tells the page to reload.
    assert client.get(reverse("projects:import_progress", args=[batch.pk]))["HX-Refresh"] == "true"

    confirm = rendered_form(
        client.get(response.url), action=reverse("projects:import_confirm", args=[batch.pk])
    )
    assert confirm.submit(client).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTING and not Project.objects.exists()
    polled = client.get(reverse("projects:import_progress", args=[batch.pk]))
    assert "<progress" in polled.content.decode()
    assert confirm.submit(client).status_code == 302  # a second click: refused, not queued
    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Project.objects.count() == ROWS
    assert Notification.objects.filter(user=county_staff, kind="import_done").count() == 2


def test_a_dead_worker_leaves_nothing_written(county_staff, worker_backend):
    batch = imports.import_preview(actor=county_staff, kind="projects", upload=sheet())
    run_worker()
    imports.import_confirm(actor=county_staff, batch=ImportBatch.objects.get(pk=batch.pk))
    # The worker died before it wrote (or its transaction rolled back): no heartbeat since.
    progress.report(imports.progress_key(batch), done=10, total=ROWS, step="writing")
    assert imports.recover_interrupted(stall_seconds=3600) == 0  # still beating: left alone
    assert imports.recover_interrupted(stall_seconds=-1) == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and not Project.objects.exists()
    imports.import_confirm(actor=county_staff, batch=batch)  # it can be confirmed again
    run_worker()
    assert Project.objects.count() == ROWS
