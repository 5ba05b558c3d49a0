"""One project: its page, the form, and the actions on it (stage change, correction, drop,
stall, progress report, evidence)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from investrack.accounts.permissions import require_editor
from investrack.closed_loop import selectors as loop_selectors
from investrack.closed_loop.lights import LightBook
from investrack.core.forms import add_service_error
from investrack.projects import rules, selectors, services
from investrack.projects.forms import (
    CorrectionForm,
    DropForm,
    ProgressReportForm,
    ProjectForm,
    StageChangeForm,
    StalledForm,
)
from investrack.projects.models import (
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    EvidenceFile,
    ProgressPhoto,
    Stage,
    StageEvent,
)
from investrack.projects.views.lists import _is_htmx  # noqa: F401
from investrack.regions.models import Industry


@login_required
@require_safe
def project_detail(request, pk: int):
    book = LightBook.load()
    project = selectors.project_detail(user=request.user, pk=pk, book=book)
    approvals = loop_selectors.approval_checklist(project=project)
    problems = list(loop_selectors.problems_of_project(user=request.user, project=project))
    progress = list(selectors.project_progress(project=project))
    curve = selectors.investment_curve(project=project, reports=progress)
    if curve is not None:  # the chart's words, translated here rather than in the script
        curve["labels"] = {
            "actual": _("Completed (cumulative)"),
            "planned": _("Plan"),
            "unit": _("10k yuan"),
        }
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "light_reasons": book.reasons(project),
            "problems": problems,
            "open_problems": [p for p in problems if p.is_open],
            "approvals": approvals,
            "blockers": loop_selectors.blockers(project=project, items=approvals),
            "behind": loop_selectors.behind(project=project, items=approvals),
            "timeline": selectors.project_timeline(project=project),
            "phases": selectors.project_phases(user=request.user, project=project),
            "history": selectors.project_history(project=project),
            "progress": progress,
            "investment_curve": curve,
            "photos": selectors.project_photos(project=project),
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
    form = ProgressReportForm(request.POST or None, request.FILES or None)
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
    return _action_page(request, project, form, _("Report monthly progress"), multipart=True)


@login_required
@require_safe
def site_photo(request, pk: int, photo_id: int, size: str):
    """A site photo (``size``: full or thumb), served only to users who may see the project."""
    project = selectors.project_detail(user=request.user, pk=pk)
    photo = get_object_or_404(ProgressPhoto, pk=photo_id, report__project=project)
    kept = photo.thumbnail if size == "thumb" else photo.image
    response = FileResponse(kept.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_safe
def evidence_download(request, pk: int, file_id: int):
    """Evidence files are served only to users who may see the project."""
    project = selectors.project_detail(user=request.user, pk=pk)
    evidence = get_object_or_404(EvidenceFile, pk=file_id, event__project=project)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )
