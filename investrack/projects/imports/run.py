"""The two steps: preview (store the file, plan it) and confirm (plan it again and write
everything in one transaction through the services, or nothing); the batches."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.permissions import require_editor, scope
from investrack.core import progress
from investrack.core.excel import Sheet, SheetError
from investrack.core.models import AuditEntry
from investrack.projects import services
from investrack.projects.imports.columns import PROGRESS_COLUMNS, PROJECT_COLUMNS
from investrack.projects.imports.plan import (
    MAX_KEPT,
    Plan,
    message_of,
    plan_progress,
    plan_projects,
)
from investrack.projects.models import (
    ImportBatch,
)

IMPORT_LOCK = 0x1D7A1  # PostgreSQL advisory lock key of the import confirms
MAX_FILE_SIZE = 50 * 1024 * 1024


def write_projects(plan: Plan, *, user, progress=None) -> None:
    try:
        services.project_create_many(
            actor=user,
            rows=[values for _number, values in plan.creates],
            action=AuditEntry.Action.IMPORT,
            progress=progress,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise RowFailed(0, message_of(exc)) from exc
    for number, project, changed, advance in plan.updates:
        if progress is not None:
            progress(1)
        try:
            data = dict(changed)
            if "investor" in data or "investor_credit_code" in data:
                current = project.investor
                data["investor"] = services.InvestorName(
                    data.get("investor") or getattr(current, "name", ""),
                    getattr(current, "origin", "domestic"),
                    data.pop("investor_credit_code", "") or "",
                )
            if data:
                project = services.project_update(
                    actor=user,
                    project=project,
                    data=data,
                    expected_version=project.version,
                    action=AuditEntry.Action.IMPORT,
                )
            if advance:
                target, dates = advance
                services.stage_advance(
                    actor=user,
                    project=project,
                    to_stage=target,
                    effective_date=dates.get(target) or timezone.localdate(),
                    skipped_dates=dates,
                    note=_("Imported from a sheet"),
                )
        except (ValidationError, PermissionDenied) as exc:
            raise RowFailed(number, message_of(exc)) from exc


def write_progress(plan: Plan, *, user, progress=None) -> None:
    for number, project, values in plan.creates:
        try:
            services.progress_report_submit(
                actor=user,
                project=project,
                period=values["period"],
                investment_completed=values["investment_completed"],
                construction_progress=values["construction_progress"],
                note=values["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            raise RowFailed(number, message_of(exc)) from exc


KINDS = {
    ImportBatch.Kind.PROJECTS: (PROJECT_COLUMNS, plan_projects, write_projects),
    ImportBatch.Kind.PROGRESS: (PROGRESS_COLUMNS, plan_progress, write_progress),
}


class RowFailed(Exception):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


# --- the two steps ------------------------------------------------------------------------


def _plan(batch: ImportBatch, user, *, step: str = "") -> Plan:
    """Plan the stored file; a sheet that cannot be read, or meets a limit while its rows
    are read, is one error of the plan."""
    columns, planner, _writer = KINDS[batch.kind]
    with batch.file.open("rb") as handle:
        try:
            sheet = Sheet(handle, batch.original_name, columns)
            if step:
                sheet.on_row = progress.Counter(
                    progress_key(batch), total=sheet.size_hint, step=step
                ).add
            plan = planner(sheet, user=user)
        except SheetError as exc:
            plan = Plan()
            plan.error(0, "", exc)
            return plan
        plan.ignored_columns = sheet.ignored
        return plan


def _store_counts(batch: ImportBatch, plan: Plan) -> None:
    batch.rows = plan.rows
    batch.created = len(plan.creates)
    batch.updated = len(plan.updates)
    batch.unchanged = plan.unchanged
    batch.error_count = len(plan.errors)
    batch.errors = [e.as_dict() for e in plan.errors[:MAX_KEPT]]
    batch.changes = plan.changes[:MAX_KEPT]
    batch.ignored_columns = plan.ignored_columns


def progress_key(batch: ImportBatch) -> str:
    return f"import-{batch.pk}"


def import_preview(*, actor, kind: str, upload) -> ImportBatch:
    """Store the uploaded file and work out what importing it would do (in the background
    where tasks run in a worker). Writes no project."""
    require_editor(actor)
    if upload.size > MAX_FILE_SIZE:
        raise ValidationError(
            {"file": _("The file is larger than %(n)s MB.") % {"n": MAX_FILE_SIZE // 2**20}}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    batch = ImportBatch(
        kind=kind,
        original_name=upload.name[-200:],
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        region=actor.region,
        park=actor.park,
        status=ImportBatch.Status.PLANNING,
    )
    batch.file.save(upload.name[-120:], upload, save=False)
    batch.save()
    progress.report(progress_key(batch), done=0, total=None, step="queued")
    from investrack.projects.tasks import import_preview_task

    import_preview_task.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


def preview_run(batch_id: int) -> None:
    """The preview itself: plan the stored file, keep the counts and errors."""
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.PLANNING:
        return  # done already (a task delivered twice)
    try:
        plan = _plan(batch, batch.uploaded_by, step="reading")
    except Exception:
        plan = Plan()
        plan.error(
            0, "", _("The file could not be read; nothing was imported. Tell the administrator.")
        )
        _store_counts(batch, plan)
        batch.status = ImportBatch.Status.REFUSED
        batch.save()
        progress.clear(progress_key(batch))
        raise
    _store_counts(batch, plan)
    batch.status = ImportBatch.Status.PREVIEWED
    batch.save()
    progress.clear(progress_key(batch))
    _tell(batch, _("The preview of “%(name)s” is ready."))


def _one_import_at_a_time() -> None:
    """Confirms of imports run one after another: a second confirm (a double click, another
    tab, a second preview of the same sheet) plans against the rows the first wrote. SQLite
    serialises write transactions already (BEGIN IMMEDIATE); PostgreSQL takes a lock held
    until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def import_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """Import a previewed file: every row, in one transaction, or nothing; once.

    The batch is claimed first (previewed → being imported, one conditional update), so
    however many confirms of it arrive at once, one goes on and the others are refused.
    The import runs as a task (in a worker, or at once where tasks run in the request).
    """
    require_editor(actor)
    if batch.uploaded_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded a file can import it."))
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.IMPORTING
    )
    if not claimed:
        raise ValidationError(
            _("This file is being imported, or was already imported or refused; upload it again.")
        )
    progress.report(progress_key(batch), done=0, total=None, step="queued")
    from investrack.projects.tasks import import_confirm_task

    import_confirm_task.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


