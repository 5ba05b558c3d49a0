"""Long work as background tasks (django-tasks): reading a sheet and importing it.

Where TASKS_BACKEND is the database backend, a worker (`manage.py db_worker`, the
investrack-worker service) runs them and the page shows their progress; with the
immediate backend (development, tests) they run at once inside the request. The same code
runs either way.
"""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from investrack.projects import imports


def runs_in_background() -> bool:
    return "immediate" not in settings.TASKS["default"]["BACKEND"].lower()


@task()
def import_preview_task(batch_id: int) -> None:
    imports.preview_run(batch_id)


@task()
def import_confirm_task(batch_id: int) -> None:
    imports.confirm_run(batch_id)
