"""A batch is imported once, whatever arrives at the same time: a double click, two tabs, a
retried request, or two previews of the same sheet confirmed together."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection

from investrack.projects import imports
from investrack.projects.models import ImportBatch, Project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROWS = 400


def sheet() -> SimpleUploadedFile:
    lines = ["项目名称,总投资（万元）"] + [f"并发项目{i:03d},{1000 + i}" for i in range(ROWS)]
    return SimpleUploadedFile("项目.csv", ("\n".join(lines) + "\n").encode())


def at_once(calls):
    """Run the calls in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what is compared
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_the_same_batch_confirmed_five_times_at_once(county_staff):
    batch = imports.import_preview(actor=county_staff, kind="projects", upload=sheet())
    results = at_once(
        [
            lambda: imports.import_confirm(
                actor=county_staff, batch=ImportBatch.objects.get(pk=batch.pk)
            )
            for _ in range(5)
        ]
    )
    imported = [r for r in results if isinstance(r, ImportBatch)]
    assert len(imported) == 1, results
    assert Project.objects.count() == ROWS


def test_two_previews_of_one_sheet_confirmed_together(county_staff):
    first = imports.import_preview(actor=county_staff, kind="projects", upload=sheet())
    second = imports.import_preview(actor=county_staff, kind="projects", upload=sheet())
    results = at_once(
        [
            lambda b=b: imports.import_confirm(
                actor=county_staff, batch=ImportBatch.objects.get(pk=b.pk)
            )
            for b in (first, second)
        ]
    )
    assert Project.objects.count() == ROWS, results
    # Each confirm ends cleanly: imported, or refused with a message (never a database error).
    from django.core.exceptions import ValidationError

    assert all(isinstance(r, ImportBatch | ValidationError) for r in results), results
    later = ImportBatch.objects.get(pk=max(first.pk, second.pk))
    assert imports.earlier_import(later) is not None or imports.earlier_import(
        ImportBatch.objects.get(pk=min(first.pk, second.pk))
    )