def confirm_run(batch_id: int) -> None:
    """The import itself. The file is planned again (the database may have moved on since
    the preview); if any row has an error now, nothing is written and the batch is marked
    refused with the errors. A worker that dies midway leaves the transaction unwritten."""
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    actor = batch.uploaded_by
    _columns, _planner, writer = KINDS[batch.kind]
    try:
        with transaction.atomic():
            _one_import_at_a_time()
            batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
            if batch.status != ImportBatch.Status.IMPORTING:
                return  # done already (a task delivered twice)
            plan = _plan(batch, actor, step="checking")
            if not plan.errors:
                counter = progress.Counter(
                    progress_key(batch),
                    total=len(plan.creates) + len(plan.updates),
                    step="writing",
                    every=500,
                )
                try:
                    with transaction.atomic():
                        writer(plan, user=actor, progress=counter.add)
                except RowFailed as exc:
                    plan.error(exc.row, "", exc.message)
            _store_counts(batch, plan)
            if plan.errors:
                batch.status, batch.imported_at = ImportBatch.Status.REFUSED, None
            else:
                batch.status, batch.imported_at = ImportBatch.Status.IMPORTED, timezone.now()
            batch.save()
    except Exception:
        # Nothing was written; the batch says so instead of staying "being imported".
        ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.IMPORTING).update(
            status=ImportBatch.Status.PREVIEWED
        )
        raise
    finally:
        progress.clear(progress_key(batch))
    if batch.status == ImportBatch.Status.IMPORTED:
        _tell(batch, _("“%(name)s” was imported."))
    else:
        _tell(batch, _("“%(name)s” was not imported: the file has errors now."))


def _tell(batch: ImportBatch, title: str) -> None:
    """The uploader hears in the inbox when a job that ran in a worker ends."""
    from investrack.closed_loop.notifications import notify
    from investrack.projects.tasks import runs_in_background

    if runs_in_background():
        notify(
            users=[batch.uploaded_by],
            kind="import_done",
            key=f"import-{batch.pk}-{batch.status}",
            title=title % {"name": batch.original_name},
            url=reverse("projects:import_detail", args=[batch.pk]),
        )


def recover_interrupted(*, stall_seconds: int | None = None) -> int:
    """Batches whose worker died (no progress for IMPORT_STALL_SECONDS): an import goes back
    to previewed (its transaction wrote nothing; it can be confirmed again), a preview is
    refused (upload again). Called by the import pages and the daily job."""
    stall_seconds = stall_seconds or settings.IMPORT_STALL_SECONDS
    recovered = 0
    busy = ImportBatch.objects.filter(
        status__in=[ImportBatch.Status.PLANNING, ImportBatch.Status.IMPORTING]
    )
    for batch in busy:
        if not progress.stalled(progress.read(progress_key(batch)), seconds=stall_seconds):
            continue
        if batch.status == ImportBatch.Status.IMPORTING:
            recovered += ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.IMPORTING
            ).update(status=ImportBatch.Status.PREVIEWED)
        else:
            recovered += ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.PLANNING
            ).update(
                status=ImportBatch.Status.REFUSED,
                error_count=1,
                errors=[
                    {
                        "row": 0,
                        "column": "",
                        "message": str(_("Reading the file was interrupted: upload it again.")),
                    }
                ],
            )
        progress.clear(progress_key(batch))
    return recovered


def earlier_import(batch: ImportBatch) -> ImportBatch | None:
    """The same sheet (same kind and SHA-256), imported before in the same jurisdiction."""
    return (
        ImportBatch.objects.filter(
            kind=batch.kind,
            sha256=batch.sha256,
            status=ImportBatch.Status.IMPORTED,
            region_id=batch.region_id,
            park_id=batch.park_id,
        )
        .exclude(pk=batch.pk)
        .select_related("uploaded_by")
        .order_by("-imported_at")
        .first()
    )


def import_batches_visible_to(user):
    return scope(user, ImportBatch.objects.select_related("uploaded_by"))
