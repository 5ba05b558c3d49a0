"""Project pages. Thin: parse the request, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from investrack.core import progress
from investrack.core.forms import add_service_error
from investrack.core.permissions import get_for_user_or_404, require_editor
from investrack.projects import exports, imports, rules, selectors, services
from investrack.projects.filters import industry_choices
from investrack.projects.forms import (
    CorrectionForm,
    DropForm,
    ImportUploadForm,
    ProgressReportForm,
    ProjectForm,
    StageChangeForm,
    StalledForm,
)
from investrack.projects.models import (
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    EvidenceFile,
    ImportBatch,
    Stage,
    StageEvent,
)
from investrack.regions.models import Industry
from investrack.service import selectors as service_selectors
from investrack.service.lights import LightBook, light_counts
from investrack.service.selectors import problem_counts

WORK_LIST_TITLES = {
    "to-sign": (gettext_lazy("To sign"), "促签约"),
    "to-start": (gettext_lazy("To start"), "促开工"),
    "to-complete": (gettext_lazy("To complete"), "促竣工"),
    "to-produce": (gettext_lazy("To production"), "促投产"),
}


def _list_page(request, filterset):
    paginator = selectors.ListPaginator(filterset.rows, settings.PAGE_SIZE, book=filterset.book)
    return paginator.get_page(request.GET.get("page"))


def _with_reasons(page, book):
    """Why each row of the page is lit, in words (the rows already carry their levels)."""
    for project in page:
        project.light_reasons = [text for _level, text in book.reasons(project)]
    return page


def _is_htmx(request) -> bool:
    """A swap of the results only (not a boosted link, not a restore of the history)."""
    return (
        request.headers.get("HX-Request") == "true"
        and not request.headers.get("HX-Boosted")
        and not request.headers.get("HX-History-Restore-Request")
    )


def _list_response(request, context, *, partial: str, page: str):
    """The list page, or only its results for an htmx swap; caches keep the two apart."""
    response = render(request, partial if _is_htmx(request) else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_safe
def home(request):
    stages, work_counts = selectors.stage_overview(user=request.user)
    return render(
        request,
        "projects/home.html",
        {
            "stages": stages,
            "work_counts": work_counts,
            "lights": light_counts(selectors.projects_visible_to(request.user), LightBook.load()),
            "problems": problem_counts(user=request.user),
        },
    )


@login_required
@require_safe
def project_list(request):
    filterset = selectors.project_list(user=request.user, params=request.GET)
    page = _with_reasons(_list_page(request, filterset), filterset.book)
    context = {"filter": filterset, "page": page, "industries": industry_choices()}
    return _list_response(
        request, context, partial="projects/_project_table.html", page="projects/list.html"
    )


@login_required
@require_safe
def work_list(request, kind: str):
    if kind not in selectors.WORK_LISTS:
        raise Http404
    filterset = selectors.work_list(user=request.user, kind=kind, params=request.GET)
    page = _with_reasons(_list_page(request, filterset), filterset.book)
    title, chinese = WORK_LIST_TITLES[kind]
    context = {
        "filter": filterset,
        "page": page,
        "kind": kind,
        "title": title,
        "planned_field": filterset.planned_field,
        "industries": industry_choices(),
        "work_lists": WORK_LIST_TITLES,
    }
    return _list_response(
        request, context, partial="projects/_work_table.html", page="projects/work_list.html"
    )


@login_required
@require_safe
def project_detail(request, pk: int):
    book = LightBook.load()
    project = selectors.project_detail(user=request.user, pk=pk, book=book)
    approvals = service_selectors.approval_checklist(project=project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "light_reasons": book.reasons(project),
            "problems": service_selectors.problems_of_project(user=request.user, project=project),
            "approvals": approvals,
            "blockers": service_selectors.blockers(project=project, items=approvals),
            "behind": service_selectors.behind(project=project, items=approvals),
            "timeline": selectors.project_timeline(project=project),
            "phases": selectors.project_phases(user=request.user, project=project),
            "history": selectors.project_history(project=project),
            "progress": selectors.project_progress(project=project),
            "stage_dates": [
                (
                    stage,
                    getattr(project, PLANNED_DATE_FIELD.get(stage, ""), None),
                    getattr(project, field),
                )
                for stage, field in STAGE_DATE_FIELD.items()
            ],
            "can_edit": request.user.can_edit_projects,
            "actions": rules.allowed_actions(project),
        },
    )


def _form_context(form, **extra):
    return {
        "form": form,
        "industries": Industry.objects.filter(level=Industry.Level.CLASS).values_list(
            "code", "name"
        ),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    require_editor(request.user)
    form = ProjectForm(request.POST or None, user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user,
                data=form.service_data(),
                stage=form.cleaned_data["stage"],
                stage_dates=form.stage_dates(),
                tags=form.cleaned_data["tags"],
                linked_leaders=form.cleaned_data["linked_leaders"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Project “%(name)s” created.") % {"name": project.name})
            return redirect(project)
    return render(request, "projects/form.html", _form_context(form, creating=True))


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = selectors.project_detail(user=request.user, pk=pk)
    require_editor(request.user)
    form = ProjectForm(request.POST or None, instance=project, user=request.user, creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user,
                project=project,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0,
                tags=form.cleaned_data["tags"],
                linked_leaders=form.cleaned_data["linked_leaders"],
            )
        except services.ConcurrentEditError as exc:
            form.add_error(None, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(project)
    return render(
        request, "projects/form.html", _form_context(form, creating=False, project=project)
    )


def _editable_project(request, pk):
    project = selectors.project_detail(user=request.user, pk=pk)
    require_editor(request.user)
    return project


def _action_page(request, project, form, title, **extra):
    return render(
        request,
        "projects/action_form.html",
        {"project": project, "form": form, "title": title, **extra},
    )


@login_required
@require_http_methods(["GET", "POST"])
def stage_change(request, pk: int):
    project = _editable_project(request, pk)
    form = StageChangeForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_advance(
                actor=request.user,
                project=project,
                to_stage=form.cleaned_data["to_stage"],
                effective_date=form.cleaned_data["effective_date"],
                note=form.cleaned_data["note"],
                skipped_dates=form.skipped_dates(),
                evidence=form.cleaned_data["evidence"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("“%(name)s” is now at “%(stage)s”.")
                % {"name": project.name, "stage": Stage(form.cleaned_data["to_stage"]).label},
            )
            return redirect(project)
    return _action_page(request, project, form, _("Record a stage change"), multipart=True)


@login_required
@require_http_methods(["GET", "POST"])
def stage_correct(request, pk: int, event_id: int):
    project = _editable_project(request, pk)
    event = get_object_or_404(StageEvent, pk=event_id, project=project)
    if event.kind == StageEvent.Kind.CORRECTION:
        raise Http404
    form = CorrectionForm(request.POST or None, request.FILES or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_correct(
                actor=request.user,
                project=project,
                event=event,
                reason=form.cleaned_data["reason"],
                new_date=form.cleaned_data["new_date"],
                retract=form.cleaned_data["retract"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Correction recorded; the wrong entry stays visible."))
            return redirect(project)
    return _action_page(request, project, form, _("Correct an entry"), event=event, multipart=True)


@login_required
@require_http_methods(["GET", "POST"])
def project_drop(request, pk: int):
    project = _editable_project(request, pk)
    form = DropForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_drop(
                actor=request.user,
                project=project,
                effective_date=form.cleaned_data["effective_date"],
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The project was dropped."))
            return redirect(project)
    return _action_page(request, project, form, _("Drop the project"), multipart=True)


@login_required
@require_POST
def project_stalled(request, pk: int):
    project = _editable_project(request, pk)
    form = StalledForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the project is stalled."))
        return redirect(project)
    stalled = form.cleaned_data["stalled"]
    try:
        services.project_set_stalled(
            actor=request.user,
            project=project,
            stalled=stalled,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Marked as stalled.") if stalled else _("Stalled flag cleared.")
        )
    return redirect(project)


@login_required
@require_http_methods(["GET", "POST"])
def progress_report(request, pk: int):
    project = _editable_project(request, pk)
    form = ProgressReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_submit(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Progress report saved."))
            return redirect(project)
    return _action_page(request, project, form, _("Report monthly progress"))


@login_required
@require_safe
def evidence_download(request, pk: int, file_id: int):
    """Evidence files are served only to users who may see the project."""
    project = selectors.project_detail(user=request.user, pk=pk)
    evidence = get_object_or_404(EvidenceFile, pk=file_id, event__project=project)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )


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
            "can_confirm": imports.may_confirm(user=request.user, batch=batch),
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
