"""Files: exports of every list (.xlsx, CSV), imports with their preview and confirm, the
sheets' templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from investrack.accounts import permissions
from investrack.accounts.permissions import get_for_user_or_404, require_editor
from investrack.core import progress
from investrack.core.forms import add_service_error
from investrack.projects import exports, imports, selectors
from investrack.projects.forms import (
    ImportUploadForm,
)
from investrack.projects.models import (
    ImportBatch,
)
from investrack.projects.views.lists import WORK_LIST_TITLES, _is_htmx  # noqa: F401

# --- files: exports, imports, templates --------------------------------------------------


def _xlsx_response(file, filename: str) -> FileResponse:
    return FileResponse(
        file,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _dated(name: str, suffix: str) -> str:
    return f"{name}-{timezone.localdate():%Y%m%d}.{suffix}"


@login_required
@require_safe
def project_list_export(request, fmt: str):
    filterset = selectors.project_list(user=request.user, params=request.GET)
    name = _("Project list")
    if fmt == "csv":
        return _csv_response(exports.projects_csv(queryset=filterset.rows), _dated(name, "csv"))
    title = _("%(jurisdiction)s project list") % {"jurisdiction": request.user.jurisdiction_name}
    file = exports.projects_xlsx(user=request.user, queryset=filterset.rows, title=title)
    return _xlsx_response(file, _dated(name, "xlsx"))


@login_required
@require_safe
def work_list_export(request, kind: str, fmt: str):
    if kind not in selectors.WORK_LISTS:
        raise Http404
    filterset = selectors.work_list(user=request.user, kind=kind, params=request.GET)
    title, _chinese = WORK_LIST_TITLES[kind]
    name = str(title)
    if fmt == "csv":
        rows = exports.projects_csv(queryset=filterset.rows, overdue_field=filterset.planned_field)
        return _csv_response(rows, _dated(name, "csv"))
    file = exports.projects_xlsx(
        user=request.user,
        queryset=filterset.rows,
        title=_("%(jurisdiction)s %(list)s list")
        % {"jurisdiction": request.user.jurisdiction_name, "list": name},
        overdue_field=filterset.planned_field,
    )
    return _xlsx_response(file, _dated(name, "xlsx"))


@login_required
@require_safe
def progress_export(request, fmt: str):
    filterset = selectors.project_list(user=request.user, params=request.GET)
    name = _("Monthly progress")
    if fmt == "csv":
        return _csv_response(exports.progress_csv(queryset=filterset.rows), _dated(name, "csv"))
    title = _("%(jurisdiction)s monthly progress of projects") % {
        "jurisdiction": request.user.jurisdiction_name
    }
    file = exports.progress_xlsx(user=request.user, queryset=filterset.rows, title=title)
    return _xlsx_response(file, _dated(name, "xlsx"))


@login_required
@require_safe
def import_template(request, kind: str):
    if kind not in ImportBatch.Kind.values:
        raise Http404
    label = _("project import template") if kind == "projects" else _("progress import template")
    return HttpResponse(
        exports.import_template(kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": content_disposition_header(True, f"{label}.xlsx")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    require_editor(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.import_preview(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect("projects:import_detail", pk=batch.pk)
    batches = Paginator(imports.import_batches_visible_to(request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/imports.html", {"form": form, "batches": batches})


def _batch(request, pk: int) -> ImportBatch:
    return get_for_user_or_404(request.user, imports.import_batches_visible_to(request.user), pk=pk)


@login_required
@require_safe
def import_detail(request, pk: int):
    imports.recover_interrupted()
    batch = _batch(request, pk)
    return render(
        request,
        "projects/import_detail.html",
        {
            "batch": batch,
            "can_confirm": permissions.may_confirm_import(request.user, batch),
            "earlier": imports.earlier_import(batch),
            "running": _running(batch),
        },
    )


def _running(batch) -> dict | None:
    """The progress of a batch being read or imported in the background, for its page."""
    if batch.status not in (ImportBatch.Status.PLANNING, ImportBatch.Status.IMPORTING):
        return None
    state = progress.read(imports.progress_key(batch)) or {}
    return {**state, "percent": progress.percent(state)}


@login_required
@require_safe
def import_progress(request, pk: int):
    """Polled by the batch page while it runs; when it has ended, the page reloads."""
    batch = _batch(request, pk)
    running = _running(batch)
    if running is None:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "projects/_import_progress.html", {"batch": batch, "running": running})


@login_required
@require_POST
def import_confirm(request, pk: int):
    batch = _batch(request, pk)
    try:
        batch = imports.import_confirm(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if batch.status == ImportBatch.Status.IMPORTING:
            messages.info(request, _("The import runs in the background; this page follows it."))
        elif batch.status == ImportBatch.Status.IMPORTED:
            messages.success(
                request,
                _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                % {
                    "created": batch.created,
                    "updated": batch.updated,
                    "unchanged": batch.unchanged,
                },
            )
        else:
            messages.error(
                request,
                _("Nothing was imported: the file has errors now. See them below."),
            )
    return redirect("projects:import_detail", pk=batch.pk)


@login_required
@require_safe
def import_file(request, pk: int):
    batch = _batch(request, pk)
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.original_name)
